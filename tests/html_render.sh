#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Renders `npcheck matrix -o html` with headless Chromium and checks that a
# non-empty screenshot comes out. Exits 77 (skipped) where Chromium is absent.
set -eu
npcheck=$1
manifests=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$npcheck" matrix -f "$manifests" -o html --output-file "$work/matrix.html"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --window-size=1400,1000 \
  --screenshot="$work/shot.png" "file://$work/matrix.html" >/dev/null 2>&1
test -s "$work/shot.png"
# The grid is drawn by the page's script: the rendered DOM must hold its cells,
# one coloured cell for the frontend's ingress from the ingress controller among them.
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --dump-dom "file://$work/matrix.html" >"$work/dom.html" 2>/dev/null
grep -q 'class="cell some"' "$work/dom.html"
grep -q 'class="cell all"' "$work/dom.html"
grep -q '<th class="ns" colspan="2">data</th>' "$work/dom.html"
