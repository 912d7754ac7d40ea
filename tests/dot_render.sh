#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Lays out `npcheck matrix -o dot` with Graphviz's dot, with and without
# --group, for the example shop and for clusters of bench/generate.py of
# about 50 and 500 endpoints (the latter summarised by box; with the admin
# profile's hundreds of port sets, too dense for any edge), and checks that
# dot says nothing (no "trouble in init_rank", no warning) and finishes in
# 30 seconds; then that -o svg writes the picture. Exits 77 (skipped) where
# dot or python3 is absent.
set -eu
npcheck=$1
source_dir=$2
command -v dot >/dev/null || { echo "dot not installed: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# generate() with a profile and a shape (pods, namespaces, policies, nodes),
# as bench/scaling calls it.
generate() {
  mkdir -p "$work/$1"
  python3 - "$source_dir/bench" "$work/$1/cluster.yaml" "$2" "$3" "$4" "$5" "$6" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import generate
shape = tuple(int(a) for a in sys.argv[4:8])
generate.write_yaml(generate.generate("S", 1, sys.argv[3], {}, shape=shape), sys.argv[2])
PY
}
generate g50 default 50 6 25 2
generate g500 default 500 40 250 3
generate admin500 admin 500 40 250 3
status=0
for input in "$source_dir/testdata/example-shop/manifests" "$work/g50" "$work/g500" "$work/admin500"; do
  for group in "" --group; do
    name="$(basename "$input")${group}"
    "$npcheck" matrix -f "$input" $group -o dot >"$work/graph.dot" 2>/dev/null
    if ! timeout 30 dot -Tsvg "$work/graph.dot" >"$work/graph.svg" 2>"$work/dot.err"; then
      echo "FAIL $name: dot failed or took more than 30 s"; status=1
    elif [ -s "$work/dot.err" ]; then
      echo "FAIL $name: dot said:"; cat "$work/dot.err"; status=1
    else
      echo "ok   $name"
    fi
  done
done
# The 500-endpoint pictures are summarised by box: dashed edges for some pairs.
"$npcheck" matrix -f "$work/g500" --group -o dot | grep -q 'style=dashed' || { echo "FAIL g500: not summarised"; status=1; }
"$npcheck" matrix -f "$work/g50" -o dot | grep -q 'style=dashed' && { echo "FAIL g50: summarised"; status=1; }
"$npcheck" matrix -f "$work/admin500" -o dot 2>/dev/null | grep -q 'label="too dense to draw: ' ||
  { echo "FAIL admin500: drawn"; status=1; }
"$npcheck" matrix -f "$source_dir/testdata/example-shop/manifests" -o svg --output-file "$work/shop.svg"
grep -q '</svg>' "$work/shop.svg" || { echo "FAIL -o svg: no picture"; status=1; }
exit $status
