#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Loads the completion script that `npcheck completion SHELL` prints into that
# shell and checks what it offers on TAB for a list of command lines, the
# same list for bash, zsh and fish: command names, option names, the values
# of choice options (also after --option=), files, and the kubectl plugin
# name. bash calls the completion function as readline would; zsh runs in a
# pseudo-terminal (zsh/zpty) and types TAB; fish answers `complete -C`.
# Exits 77 (skipped) where the shell is not installed.
#   completion_test.sh bash|zsh|fish NPCHECK
set -euo pipefail
# A missing tool skips the test (exit 77), or fails it where
# NPCHECK_REQUIRE_TOOLS=1 (CI, which installs them all).
skip() {
  echo "$1 not installed (scripts/install-deps test): skipped"
  [ "${NPCHECK_REQUIRE_TOOLS:-}" = 1 ] && { echo "NPCHECK_REQUIRE_TOOLS=1: failing instead"; exit 1; }
  exit 77
}
shell=$1
npcheck=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v "$shell" >/dev/null || skip "$shell"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/functions" "$work/cwd/manifests"
touch "$work/cwd/policies.yaml"
case $shell in
  bash) script=$work/npcheck.bash ;;
  zsh) script=$work/functions/_npcheck ;;
  fish) script=$work/npcheck.fish ;;
esac
"$npcheck" completion "$shell" >"$script"

# The command lines and what each shell must offer after them (the cursor at
# the end), sorted, without descriptions or a trailing /.
lines=()
wants=()
case_() {
  lines+=("$1")
  wants+=("$2")
}
case_ 'npcheck c' 'can-reach check completion'
case_ 'npcheck li' 'lint'
case_ 'npcheck check --exp' '--expect'
case_ 'npcheck check -o ' 'json junit text'
case_ 'npcheck check --output=j' 'json junit'
case_ 'npcheck lint --fail-on ' 'error info warning'
case_ 'npcheck diff --fail-on ' 'added any changed removed'
case_ 'npcheck matrix -o ' 'csv dot html json md svg text'
case_ 'npcheck validate --max-d' '--max-depth'
case_ 'npcheck can-reach --explain --fr' '--from'
case_ 'npcheck lint -q --fa' '--fail-on'
case_ 'npcheck validate -f ' 'manifests policies.yaml'
case_ 'npcheck check -f manifests --expect ' 'manifests policies.yaml'
case_ 'npcheck completion ' 'bash fish zsh'
case_ 'npcheck help ' 'can-reach check completion diff exposure help lint matrix validate'
case_ 'kubectl-npcheck can' 'can-reach'

# Prints "INDEX<tab>CANDIDATE" for every case (INDEX from 1).
offers() {
  local i
  case $shell in
    bash)
      for i in "${!lines[@]}"; do
        (cd "$work/cwd" && LINE=${lines[i]} bash --norc --noprofile -c '
          source "$1"
          complete -p npcheck kubectl-npcheck >/dev/null
          # Split as readline does with the default COMP_WORDBREAKS (= apart).
          read -ra COMP_WORDS <<<"${LINE//=/ = }"
          [[ $LINE == *" " ]] && COMP_WORDS+=("")
          COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
          COMP_LINE=$LINE
          COMP_POINT=${#LINE}
          _npcheck "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
          printf "%s\n" "${COMPREPLY[@]}"' _ "$script") | sed "s/^/$((i + 1))\t/"
      done
      ;;
    zsh)
      (cd "$work/cwd" && timeout 120 zsh -f "$here/completion/zsh_capture.zsh" "$work/functions" "${lines[@]}")
      ;;
    fish)
      for i in "${!lines[@]}"; do
        (cd "$work/cwd" && fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$script" "${lines[i]}") |
          cut -f1 | sed 's/^--[a-z-]*=//' | sed "s/^/$((i + 1))\t/"
      done
      ;;
  esac
}

offers | tr -d '\r' >"$work/offers"
failures=0
for i in "${!lines[@]}"; do
  got=$(awk -F '\t' -v n=$((i + 1)) '$1 == n && $2 != "" { sub(/\/$/, "", $2); print $2 }' "$work/offers" |
    LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
  if [[ $got == "${wants[i]}" ]]; then
    echo "ok   [${lines[i]}] -> $got"
  else
    echo "FAIL [${lines[i]}]"
    echo "     expected: ${wants[i]}"
    echo "     actual:   $got"
    failures=$((failures + 1))
  fi
done
if [[ $failures -ne 0 ]]; then
  echo "$failures of the $shell completions differ"
  exit 1
fi
echo "$shell completion OK"
