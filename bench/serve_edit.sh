#!/usr/bin/env bash
# bench/serve_edit.sh — `cairn serve` edit-to-rebuilt time: one runbook's body
# (and then its title) edited in a generated corpus, timed from the write to
# the new page being served over HTTP, plus the rebuild time the server prints.
#
# Usage: bench/serve_edit.sh      (from anywhere)
# Knobs: SIZES="1000 10000"  RUNS=5  SYSTEMS=500  SEED=1  SKIP_BUILD=1
#        CAIRN=path GEN=path (default target/release/...)
# Needs curl. Corpora and logs go under bench/out/serve/ (gitignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/serve
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-5}
SYSTEMS=${SYSTEMS:-500}
SEED=${SEED:-1}
CAIRN=${CAIRN:-$ROOT/target/release/cairn}
GEN=${GEN:-$ROOT/target/release/examples/cairn-gen-corpus}
export SOURCE_DATE_EPOCH=1795651200 # no generated runbook is overdue
export NO_COLOR=1

command -v curl >/dev/null || { echo "serve_edit.sh: curl is required" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin cairn --example cairn-gen-corpus >&2
mkdir -p "$OUT"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "-"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}}'; }

SERVER_PID=
cleanup() { [ -z "$SERVER_PID" ] || kill -INT "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

printf '| runbooks | edit | served after (median ms) | rebuild printed by serve (median ms) | full build at start (ms) |\n'
printf '|---:|---|---:|---:|---:|\n'
for n in $SIZES; do
    site=$OUT/site-$n
    "$GEN" --runbooks "$n" --systems "$SYSTEMS" --seed "$SEED" --force "$site" >/dev/null
    log=$OUT/serve-$n.out
    err=$OUT/serve-$n.err
    "$CAIRN" serve "$site" --port 0 ${SERVE_FLAGS:-} >"$log" 2>"$err" &
    SERVER_PID=$!
    url=
    for _ in $(seq 1 1200); do
        url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$log" | head -1 || true)
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { echo "serve_edit.sh: no URL from cairn serve ($err)" >&2; exit 1; }
    initial=$(grep -o 'Built [0-9]* pages in [0-9.]* ms' "$log" | sed -n 1p | awk '{print $5}')
    file=$(cd "$site" && find content -name '*.md' ! -name '_index.md' -path '*runbooks*' | sort | sed -n 1p)
    page=${file#content/}
    page=${page%.md}/
    for kind in body title; do
        : >"$OUT/times"
        before=$(grep -c 'Rebuilt' "$log" || true)
        for i in $(seq 1 "$RUNS"); do
            marker="bench$kind$i$RANDOM"
            t0=$(now_ms)
            if [ "$kind" = body ]; then
                printf '\nEdited paragraph %s.\n' "$marker" >>"$site/$file"
            else
                # A title change re-renders every list that shows the page.
                sed -i "0,/^title: .*/s//title: \"Edited $marker\"/" "$site/$file"
            fi
            until curl -sf "${url}${page}" | grep -q "$marker"; do
                [ $(($(now_ms) - t0)) -lt 60000 ] || { echo "serve_edit.sh: edit never showed up" >&2; exit 1; }
            done
            echo $(($(now_ms) - t0)) >>"$OUT/times"
            # Let the search index catch up (it follows each rebuild of an
            # internal site) before the next edit. A client site's rebuild
            # makes it before serving and never says so: wait for the line
            # only once one has been seen (3 s for the first).
            want=$(($(grep -c 'Rebuilt' "$log" || true)))
            tries=30
            grep -q 'Search index updated' "$log" && tries=300
            for _ in $(seq 1 "$tries"); do
                [ "$(grep -c 'Search index updated' "$log" || true)" -ge "$want" ] && break
                sleep 0.1
            done
            sleep 0.2
        done
        served=$(median <"$OUT/times")
        rebuilt=$(grep 'Rebuilt' "$log" | tail -n +"$((before + 1))" | grep -o 'in [0-9.]* ms' | awk '{print $2}' | median)
        printf '| %s | %s | %s | %s | %s |\n' "$n" "$kind" "$served" "$rebuilt" "$initial"
    done
    kill -INT "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=
done
