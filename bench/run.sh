#!/usr/bin/env bash
# bench/run.sh — cairn and Hugo side by side on generated corpora: `cairn build`
# and `hugo` on the same markdown, interleaved (one cairn run, one Hugo run, ...)
# so both see the same machine, medians of RUNS, into tmpfs by default. Prints
# the ratio, wall and CPU seconds, peak RSS, output bytes, bytes per runbook
# page, the search index and the bytes of a first search query. No network.
#
# Usage (from anywhere):
#   bash bench/run.sh                 1,000 and 10,000 runbooks (500 systems), median of 3
#   bash bench/run.sh 1000            only the sizes given as arguments
#   bash bench/run.sh --scale 100k    10,000 + 500 and 100,000 runbooks + 5,000 systems:
#                                     the linear-growth and memory check (Hugo at 10k only)
#   QUICK=1 bash bench/run.sh         1,000 runbooks, one measured run
# Knobs (environment):
#   SIZES="1000 10000"   runbook counts to generate (arguments override)
#   SYSTEMS=N            systems per corpus (default 500, N/20 above 10,000 runbooks)
#   RUNS=3               measured runs per command (median), after 1 warm-up
#   SEED=1               corpus seed
#   SKIP_BUILD=1         do not run `cargo build --release --bin cairn --example cairn-gen-corpus`
#   NO_HUGO=1 / NO_MDBOOK=1   skip the reference tools even when installed
#   HUGO_MAX=10000       largest corpus Hugo builds (it needs ~1.3 GiB at 10k)
#   NO_EXTRA=1           skip the rebuild over an unchanged output and `cairn check`
#   CAIRN=path GEN=path  binaries to use (default target/release/...)
#   BENCH_OUT=dir        where corpora and outputs go (default /dev/shm/cairn-bench
#                        when /dev/shm exists, else bench/out)
#
# Needs GNU time (/usr/bin/time, Debian package `time`) for CPU and peak RSS.
# The final markdown is also saved to OUT/results.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
if [ -n "${BENCH_OUT:-}" ]; then
    OUT=$BENCH_OUT
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    OUT=/dev/shm/cairn-bench
else
    OUT=$ROOT/bench/out
fi
if [ "${1:-}" = "--scale" ]; then
    case ${2:-} in
        100k) SIZES="10000 100000" ;;
        *) echo "run.sh: --scale takes 100k (usage: bench/run.sh [--scale 100k] [N ...])" >&2; exit 2 ;;
    esac
    shift 2
fi
if [ -n "${QUICK:-}" ]; then
    SIZES=${SIZES:-1000}
    RUNS=${RUNS:-1}
fi
if [ "$#" -gt 0 ]; then SIZES="$*"; fi
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
HUGO_MAX=${HUGO_MAX:-10000}
for n in $SIZES ${SYSTEMS:-} $RUNS $HUGO_MAX; do
    case $n in '' | *[!0-9]*) echo "run.sh: not a number: $n (usage: bench/run.sh [--scale 100k] [N ...])" >&2; exit 2 ;; esac
done
# systems_for N: the systems of a corpus of N runbooks
systems_for() {
    if [ -n "${SYSTEMS:-}" ]; then echo "$SYSTEMS"; elif [ "$1" -le 10000 ]; then echo 500; else echo $(($1 / 20)); fi
}
export SOURCE_DATE_EPOCH=1795564800 # 2026-11-25T00:00:00Z: no generated runbook is overdue
export LC_ALL=C

CAIRN=${CAIRN:-$ROOT/target/release/cairn}
GEN=${GEN:-$ROOT/target/release/examples/cairn-gen-corpus}
TIME=/usr/bin/time

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

# --- GNU time -----------------------------------------------------------------
if ! "$TIME" -v -o /dev/null true 2>/dev/null; then
    die "GNU time is missing: /usr/bin/time -v is needed for CPU seconds and peak RSS.
Install it (Debian/Ubuntu: apt-get install time; Fedora: dnf install time) and rerun."
fi

# --- build --------------------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
    log "== cargo build --release --bin cairn --example cairn-gen-corpus"
    cargo build --release --bin cairn --example cairn-gen-corpus >&2
fi
[ -x "$CAIRN" ] || die "$CAIRN not found (cargo build --release --bin cairn --example cairn-gen-corpus)"
[ -x "$GEN" ] || die "$GEN not found (cargo build --release --bin cairn --example cairn-gen-corpus)"

