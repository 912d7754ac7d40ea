#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the Debian package of a build tree with CPack (as `--target package`
# does), extracts it into a scratch root and uses what it installed: the exact
# list of files with their modes, the control fields, the binary as npcheck
# and as the kubectl plugin kubectl-npcheck, the completions (the same as the
# binary prints), and the man page with `man -l` and through MANPATH.
# The package stays in WORK for the action test, which installs it the way the
# action does. Exits 77 (skipped) where a tool it needs is absent.
#   package_test.sh CPACK BUILD_DIR WORK VERSION EXPECTED_FILES
set -eu
# A missing tool skips the test (exit 77), or fails it where
# NPCHECK_REQUIRE_TOOLS=1 (CI, which installs them all).
skip() {
  echo "$1 not installed (scripts/install-deps test): skipped"
  [ "${NPCHECK_REQUIRE_TOOLS:-}" = 1 ] && { echo "NPCHECK_REQUIRE_TOOLS=1: failing instead"; exit 1; }
  exit 77
}
cpack=$1
build=$2
work=$3
version=$4
expected_files=$5
for tool in dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || skip "$tool"
done
rm -rf "$work"
mkdir -p "$work"
if ! "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  exit 1
fi
deb=$(ls "$work"/npcheck_"$version"_*.deb)
echo "built $deb"

# Every file and link with its mode, as dpkg would install them.
dpkg-deb -c "$deb" | awk '{ line = $6 " " $1; for (i = 7; i <= NF; i++) line = line " " $i; print line }' |
  LC_ALL=C sort >"$work/files"
diff -u "$expected_files" "$work/files"

test "$(dpkg-deb -f "$deb" Package)" = npcheck
test "$(dpkg-deb -f "$deb" Version)" = "$version"
test "$(dpkg-deb -f "$deb" Section)" = utils
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
echo "$depends" | grep -q 'libyaml-cpp'
echo "$depends" | grep -q 'libstdc++6'

root=$work/root
dpkg-deb -x "$deb" "$root"
test "$("$root/usr/bin/npcheck" --version)" = "npcheck $version"
test "$("$root/usr/bin/kubectl-npcheck" --version)" = "npcheck $version"
# kubectl runs the plugin as kubectl-npcheck: its usage names `kubectl npcheck`.
"$root/usr/bin/kubectl-npcheck" help validate | grep -q '^Usage: kubectl npcheck validate '
"$root/usr/bin/npcheck" completion bash | cmp - "$root/usr/share/bash-completion/completions/npcheck"
"$root/usr/bin/npcheck" completion zsh | cmp - "$root/usr/share/zsh/vendor-completions/_npcheck"
"$root/usr/bin/npcheck" completion fish | cmp - "$root/usr/share/fish/vendor_completions.d/npcheck.fish"
cmp "$root/usr/share/doc/npcheck/LICENSE" "$(dirname "$0")/../LICENSE"

# Each shell finds the installed completion where it looks for one.
if [ -f /usr/share/bash-completion/bash_completion ]; then
  test "$(XDG_DATA_DIRS="$root/usr/share" bash --norc --noprofile -c \
    '. /usr/share/bash-completion/bash_completion; __load_completion npcheck; complete -p npcheck')" \
    = "complete -F _npcheck npcheck"
  echo "bash-completion loads the installed completion"
fi
if command -v zsh >/dev/null; then
  test "$(zsh -f -c 'fpath=($1 $fpath); autoload -U compinit; compinit -u -D; print $_comps[npcheck]' \
    _ "$root/usr/share/zsh/vendor-completions")" = _npcheck
  echo "zsh's compinit finds the installed completion"
fi
if command -v fish >/dev/null; then
  mkdir -p "$work/home"
  test "$(HOME="$work/home" PATH="$root/usr/bin:$PATH" XDG_DATA_DIRS="$root/usr/share" \
    fish -c 'complete -C "npcheck chec"' | cut -f1)" = check
  echo "fish autoloads the installed completion"
fi

command -v man >/dev/null || skip "man (the page was not rendered)"
page=$root/usr/share/man/man1/npcheck.1.gz
LC_ALL=C MANWIDTH=200 man -l "$page" >"$work/man.txt" 2>"$work/man.err"
cat "$work/man.err"
grep -q '^NAME' "$work/man.txt"
grep -q 'npcheck - offline, exact reachability analysis of Kubernetes NetworkPolicies' "$work/man.txt"
grep -q '^EXIT STATUS' "$work/man.txt"
# Installed where man looks for it: `man npcheck` with the root's MANPATH.
LC_ALL=C MANWIDTH=200 MANPATH="$root/usr/share/man" man npcheck 2>/dev/null | cmp - "$work/man.txt"
echo "package OK: $(wc -l <"$work/files") entries; man page $(wc -l <"$work/man.txt") lines"
