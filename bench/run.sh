#!/usr/bin/env bash
# bench/run.sh — benchmark `cairn build` and `cairn check` on generated corpora,
# with Hugo (and mdBook) on the same markdown as reference points when they are
# installed. No network is used.
#
# Usage (from anywhere):
#   bash bench/run.sh               1,000 and 10,000 runbooks, 500 systems, median of 3
#   bash bench/run.sh 1000          only the sizes given as arguments
#   QUICK=1 bash bench/run.sh       1,000 runbooks, one measured run
# Knobs (environment):
#   SIZES="1000 10000"   runbook counts to generate (arguments override)
#   SYSTEMS=500          systems per corpus
#   RUNS=3               measured runs per command (median), after 1 warm-up
#   SEED=1               corpus seed
#   SKIP_BUILD=1         do not run `cargo build --release --bin cairn --example cairn-gen-corpus`
#   NO_HUGO=1 / NO_MDBOOK=1   skip the reference tools even when installed
#   CAIRN=path GEN=path  binaries to use (default target/release/...)
#   BENCH_OUT=dir        where corpora and outputs go (default bench/out; e.g.
#                        /dev/shm/cairn-bench to take the disk out of the figures)
#
# Needs GNU time (/usr/bin/time, Debian package `time`) for CPU and peak RSS.
# Everything is written under bench/out/ (gitignored); the final markdown
# table is also saved to bench/out/results.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=${BENCH_OUT:-$ROOT/bench/out}
if [ -n "${QUICK:-}" ]; then
    SIZES=${SIZES:-1000}
    RUNS=${RUNS:-1}
fi
if [ "$#" -gt 0 ]; then SIZES="$*"; fi
SIZES=${SIZES:-"1000 10000"}
SYSTEMS=${SYSTEMS:-500}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
for n in $SIZES $SYSTEMS $RUNS; do
    case $n in '' | *[!0-9]*) echo "run.sh: not a number: $n (usage: bench/run.sh [N ...])" >&2; exit 2 ;; esac
done
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
# Outputs of earlier runs are moved here and deleted only at the end: deleting
# thousands of files just before a build makes ext4 step over the freshly freed
# inodes (recently_deleted()) and would charge that to the tool being timed.
TRASH=$OUT/.trash
rm -rf "$TRASH"
mkdir -p "$TRASH"
# set_aside DIR...: move each existing DIR into the trash (a rename, nothing freed)
set_aside() {
    local d
    for d in "$@"; do
        if [ -e "$d" ]; then mv "$d" "$(mktemp -d "$TRASH/XXXXXX")/"; fi
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

# measure NAME OK_CODES PRE -- CMD...
#   Runs PRE (a shell snippet, e.g. removing the output dir) then CMD, once as
#   a warm-up and RUNS times measured. Sets M_WALL (median wall s), M_CPU
#   (median user+sys s), M_RSS (median peak RSS, MiB), M_RC (last exit code).
#   OK_CODES is a space-separated list of acceptable exit codes; on another
#   code the tail of the log is shown and the M_* values are "FAIL".
measure() {
    local name=$1 ok=$2 pre=$3
    shift 4
    local logf="$OUT/$name.log" walls=() cpus=() rsss=() i t0 t1 rc line u s kb
    M_WALL=FAIL M_CPU=FAIL M_RSS=FAIL M_RC=
    for ((i = 0; i <= RUNS; i++)); do
        eval "$pre"
        t0=$(now_ns)
        if "$TIME" -f '%U %S %M' -o "$TF" "$@" >"$logf" 2>&1; then rc=0; else rc=$?; fi
        t1=$(now_ns)
        M_RC=$rc
        if [[ " $ok " != *" $rc "* ]]; then
            log "   $name: exit $rc; last lines of $logf:"
            tail -n 15 "$logf" | sed 's/^/     | /' >&2
            return 0
        fi
        [ "$i" -eq 0 ] && continue # warm-up
        line=$(tail -n 1 "$TF")
        read -r u s kb <<<"$line"
        walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b-a)/1e9}')")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')")
        rsss+=("$(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}')")
    done
    M_WALL=$(median "${walls[@]}")
    M_CPU=$(median "${cpus[@]}")
    M_RSS=$(median "${rsss[@]}")
    log "   $name: wall ${walls[*]} s; cpu ${cpus[*]} s; rss ${rsss[*]} MiB; exit $M_RC"
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
DISK=$(findmnt -no SOURCE,FSTYPE -T "$OUT" 2>/dev/null | awk '{print $1 " (" $2 ")"}' || true)
dev=$(basename "$(findmnt -no SOURCE -T "$OUT" 2>/dev/null || echo none)")
if [ -r "/sys/block/$dev/queue/rotational" ]; then
    if [ "$(cat "/sys/block/$dev/queue/rotational")" = 0 ]; then DISK="$DISK, non-rotational"; else DISK="$DISK, rotational"; fi