mkdir -p "$OUT"
# On a disk, outputs of earlier runs are moved here and deleted only at the
# end: deleting thousands of files just before a build makes ext4 step over
# the freshly freed inodes (recently_deleted()) and would charge that to the
# tool being timed. On tmpfs they are deleted at once (they take RAM, and
# tmpfs has no such cost).
TRASH=$OUT/.trash
rm -rf "$TRASH"
mkdir -p "$TRASH"
ON_TMPFS=
[ "$(findmnt -no FSTYPE -T "$OUT" 2>/dev/null | head -n 1 || true)" = tmpfs ] && ON_TMPFS=1
# set_aside DIR...: move each existing DIR into the trash (a rename, nothing
# freed), or delete it on tmpfs
set_aside() {
    local d
    for d in "$@"; do
        if [ ! -e "$d" ]; then continue; fi
        if [ -n "$ON_TMPFS" ]; then rm -rf "$d"; else mv "$d" "$(mktemp -d "$TRASH/XXXXXX")/"; fi
    done
}
TF=$(mktemp "$OUT/.time.XXXXXX")
trap 'rm -f "$TF"; rm -rf "$TRASH"' EXIT

HAVE_HUGO=
if [ -z "${NO_HUGO:-}" ] && command -v hugo >/dev/null 2>&1; then HAVE_HUGO=1; fi
HAVE_MDBOOK=
if [ -z "${NO_MDBOOK:-}" ] && command -v mdbook >/dev/null 2>&1; then HAVE_MDBOOK=1; fi

# --- helpers ------------------------------------------------------------------
now_ns() { date +%s%N; }

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# fmt_f VALUE DECIMALS
fmt_f() { awk -v v="$1" -v d="$2" 'BEGIN{printf "%.*f", d, v}'; }

# ratio A B -> A/B with 2 decimals, or n/a
ratio() {
    case "$1$2" in *[!0-9.]*|'') echo "n/a"; return;; esac
    awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'
}

# total size of the regular files below $1 (folders not counted, so ext4 and tmpfs agree)
dir_bytes() { if [ -e "$1" ]; then find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; else echo 0; fi; }
count_files() { if [ -d "$1" ]; then find "$1" -type f | wc -l | tr -d ' '; else echo 0; fi; }
count_pages() { if [ -d "$1" ]; then find "$1" -name index.html -type f | wc -l | tr -d ' '; else echo 0; fi; }

# runbook_page_bytes SITE OUT: mean bytes of the page of each runbook (each
# content/runbooks/**/NAME.md but _index.md, at OUT/runbooks/**/NAME/index.html)
runbook_page_bytes() {
    (cd "$1/content" && find runbooks -name '*.md' ! -name _index.md) |
        sed 's/\.md$/\/index.html/' |
        (cd "$2" && xargs -r stat -c %s 2>/dev/null) |
        awk '{s += $1; n++} END {if (n) printf "%.0f", s / n; else print "n/a"}'
}

declare -A WALLS CPUS RSSS FAILED
# timed KEY OK_CODES ROUND -- CMD...
#   Runs CMD once under GNU time; round 0 is a warm-up, later rounds append
#   wall s, CPU (user+sys) s and peak RSS MiB to WALLS/CPUS/RSSS[KEY]. An
#   exit code not in OK_CODES marks KEY failed (FAILED[KEY]) and shows the log.
timed() {
    local key=$1 ok=$2 round=$3
    shift 4
    local logf="$OUT/$key.log" t0 t1 rc u s kb
    [ -n "${FAILED[$key]:-}" ] && return 0
    t0=$(now_ns)
    if "$TIME" -f '%U %S %M' -o "$TF" "$@" >"$logf" 2>&1; then rc=0; else rc=$?; fi
    t1=$(now_ns)
    M_RC=$rc
    if [[ " $ok " != *" $rc "* ]]; then
        FAILED[$key]=$rc
        log "   $key: exit $rc; last lines of $logf:"
        tail -n 15 "$logf" | sed 's/^/     | /' >&2
        return 0
    fi
    [ "$round" -eq 0 ] && return 0 # warm-up
    read -r u s kb <<<"$(tail -n 1 "$TF")"
    WALLS[$key]+=" $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b-a)/1e9}')"
    CPUS[$key]+=" $(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')"
    RSSS[$key]+=" $(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}')"
}

