#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Validates `npcheck check -o junit` against the common JUnit schema
# (tests/junit.xsd) with xmllint, for the three kinds of run: every
# expectation passed, some failed, and the input itself bad (an <error>
# testcase instead of an empty file). Exits 77 (skipped) without xmllint.
#   junit_test.sh NPCHECK TESTDATA_DIR
set -eu
# A missing tool skips the test (exit 77), or fails it where
# NPCHECK_REQUIRE_TOOLS=1 (CI, which installs them all).
skip() {
  echo "$1 not installed (scripts/install-deps test): skipped"
  [ "${NPCHECK_REQUIRE_TOOLS:-}" = 1 ] && { echo "NPCHECK_REQUIRE_TOOLS=1: failing instead"; exit 1; }
  exit 77
}
npcheck=$1
testdata=$2
schema=$(dirname "$0")/junit.xsd
command -v xmllint >/dev/null || skip xmllint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME EXPECTED_STATUS ARGS...: the report must validate and the status match.
run() {
  name=$1
  want=$2
  shift 2
  status=0
  "$npcheck" "$@" -o junit >"$work/$name.xml" 2>"$work/$name.err" || status=$?
  if [ "$status" -ne "$want" ]; then
    echo "$name: exit status $status, expected $want"
    cat "$work/$name.err"
    exit 1
  fi
  xmllint --noout --schema "$schema" "$work/$name.xml"
}

cat >"$work/pass.yaml" <<'YAML'
expectations:
  - name: the frontend reaches the backend API
    from: {namespace: shop, selector: {app: frontend}}
    to: {namespace: shop, selector: {app: backend}}
    ports: ["TCP/8081"]
    expect: allow
YAML
run pass 0 check -f "$testdata/example-shop/manifests" --expect "$work/pass.yaml"
grep -q '<testsuites name="npcheck check" tests="1" failures="0" errors="0" time="[0-9.]*">' "$work/pass.xml"

run fail 1 check -f "$testdata/example-shop/manifests" --expect "$testdata/check-shop/expectations.yaml"
test "$(grep -c '<failure ' "$work/fail.xml")" -eq 2
test "$(grep -c '<testcase .* time="[0-9]*\.[0-9][0-9][0-9]"' "$work/fail.xml")" -eq 11

run bad-expectations 2 check -f "$testdata/example-shop/manifests" \
  --expect "$testdata/check-bad-expectations/expectations.yaml"
grep -q '<error type="input-error" message=".*expectations.yaml:4:12: error: .*namepsace: unknown field' \
  "$work/bad-expectations.xml"

run bad-manifests 2 check -f "$testdata/validate-bad-policy" --expect "$work/pass.yaml"
grep -q '<error type="input-error"' "$work/bad-manifests.xml"

run missing-file 2 check -f "$work/no-such-dir" --expect "$work/pass.yaml"
grep -q "<error type=\"input-error\" message=\"npcheck: error: .*no-such-dir.*\"" "$work/missing-file.xml"
echo "junit OK: 5 reports valid"
