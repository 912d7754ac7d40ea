#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Renders `npcheck matrix -o html` with headless Chromium and checks that a
# non-empty screenshot comes out, and that the DOM the page's script builds
# holds what it should: coloured cells, rows and columns grouped by
# namespace, a filter per side, the details of a denied pair saying who
# refused it, and groups labelled by their members. Exits 77 (skipped) where
# Chromium is absent.
set -eu
npcheck=$1
manifests=$2
groups=$3
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run_chromium() {
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --window-size=1400,1000 "$@" 2>/dev/null
}
expect() {
  grep -qF -- "$2" "$1" || { echo "FAIL: $1 lacks: $2"; exit 1; }
}
"$npcheck" matrix -f "$manifests" -o html --output-file "$work/matrix.html"
run_chromium --screenshot="$work/shot.png" "file://$work/matrix.html" >/dev/null
test -s "$work/shot.png"
# The pair from shop/frontend to data/postgres opened by the address: denied,
# and why.
run_chromium --dump-dom \
  "file://$work/matrix.html#from=shop/frontend%5BDeployment%5D&to=data/postgres%5BStatefulSet%5D" >"$work/dom.html"
expect "$work/dom.html" 'class="cell some"'
expect "$work/dom.html" 'class="cell all"'
expect "$work/dom.html" '<th class="ns" colspan="2" title="data">data</th>'
expect "$work/dom.html" '<th class="nsrow" title="data">data</th>'
expect "$work/dom.html" '<th class="row" title="data/postgres[StatefulSet]">postgres[StatefulSet]</th>'
expect "$work/dom.html" '<input id="from-filter"'
expect "$work/dom.html" '<input id="to-filter"'
expect "$work/dom.html" '<div id="info" class="pinned">shop/frontend[Deployment] =&gt; data/postgres[StatefulSet]'
# (The isolating policies are named with their places, which hold the path.)
expect "$work/dom.html" 'denied: egress of shop/frontend[Deployment]: isolated by NetworkPolicies shop/allow-dns-egress ('
expect "$work/dom.html" 'no rule admits anything to data/postgres[StatefulSet]; ingress of data/postgres[StatefulSet]: isolated by NetworkPolicies data/allow-prometheus-scrape ('
expect "$work/dom.html" 'no rule admits anything from shop/frontend[Deployment]'
# Groups are labelled by their members.
"$npcheck" matrix -f "$groups" --group -o html --output-file "$work/groups.html"
run_chromium --dump-dom "file://$work/groups.html" >"$work/groups-dom.html"
expect "$work/groups-dom.html" '<th class="row" title="web/web-1, web/web-2">web-1, web-2</th>'
expect "$work/groups-dom.html" '<th class="nsrow" title="several namespaces">several namespaces</th>'
expect "$work/groups-dom.html" '<th class="row" title="batch/job, tools/debug">batch/job, tools/debug</th>'
if grep -q '>group[0-9]' "$work/groups-dom.html"; then
  echo "FAIL: a group is labelled by its number"; exit 1
fi