# summarize KEY: M_WALL, M_CPU, M_RSS (medians) of KEY's runs, or FAIL.
summarize() {
    local key=$1
    M_RC=${FAILED[$key]:-0}
    if [ -n "${FAILED[$key]:-}" ] || [ -z "${WALLS[$key]:-}" ]; then
        M_WALL=FAIL M_CPU=FAIL M_RSS=FAIL
        return 0
    fi
    # shellcheck disable=SC2086 # word splitting intended
    M_WALL=$(median ${WALLS[$key]}) M_CPU=$(median ${CPUS[$key]}) M_RSS=$(median ${RSSS[$key]})
    log "   $key: wall${WALLS[$key]} s; cpu${CPUS[$key]} s; rss${RSSS[$key]} MiB"
}

# measure KEY OK_CODES PRE -- CMD...: PRE (a shell snippet) then CMD, one
# warm-up and RUNS measured runs in a row; then summarize KEY.
measure() {
    local key=$1 ok=$2 pre=$3 i
    shift 4
    for ((i = 0; i <= RUNS; i++)); do
        eval "$pre"
        timed "$key" "$ok" "$i" -- "$@"
    done
    summarize "$key"
}

ROWS=()  # markdown table rows
NOTES=() # extra lines printed under the table
declare -A WALL RSS CPU

# add_row TOOL COMMAND N WALL CPU RSS PAGES BYTES SEARCH FIRSTQ NOTE
add_row() {
    local wall=$4 cpu=$5 rss=$6 bytes=$8
    [ "$wall" != FAIL ] && wall=$(fmt_f "$wall" 3)
    [ "$cpu" != FAIL ] && cpu=$(fmt_f "$cpu" 2)
    [ "$rss" != FAIL ] && rss=$(fmt_f "$rss" 0)
    case "$bytes" in '' | *[!0-9]*) ;; *) bytes=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}') ;; esac
    ROWS+=("| $1 | \`$2\` | $3 | $wall | $cpu | $rss | $7 | $bytes | $9 | ${10} | ${11} |")
}

# --- machine ------------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
# CPU pressure (Linux PSI): the share of time some runnable task waited for a CPU.
psi_cpu() { awk '/^some/ {sub("avg60=", "", $3); print $3 "%"}' /proc/pressure/cpu 2>/dev/null || echo "?"; }
PSI_BEFORE=$(psi_cpu)
DISK=$(findmnt -no SOURCE,FSTYPE -T "$OUT" 2>/dev/null | awk 'NR == 1 {print $1 " (" $2 ")"}' || true)
dev=$(basename "$(findmnt -no SOURCE -T "$OUT" 2>/dev/null | head -n 1 || echo none)")
if [ -r "/sys/block/$dev/queue/rotational" ]; then
    if [ "$(cat "/sys/block/$dev/queue/rotational")" = 0 ]; then DISK="$DISK, non-rotational"; else DISK="$DISK, rotational"; fi
fi
DISK=${DISK:-unknown}