fi
DISK=${DISK:-unknown}

# --- runs ---------------------------------------------------------------------
for N in $SIZES; do
    SITE=$OUT/site-$N
    log "== corpus: $N runbooks, $SYSTEMS systems -> $SITE"
    set_aside "$SITE"
    t0=$(now_ns)
    "$GEN" --runbooks "$N" --systems "$SYSTEMS" --seed "$SEED" "$SITE" 2>/dev/null
    t1=$(now_ns)
    gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b-a)/1e9}')
    src_bytes=$(dir_bytes "$SITE")
    NOTES+=("- corpus $N: generated in ${gen_s} s, $(awk -v b="$src_bytes" 'BEGIN{printf "%.1f", b/1048576}') MiB of source ($(find "$SITE/content" -name '*.md' | wc -l | tr -d ' ') markdown files, $SYSTEMS systems)")

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

    # cairn build
    PUB=$OUT/public-$N
    log "== cairn build ($N)"
    # shellcheck disable=SC2016 # expanded later by eval in measure
    measure "cairn-build-$N" "0" 'set_aside "$PUB"' -- "$CAIRN" build "$SITE" --out "$PUB"
    WALL[cairn-$N]=$M_WALL RSS[cairn-$N]=$M_RSS CPU[cairn-$N]=$M_CPU
    if [ "$M_WALL" != FAIL ]; then
        pages=$(count_pages "$PUB")
        bytes=$(dir_bytes "$PUB")
        search=$(dir_bytes "$PUB/search")
        search="$(awk -v b="$search" 'BEGIN{printf "%.2f MiB", b/1048576}') ($(count_files "$PUB/search") files)"
        # Bytes loaded before the first results of a one-word query (median
        # over a few words; bench/first_query.py replays search.js's lookup).
        firstq=n/a
        if command -v python3 >/dev/null 2>&1 &&
            python3 "$ROOT/bench/first_query.py" "$PUB" >"$OUT/first-query-$N.txt" 2>&1; then
            firstq=$(awk '/^median/ {printf "%.0f KiB (max %.0f)", $2/1024, $4/1024}' "$OUT/first-query-$N.txt")
        fi
        note=""
    else
        pages=- bytes=- search=- firstq=- note="exit $M_RC"
    fi
    add_row cairn "cairn build" "$N" "$M_WALL" "$M_CPU" "$M_RSS" "$pages" "$bytes" "$search" "$firstq" "$note"

    # Rebuild over an up-to-date output (what CI with a cache and `serve` see):
    # the writer should skip files whose bytes are already there.
    if [ "$M_WALL" != FAIL ]; then
        log "== cairn build over unchanged output ($N)"
        measure "cairn-rebuild-$N" "0" ':' -- "$CAIRN" build "$SITE" --out "$PUB"
        add_row cairn "cairn build (output up to date)" "$N" "$M_WALL" "$M_CPU" "$M_RSS" - - - - ""
        WALL[rebuild-$N]=$M_WALL
    fi

    # cairn check
    log "== cairn check ($N)"
    measure "cairn-check-$N" "0 1" ':' -- "$CAIRN" check "$SITE"
    note=""
    [ -n "$M_RC" ] && [ "$M_RC" != 0 ] && note="exit $M_RC"
    add_row cairn "cairn check" "$N" "$M_WALL" "$M_CPU" "$M_RSS" - - - - "$note"
    WALL[check-$N]=$M_WALL CPU[check-$N]=$M_CPU

    # One extra build with --timings, for the phase breakdown (not measured).
    if "$CAIRN" build "$SITE" --out "$OUT/timings-public-$N" --timings >"$OUT/timings-$N.txt" 2>&1; then
        NOTES+=("- corpus $N: phase timings of one \`cairn build --timings\` run in bench/out/timings-$N.txt")
    fi
    set_aside "$OUT/timings-public-$N"

    # Hugo on the same markdown.
    if [ -n "$HAVE_HUGO" ]; then
        HS=$OUT/hugo-$N
        set_aside "$HS"
        cp -r "$ROOT/bench/hugo" "$HS"
        log "== hugo ($N)"
        # shellcheck disable=SC2016 # expanded later by eval in measure
        measure "hugo-$N" "0" 'set_aside "$HS/public" "$HS/resources"' -- \
            hugo --source "$HS" --contentDir "$SITE/content" --destination "$HS/public" --quiet
        WALL[hugo-$N]=$M_WALL RSS[hugo-$N]=$M_RSS CPU[hugo-$N]=$M_CPU
        if [ "$M_WALL" != FAIL ]; then
            add_row hugo "hugo" "$N" "$M_WALL" "$M_CPU" "$M_RSS" "$(count_pages "$HS/public")" \
                "$(dir_bytes "$HS/public")" "-" "-" "no search"
        else
            add_row hugo "hugo" "$N" FAIL FAIL FAIL - - - - "exit $M_RC"
        fi
    fi

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
{
    echo "## cairn benchmark"
    echo
    echo "Machine: $(nproc) CPUs, ${cpu_model:-unknown CPU}, $mem_total RAM, $(uname -sr); disk: $DISK."
    echo "Load average before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (a load above $(nproc) means other work competed for the CPUs); CPU pressure (PSI some avg60) before $PSI_BEFORE, after $(psi_cpu)."
    echo "Toolchain: $(rustc --version 2>/dev/null || echo 'rustc ?')$( [ -n "$HAVE_HUGO" ] && echo "; $(hugo version 2>/dev/null | awk '{print $1, $2}')" )$( [ -n "$HAVE_MDBOOK" ] && echo "; $(mdbook --version 2>/dev/null)" )."
    echo "Corpus: \`cairn-gen-corpus --runbooks N --systems $SYSTEMS --seed $SEED\`; SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH."
    echo "Wall, CPU (user+sys) and peak RSS are medians of $RUNS run(s) after one warm-up; the previous output is moved aside (not deleted) before each run, so each build writes a fresh tree."
    echo "Output and search index: bytes of the files under OUT/ and OUT/search/ (the search page included); first query: bytes a browser loads (search page, its CSS/JS, meta.js, the shards and the first 20 result docs) before the first results of a one-word query, median (max) over the words in bench/first_query.py; details in bench/out/first-query-N.txt."
    echo
    echo "| Tool | Command | Runbooks | Wall s | CPU s | Peak RSS MiB | Pages (index.html) | Output MiB | Search index (OUT/search/) | First query | Notes |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    if [ "$FIRST" != "$LAST" ]; then
        echo "- cairn build, ${LAST}/${FIRST} runbooks: wall $(ratio "${WALL[cairn-$LAST]:-}" "${WALL[cairn-$FIRST]:-}")x, CPU $(ratio "${CPU[cairn-$LAST]:-}" "${CPU[cairn-$FIRST]:-}")x (input grows $(ratio "$LAST" "$FIRST")x)"
        echo "- cairn check, ${LAST}/${FIRST} runbooks: wall $(ratio "${WALL[check-$LAST]:-}" "${WALL[check-$FIRST]:-}")x, CPU $(ratio "${CPU[check-$LAST]:-}" "${CPU[check-$FIRST]:-}")x"
    fi
    for N in $SIZES; do
        if [ -n "$HAVE_HUGO" ]; then
            echo "- $N runbooks: cairn/hugo wall $(ratio "${WALL[cairn-$N]:-}" "${WALL[hugo-$N]:-}"), CPU $(ratio "${CPU[cairn-$N]:-}" "${CPU[hugo-$N]:-}"), peak RSS $(ratio "${RSS[cairn-$N]:-}" "${RSS[hugo-$N]:-}")"
        fi
        if [ -n "$HAVE_MDBOOK" ]; then
            echo "- $N runbooks: cairn/mdbook wall $(ratio "${WALL[cairn-$N]:-}" "${WALL[mdbook-$N]:-}"), peak RSS $(ratio "${RSS[cairn-$N]:-}" "${RSS[mdbook-$N]:-}")"
        fi
    done
    [ -z "$HAVE_HUGO" ] && echo "- hugo: skipped (not on PATH, or NO_HUGO set; Debian package \`hugo\`)"
    [ -z "$HAVE_MDBOOK" ] && echo "- mdbook: skipped (not on PATH, or NO_MDBOOK set)"
    printf '%s\n' "${NOTES[@]}"
} | tee "$OUT/results.md"
