#!/usr/bin/env bash
# How long the dated coverage check takes (issue 23 §6: 5,000 systems over a
# 90-day horizon must add well under a second). Generates a 5,000-system corpus
# (bench/gen_corpus.rs), gives it the example's calendar (a US holiday ICS that
# closes the office's hours, holiday dates, absences with and without cover, a
# weekly rotation) and times `cairn check` with `coverage_horizon: 1d` (almost
# no dated work) and `90d`; the difference is what the dated check adds.
# Prints seconds, median of RUNS (default 5). No network. Not a test.
#
#   cargo build --release --bin cairn --example cairn-gen-corpus
#   bash bench/calendar_check.sh            # SYSTEMS=5000 RUNS=5 by default
set -euo pipefail
cd "$(dirname "$0")/.."
SYSTEMS=${SYSTEMS:-5000}
RUNS=${RUNS:-5}
PROFILE=${PROFILE:-release}
CAIRN=target/$PROFILE/cairn
GEN=target/$PROFILE/examples/cairn-gen-corpus
for bin in "$CAIRN" "$GEN"; do
  [ -x "$bin" ] || { echo "missing $bin: cargo build --profile $PROFILE --bin cairn --example cairn-gen-corpus" >&2; exit 1; }
done
OUT=${BENCH_OUT:-bench/out}/calendar-$SYSTEMS
rm -rf "$OUT"
"$GEN" --runbooks 200 --systems "$SYSTEMS" --seed 1 "$OUT" >/dev/null

# The office closes on the example's holidays; Dana and Sam are away, Bright
# hands its on-call pager over every Monday.
cp content-example/data/us-holidays.ics "$OUT/data/us-holidays.ics"
sed -i 's/^  business: { days: mon-fri, from: "08:00", to: "18:00" }$/  business: { days: mon-fri, from: "08:00", to: "18:00", closed_on: us-office }/' "$OUT/cairn.yaml"
grep -q 'closed_on: us-office' "$OUT/cairn.yaml" || { echo "the corpus's business hours changed: update this script" >&2; exit 1; }
cat >> "$OUT/cairn.yaml" <<'YAML'
holidays:
  us-office:
    - { ics: data/us-holidays.ics }
    - 2026-12-24: Christmas Eve
    - { from: 2026-12-28, to: 2026-12-31, name: Year-end break }
coverage_horizon: 90d
YAML
cat > "$OUT/data/away.yaml" <<'YAML'
- { contact: acme-it/Dana Ruiz, from: 2026-12-21, to: 2027-01-03, cover: acme-it/Sam Okafor }
- { contact: acme-it/Sam Okafor, from: "2026-12-08 13:00", to: "2026-12-08 17:00" }
- { contact: acme-it/Night pager, from: 2027-01-11, to: 2027-01-15, cover: acme-it/Dana Ruiz }
YAML
python3 - "$OUT/data/parties.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
anchor = '      phone: "+1 555 0143"\n'
assert anchor in s, "the corpus's Bright MSP changed: update this script"
s = s.replace(anchor, anchor + '''    - { name: Jo Kim, phone: "+1 555 0151", audience: internal }
    - { name: Lee Wu, phone: "+1 555 0152", audience: internal }
  rotations:
    on-call:
      contacts: [Jo Kim, Lee Wu]
      handoff: { every: 1w, at: "mon 09:00", start: 2026-11-02 }
''', 1)
open(p, "w").write(s)
PY
# Every fifth system pages the rotation instead of Bright as a whole.
python3 - "$OUT/data/systems" <<'PY'
import os, sys
d = sys.argv[1]
for i, name in enumerate(sorted(os.listdir(d))):
    if i % 5:
        continue
    p = os.path.join(d, name)
    s = open(p).read()
    s = s.replace("  - party: bright\n    hours:", "  - party: bright\n    contact: on-call\n    hours:", 1)
    open(p, "w").write(s)
PY

# 2026-12-01 12:00 UTC: the horizon holds Christmas, the year-end and the absences.
export SOURCE_DATE_EPOCH=1796126400
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_check() {
  local horizon=$1
  sed -i "s/^coverage_horizon: .*/coverage_horizon: $horizon/" "$OUT/cairn.yaml"
  "$CAIRN" check "$OUT" --format json > "$OUT.check-$horizon.json" || true   # warm-up; warnings are expected
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$CAIRN" check "$OUT" --format json > /dev/null || true
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
  done | median
}
short=$(time_check 1d)
long=$(time_check 90d)
dated=$( (grep -o '"coverage-gap-dated"' "$OUT.check-90d.json" || true) | wc -l)
printf '%s systems, %s runs, %s build (median seconds of `cairn check`)\n' "$SYSTEMS" "$RUNS" "$PROFILE"
printf '  coverage_horizon: 1d   %.3f s\n' "$short"
printf '  coverage_horizon: 90d  %.3f s  (%s coverage-gap-dated warnings)\n' "$long" "$dated"
printf '  the dated check over 90 days adds %.3f s\n' "$(echo "$long - $short" | bc -l)"
