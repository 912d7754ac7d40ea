#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hostile inputs under an address-space limit (prlimit --as): each must end
# with its located error and exit status 2, within the memory given, never
# with std::bad_alloc. Not run under AddressSanitizer, which reserves
# terabytes of address space. Usage: memory_limits.sh NPCHECK
set -u
npcheck=$1
command -v prlimit >/dev/null || { echo "prlimit not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failed=0

# check NAME MIB WANT_RC WANT_STDERR COMMAND...: runs COMMAND with at most MIB
# MiB of address space and compares its exit status and standard error.
check() {
  local name=$1 mib=$2 want_rc=$3 want_err=$4
  shift 4
  local rc=0
  prlimit --as=$((mib * 1024 * 1024)) "$@" >/dev/null 2>"$work/err" || rc=$?
  local err
  err=$(cat "$work/err")
  if [ "$rc" != "$want_rc" ] || [ "$err" != "$want_err" ]; then
    echo "FAIL $name (address space $mib MiB): exit status $rc, expected $want_rc"
    echo "--- expected stderr"; echo "$want_err"; echo "--- actual stderr"; echo "$err"
    failed=1
  else
    echo "ok   $name"
  fi
}

# Streams that never end, and devices.
check dev-zero 100 2 "npcheck: error: /dev/zero: cannot read a character device (npcheck reads regular files, directories, pipes and standard input)" \
  "$npcheck" validate -f /dev/zero --max-file-size 1000
check expect-dev-zero 100 2 "npcheck: error: /dev/zero: cannot read a character device (npcheck reads regular files, directories, pipes and standard input)" \
  "$npcheck" check -f /dev/null --expect /dev/zero
yes 'a: b' | check endless-stdin 100 2 "npcheck: error: <stdin>: file is larger than 1000000 bytes (raise the limit with --max-file-size)" \
  "$npcheck" validate -f - --max-file-size 1000000
# Process substitution at the default limits: 128 MiB read, then refused.
check endless-pipe-default 400 2 "npcheck: error: /dev/fd/63: file is larger than 134217728 bytes (raise the limit with --max-file-size)" \
  "$npcheck" validate -f <(yes 'a: b')

# Unclosed flow collections: yaml-cpp would hold about 150 bytes per byte.
yes '[a,' | head -n 2000000 | tr -d '\n' >flow-a.yaml
check unclosed-sequence-of-scalars 100 2 "flow-a.yaml:1:31: error: nesting deeper than 10 levels (raise the limit with --max-depth)
npcheck: 1 error in the manifests" "$npcheck" validate -f flow-a.yaml --max-depth 10
{ printf 'x: '; cat flow-a.yaml; } >flow-value.yaml
check unclosed-sequence-as-a-value 100 2 "flow-value.yaml:1:601: error: nesting deeper than 200 levels (raise the limit with --max-depth)
npcheck: 1 error in the manifests" "$npcheck" validate -f flow-value.yaml
yes '[' | head -n 2000000 | tr -d '\n' >brackets.yaml
check unclosed-brackets 100 2 "brackets.yaml:1:201: error: nesting deeper than 200 levels (raise the limit with --max-depth)
npcheck: 1 error in the manifests" "$npcheck" validate -f brackets.yaml
yes '{"a":' | head -n 2000000 | tr -d '\n' >objects.yaml
check unclosed-json-objects 100 2 "objects.yaml:1:1001: error: nesting deeper than 200 levels (raise the limit with --max-depth)
npcheck: 1 error in the manifests" "$npcheck" validate -f objects.yaml

# A long flow collection nested in another: held whole by yaml-cpp.
{ printf 'x: [['; yes 'a,' | head -n 2000000 | tr -d '\n'; printf 'a]]\n'; } >nested.yaml
check nested-long-flow 100 2 "nested.yaml:1:4: error: YAML flow collection ([...] or {...}) longer than 262144 bytes (write it in block style or as a JSON document, or raise the limit with --max-flow-size)
npcheck: 1 error in the manifests" "$npcheck" validate -f nested.yaml

# --max-objects bounds a stream of documents, whatever their form.
yes '{}
---' | head -n 800000 >docs.yaml
want=""
for line in 1 3 5 7 9 11 13 15 17 19 21; do
  want+="docs.yaml:$line:1: error: kind: required field is missing"$'\n'
done
want+="docs.yaml:21:1: error: more than 10 objects (raise the limit with --max-objects)"$'\n'
want+="npcheck: 12 errors in the manifests"
check documents-after-json 100 2 "$want" "$npcheck" validate -f docs.yaml --max-objects 10
yes '{}' | head -n 1000000 >stream.json
check json-stream 100 2 "stream.json:11:1: error: more than 10 objects (raise the limit with --max-objects)
npcheck: 1 error in the manifests" "$npcheck" validate -f stream.json --max-objects 10

# The costliest shape per byte (an array of one-digit numbers, 2 bytes a
# node): 4 MB read within 200 MiB.
{ printf '['; yes '1,' | head -n 2000000 | tr -d '\n'; printf '1]'; } >array.json
check array-per-byte 200 2 "array.json:1:1: error: expected a Kubernetes object (a mapping), found a list
npcheck: 1 error in the manifests" "$npcheck" validate -f array.json

exit $failed