# --- runs ---------------------------------------------------------------------
declare -A SIDE # side-by-side figures, by "what-N"
for N in $SIZES; do
    SYS=$(systems_for "$N")
    SITE=$OUT/site-$N
    log "== corpus: $N runbooks, $SYS systems -> $SITE"
    set_aside "$SITE"
    t0=$(now_ns)
    "$GEN" --runbooks "$N" --systems "$SYS" --seed "$SEED" "$SITE" 2>/dev/null
    t1=$(now_ns)
    gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b-a)/1e9}')
    src_bytes=$(dir_bytes "$SITE")
    NOTES+=("- corpus $N: generated in ${gen_s} s, $(awk -v b="$src_bytes" 'BEGIN{printf "%.1f", b/1048576}') MiB of source ($(find "$SITE/content" -name '*.md' | wc -l | tr -d ' ') markdown files, $SYS systems)")

    # What cairn thinks of the corpus (should be clean: 0 errors, 0 warnings).
    if "$CAIRN" check "$SITE" --format json >"$OUT/check-$N.json" 2>"$OUT/check-$N.stderr"; then rc=0; else rc=$?; fi
    if command -v python3 >/dev/null 2>&1; then
        summary=$(python3 - "$OUT/check-$N.json" <<'PY' 2>/dev/null || echo "unparseable JSON"
import collections, json, sys
d = json.load(open(sys.argv[1]))
def count(items):
    c = collections.Counter(i.get("code", "?") for i in items)
    return ", ".join(f"{k} {v}" for k, v in sorted(c.items())) or "none"
print(f"{len(d.get('errors', []))} errors ({count(d.get('errors', []))}), "
      f"{len(d.get('warnings', []))} warnings ({count(d.get('warnings', []))})")
PY
)
    else
        summary="$(grep -o '"code":"[^"]*"' "$OUT/check-$N.json" | wc -l | tr -d ' ') diagnostics"
    fi
    NOTES+=("- corpus $N: \`cairn check\` exit $rc: $summary")
    log "   cairn check on the corpus: exit $rc: $summary"

    # cairn build and hugo, interleaved: a warm-up of each, then RUNS rounds of
    # one run each, the order alternating, so both see the same machine.
    PUB=$OUT/public-$N
    HS=$OUT/hugo-$N
    with_hugo=
    if [ -n "$HAVE_HUGO" ] && [ "$N" -le "$HUGO_MAX" ]; then
        with_hugo=1
        set_aside "$HS"
        cp -r "$ROOT/bench/hugo" "$HS"
    fi
    log "== cairn build${with_hugo:+ and hugo, interleaved} ($N)"
    for ((i = 0; i <= RUNS; i++)); do
        order="cairn hugo"
        [ $((i % 2)) -eq 1 ] && order="hugo cairn"
        for tool in $order; do
            if [ "$tool" = cairn ]; then
                set_aside "$PUB"
                timed "cairn-build-$N" "0" "$i" -- "$CAIRN" build "$SITE" --out "$PUB"
            elif [ -n "$with_hugo" ]; then
                set_aside "$HS/public" "$HS/resources"
                timed "hugo-$N" "0" "$i" -- \
                    hugo --source "$HS" --contentDir "$SITE/content" --destination "$HS/public" --quiet
            fi
        done
    done

    summarize "cairn-build-$N"
    WALL[cairn-$N]=$M_WALL RSS[cairn-$N]=$M_RSS CPU[cairn-$N]=$M_CPU
    if [ "$M_WALL" != FAIL ]; then
        pages=$(count_pages "$PUB")
        bytes=$(dir_bytes "$PUB")
        SIDE[bytes-$N]=$bytes
        SIDE[per-runbook-$N]=$(runbook_page_bytes "$SITE" "$PUB")
        search_b=$(dir_bytes "$PUB/search")
        SIDE[search-$N]=$search_b
        search="$(awk -v b="$search_b" 'BEGIN{printf "%.2f MiB", b/1048576}') ($(count_files "$PUB/search") files)"
        # Bytes loaded before the first results of a one-word query (median
        # over a few words; bench/first_query.py replays search.js's lookup).
        firstq=n/a
        if command -v python3 >/dev/null 2>&1 &&
            python3 "$ROOT/bench/first_query.py" "$PUB" >"$OUT/first-query-$N.txt" 2>&1; then
            firstq=$(awk '/^median/ {printf "%.0f KiB (max %.0f)", $2/1024, $4/1024}' "$OUT/first-query-$N.txt")
            SIDE[firstq-$N]=$(awk '/^median/ {print $2}' "$OUT/first-query-$N.txt")
        fi
        note=""
    else
        pages=- bytes=- search=- firstq=- note="exit $M_RC"
    fi
    add_row cairn "cairn build" "$N" "$M_WALL" "$M_CPU" "$M_RSS" "$pages" "$bytes" "$search" "$firstq" "$note"
    set_aside "$PUB"

    if [ -n "$with_hugo" ]; then
        summarize "hugo-$N"
        WALL[hugo-$N]=$M_WALL RSS[hugo-$N]=$M_RSS CPU[hugo-$N]=$M_CPU
        if [ "$M_WALL" != FAIL ]; then
            SIDE[hugo-bytes-$N]=$(dir_bytes "$HS/public")
            SIDE[hugo-per-runbook-$N]=$(runbook_page_bytes "$SITE" "$HS/public")
            add_row hugo "hugo" "$N" "$M_WALL" "$M_CPU" "$M_RSS" "$(count_pages "$HS/public")" \
                "${SIDE[hugo-bytes-$N]}" "-" "-" "no search"
        else
            add_row hugo "hugo" "$N" FAIL FAIL FAIL - - - - "exit $M_RC"
        fi
        set_aside "$HS"
    fi

    if [ -z "${NO_EXTRA:-}" ] && [ "$N" -le 10000 ]; then
        # Rebuild over an up-to-date output (what CI with a cache and `serve`
        # see): the writer should skip files whose bytes are already there.
        log "== cairn build over unchanged output ($N)"
        "$CAIRN" build "$SITE" --out "$PUB" >/dev/null 2>&1 || true
        measure "cairn-rebuild-$N" "0" ':' -- "$CAIRN" build "$SITE" --out "$PUB"
        add_row cairn "cairn build (output up to date)" "$N" "$M_WALL" "$M_CPU" "$M_RSS" - - - - ""
        WALL[rebuild-$N]=$M_WALL
        set_aside "$PUB"

        log "== cairn check ($N)"
        measure "cairn-check-$N" "0 1" ':' -- "$CAIRN" check "$SITE"
        note=""
        [ -n "$M_RC" ] && [ "$M_RC" != 0 ] && note="exit $M_RC"
        add_row cairn "cairn check" "$N" "$M_WALL" "$M_CPU" "$M_RSS" - - - - "$note"
        WALL[check-$N]=$M_WALL CPU[check-$N]=$M_CPU
    fi

    # One extra build with --timings, for the stage breakdown (not measured).
    if "$CAIRN" build "$SITE" --out "$OUT/timings-public-$N" --timings >"$OUT/timings-$N.txt" 2>&1; then
        NOTES+=("- corpus $N: stage timings of one \`cairn build --timings\` run in $OUT/timings-$N.txt")
    fi
    set_aside "$OUT/timings-public-$N"

    # mdBook on the same markdown (front matter shows up as text; it has a
    # built-in search index, so its size is reported).
    if [ -n "$HAVE_MDBOOK" ]; then
        MB=$OUT/mdbook-$N
        set_aside "$MB"
        mkdir -p "$MB/src"
        ln -s "$SITE/content" "$MB/src/content"
        printf '[book]\ntitle = "cairn benchmark (mdBook reference)"\nsrc = "src"\n\n[output.html]\n' >"$MB/book.toml"
        {
            echo "# Summary"
            echo
            (cd "$SITE" && find content -name '*.md' | sort) | awk -F/ '
                { depth = NF - 2                       # folders below content/
                  if ($NF == "_index.md") indent = depth; else indent = depth + 1
                  name = $NF; sub(/\.md$/, "", name)
                  if (name == "_index") name = (NF > 2 ? $(NF-1) : "Home")
                  printf "%" (indent * 2) "s- [%s](%s)\n", "", name, $0 }'
        } >"$MB/src/SUMMARY.md"
        log "== mdbook ($N)"
        # shellcheck disable=SC2016 # expanded later by eval in measure
        measure "mdbook-$N" "0" 'set_aside "$MB/book"' -- mdbook build "$MB" --dest-dir "$MB/book"
        WALL[mdbook-$N]=$M_WALL RSS[mdbook-$N]=$M_RSS
        if [ "$M_WALL" != FAIL ]; then
            mb_search=0
            for f in "$MB"/book/searchindex*.js "$MB"/book/searchindex*.json; do
                [ -f "$f" ] && mb_search=$((mb_search + $(stat -c %s "$f")))
            done
            add_row mdbook "mdbook build" "$N" "$M_WALL" "$M_CPU" "$M_RSS" \
                "$(find "$MB/book" -name '*.html' -type f | wc -l | tr -d ' ') (.html)" \
                "$(dir_bytes "$MB/book")" "$mb_search" "-" ""
        else
            add_row mdbook "mdbook build" "$N" FAIL FAIL FAIL - - - - "exit $M_RC"
        fi
    fi
done

# --- report -------------------------------------------------------------------
# shellcheck disable=SC2086 # word splitting intended
set -- $SIZES
FIRST=$1
LAST=${!#}
cpu_model=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
mem_total=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || echo "?")
kib() { case "$1" in '' | *[!0-9.]*) echo "${1:--}" ;; *) awk -v b="$1" 'BEGIN{printf "%.1f KiB", b/1024}' ;; esac; }
mib() { case "$1" in '' | *[!0-9.]*) echo "${1:--}" ;; *) awk -v b="$1" 'BEGIN{printf "%.1f MiB", b/1048576}' ;; esac; }
num() { case "$1" in '' | FAIL | *[!0-9.]*) echo "${1:--}" ;; *) fmt_f "$1" "$2" ;; esac; }
{
    echo "## cairn benchmark"
    echo
    echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'); binary: $CAIRN."
    echo "Machine: $(nproc) CPUs, ${cpu_model:-unknown CPU}, $mem_total RAM, $(uname -sr); output: $DISK."
    echo "Load average before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (a load above $(nproc) means other work competed for the CPUs); CPU pressure (PSI some avg60) before $PSI_BEFORE, after $(psi_cpu)."
    echo "Toolchain: $(rustc --version 2>/dev/null || echo 'rustc ?')$( [ -n "$HAVE_HUGO" ] && echo "; $(hugo version 2>/dev/null | awk '{print $1, $2}')" )$( [ -n "$HAVE_MDBOOK" ] && echo "; $(mdbook --version 2>/dev/null)" )."
    echo "Corpus: \`cairn-gen-corpus --runbooks N --systems S --seed $SEED\` (S = 500, N/20 above 10,000); SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH."
    echo "cairn and Hugo run interleaved (a warm-up each, then $RUNS rounds of one run each, alternating which goes first); wall, CPU (user+sys) and peak RSS are medians of the $RUNS; each build writes a fresh tree."
    echo
    echo "| Runbooks | cairn / hugo wall | cairn wall s | hugo wall s | cairn / hugo CPU s | cairn / hugo peak RSS MiB | cairn / hugo output | bytes per runbook page, cairn / hugo | search index | first query |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for N in $SIZES; do
        echo "| $N | $(ratio "${WALL[cairn-$N]:-}" "${WALL[hugo-$N]:-}") | $(num "${WALL[cairn-$N]:-}" 2) | $(num "${WALL[hugo-$N]:-}" 2) | $(num "${CPU[cairn-$N]:-}" 1) / $(num "${CPU[hugo-$N]:-}" 1) | $(num "${RSS[cairn-$N]:-}" 0) / $(num "${RSS[hugo-$N]:-}" 0) | $(mib "${SIDE[bytes-$N]:-}") / $(mib "${SIDE[hugo-bytes-$N]:-}") | $(kib "${SIDE[per-runbook-$N]:-}") / $(kib "${SIDE[hugo-per-runbook-$N]:-}") | $(mib "${SIDE[search-$N]:-}") | $(kib "${SIDE[firstq-$N]:-}") |"
    done
    echo
    echo "Every command (output: bytes of the files under OUT/; search index: OUT/search/; first query: bytes a browser loads — search page, its CSS/JS, meta.js, the shards and the first 20 result docs — before the first results of a one-word query, median (max) over the words in bench/first_query.py, details in OUT/first-query-N.txt):"
    echo
    echo "| Tool | Command | Runbooks | Wall s | CPU s | Peak RSS MiB | Pages (index.html) | Output MiB | Search index (OUT/search/) | First query | Notes |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    if [ "$FIRST" != "$LAST" ]; then
        echo "- cairn build, ${LAST}/${FIRST} runbooks: wall $(ratio "${WALL[cairn-$LAST]:-}" "${WALL[cairn-$FIRST]:-}")x, CPU $(ratio "${CPU[cairn-$LAST]:-}" "${CPU[cairn-$FIRST]:-}")x (input grows $(ratio "$LAST" "$FIRST")x)"
        [ -n "${WALL[check-$LAST]:-}" ] && [ -n "${WALL[check-$FIRST]:-}" ] &&
            echo "- cairn check, ${LAST}/${FIRST} runbooks: wall $(ratio "${WALL[check-$LAST]:-}" "${WALL[check-$FIRST]:-}")x, CPU $(ratio "${CPU[check-$LAST]:-}" "${CPU[check-$FIRST]:-}")x"
    fi
    for N in $SIZES; do
        if [ -n "${WALL[hugo-$N]:-}" ]; then
            echo "- $N runbooks: cairn/hugo wall $(ratio "${WALL[cairn-$N]:-}" "${WALL[hugo-$N]:-}"), CPU $(ratio "${CPU[cairn-$N]:-}" "${CPU[hugo-$N]:-}"), peak RSS $(ratio "${RSS[cairn-$N]:-}" "${RSS[hugo-$N]:-}")"
        fi
        if [ -n "${WALL[mdbook-$N]:-}" ]; then
            echo "- $N runbooks: cairn/mdbook wall $(ratio "${WALL[cairn-$N]:-}" "${WALL[mdbook-$N]:-}"), peak RSS $(ratio "${RSS[cairn-$N]:-}" "${RSS[mdbook-$N]:-}")"
        fi
    done
    [ -z "$HAVE_HUGO" ] && echo "- hugo: skipped (not on PATH, or NO_HUGO set; Debian package \`hugo\`)"
    [ -z "$HAVE_MDBOOK" ] && echo "- mdbook: skipped (not on PATH, or NO_MDBOOK set)"
    printf '%s\n' "${NOTES[@]}"
} | tee "$OUT/results.md"
