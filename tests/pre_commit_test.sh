#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the hooks of .pre-commit-hooks.yaml with the real pre-commit: a
# scratch repository holding the hook definitions (as committed in this
# tree's working copy) is the hook repository of a second scratch repository
# with the example application, whose .pre-commit-config.yaml uses both hooks
# with args as the README shows. lint must pass (the example has infos only),
# check must fail on the shop expectations (3 failures), and after a fix to
# the expectations both pass. Exits 77 (skipped) without pre-commit or git.
#   pre_commit_test.sh SOURCE_DIR NPCHECK_DIR
set -eu
# A missing tool skips the test (exit 77), or fails it where
# NPCHECK_REQUIRE_TOOLS=1 (CI, which installs them all).
skip() {
  echo "$1 not installed (scripts/install-deps test): skipped"
  [ "${NPCHECK_REQUIRE_TOOLS:-}" = 1 ] && { echo "NPCHECK_REQUIRE_TOOLS=1: failing instead"; exit 1; }
  exit 77
}
source=$1
npcheck_dir=$2
for tool in pre-commit git; do
  command -v "$tool" >/dev/null || skip "$tool"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH="$npcheck_dir:$PATH" PRE_COMMIT_HOME="$work/cache" HOME="$work"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@npcheck.invalid
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@npcheck.invalid

mkdir "$work/hooks"
cp "$source/.pre-commit-hooks.yaml" "$work/hooks/"
(cd "$work/hooks" && git init -q && git add . && git commit -q -m hooks)
rev=$(git -C "$work/hooks" rev-parse HEAD)

repo=$work/repo
mkdir -p "$repo"
cp -r "$source/testdata/example-shop/manifests" "$repo/deploy"
cp "$source/testdata/check-shop/expectations.yaml" "$repo/expectations.yaml"
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: npcheck-lint
        args: [-f, deploy/]
      - id: npcheck-check
        args: [-f, deploy/, --expect, expectations.yaml]
YAML
cd "$repo"
git init -q
git add .
status=0
pre-commit run --all-files >"$work/run1.txt" 2>&1 || status=$?
cat "$work/run1.txt"
test "$status" -eq 1
grep -q '^npcheck lint\.*Passed$' "$work/run1.txt"
grep -q '^npcheck check\.*Failed$' "$work/run1.txt"
grep -q '^9 passed, 2 failed$' "$work/run1.txt"

# Keep only the expectations that hold: both hooks pass.
cat >expectations.yaml <<'YAML'
expectations:
  - name: frontend reaches the backend API
    from: {namespace: shop, selector: {app: frontend}}
    to: {namespace: shop, selector: {app: backend}}
    ports: ["TCP/8081"]
    expect: allow
YAML
git add .
pre-commit run --all-files >"$work/run2.txt" 2>&1
cat "$work/run2.txt"
grep -q '^npcheck lint\.*Passed$' "$work/run2.txt"
grep -q '^npcheck check\.*Passed$' "$work/run2.txt"
echo "pre-commit hooks OK"
