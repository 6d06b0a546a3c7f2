#!/usr/bin/env bash
# Retakes the README's two screenshots from the built example with headless
# Chromium: a system page on a phone (390×844) and a system's coverage chart.
# Usage: bash docs/screenshots.sh   (needs chromium and a built target/debug/cairn)
set -euo pipefail
cd "$(dirname "$0")/.."
CAIRN=${CAIRN:-target/debug/cairn}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$CAIRN" build content-example --out "$work/site" >/dev/null 2>&1
shots=docs/static/screenshots
shoot() { chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=2 "$@" 2>/dev/null; }
shoot --window-size=390,844 --screenshot="$shots/system-phone.png" "file://$work/site/systems/m365/index.html"
# The chart sits about 1,290 px down a 1000 px wide system page: frame that band.
cat >"$work/chart.html" <<HTML
<!doctype html><body style="margin:0;overflow:hidden"><div style="width:1000px;height:330px;overflow:hidden">
<iframe src="file://$work/site/systems/m365/index.html" scrolling="no" style="border:0;width:1000px;height:3000px;margin-top:-1290px"></iframe></div>
HTML
shoot --window-size=1000,330 --screenshot="$shots/coverage.png" "file://$work/chart.html"
echo "wrote $shots/system-phone.png and $shots/coverage.png; look at them before committing"
