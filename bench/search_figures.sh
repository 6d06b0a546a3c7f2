#!/usr/bin/env bash
# Search figures for bench/RESULTS.md: index size, bytes a first query loads, and
# keystroke-to-results time in headless Chromium, at 1,000 and 10,000 runbooks.
#
#   bash bench/search_figures.sh [N ...]        # default: 1000 10000
#
# Needs chromium and python3. Corpora come from cairn-gen-corpus (N runbooks,
# N/10 systems, seed 1); everything goes under bench/out/search/.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)
words=(vpn backup printer restart escalation)
cargo build --release --quiet --bin cairn --example cairn-gen-corpus
work=bench/out/search; mkdir -p "$work"
export SOURCE_DATE_EPOCH=1795564800
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)

dom() { # URL -> the #bench-out JSON after scripts ran
  local profile; profile=$(mktemp -d)
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --user-data-dir="$profile" \
    --virtual-time-budget=30000 --dump-dom "$1" 2>/dev/null \
    | python3 -c 'import sys,re,html; m=re.search(r"<pre id=\"bench-out\">(.*?)</pre>", sys.stdin.read(), re.S); print(html.unescape(m.group(1)) if m else "{}")'
  rm -rf "$profile"
}

for n in "${sizes[@]}"; do
  site="$work/site-$n"; out="$work/public-$n"
  ./target/release/examples/cairn-gen-corpus --runbooks "$n" --systems $((n / 10)) --force "$site" >/dev/null
  rm -rf "$out"
  ./target/release/cairn build "$site" --out "$out" --timings > "$work/build-$n.log" 2>&1
  mkdir -p "$out/search-bench"
  cp bench/search_figures.html "$out/search-bench/index.html"
  cp bench/search_figures.js "$out/search-bench/bench.js"
  results="$work/figures-$n.jsonl"; : > "$results"
  for w in "${words[@]}"; do
    for mode in direct typed; do
      dom "file://$(pwd)/$out/search-bench/index.html?word=$w&mode=$mode" >> "$results"
    done
  done
  python3 - "$n" "$out" "$results" "$work/build-$n.log" <<'PY'
import json, os, re, statistics, sys
n, out, results, log = sys.argv[1:]
js = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(out, "search")) for f in fs if f.endswith(".js")]
total = sum(os.path.getsize(f) for f in js)
shards = [f for f in js if "/t/" in f]
lap = re.search(r"search\s+([\d.]+) ms", open(log).read())
engine = os.path.getsize(os.path.join(out, "assets/search.js"))
rows = [json.loads(l) for l in open(results) if l.strip()]
def loaded(r): return engine + sum(os.path.getsize(os.path.join(out, "search", f)) for f in r["files"])
print(f"## {n} runbooks")
print(f"index: {total/2**20:.1f} MiB in {len(js)} files ({len(shards)} shards, largest {max(os.path.getsize(f) for f in shards)/1024:.0f} KiB); build stage 'search' {lap.group(1) if lap else '?'} ms (index + writing)")
keys = []
for r in rows:
    if "error" in r or "ms" not in r: print("  error:", r); continue
    if r["mode"] == "direct":
        print(f"  first query {r['word']!r:14} {r['count']:6} results, loads {loaded(r)/1024:6.0f} KiB (search.js + {len(r['files'])} index files), {r['ms'][0]:6.1f} ms")
    else:
        keys += r["ms"][1:]  # the first keystroke also loads meta.js: counted in 'first query'
        print(f"  typed       {r['word']!r:14} per keystroke ms {[round(x, 1) for x in r['ms']]}, loads {loaded(r)/1024:6.0f} KiB in all")
if keys:
    print(f"  keystroke to results after the first: median {statistics.median(keys):.1f} ms, max {max(keys):.1f} ms")
PY
done
