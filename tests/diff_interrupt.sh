#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `npcheck diff --base-ref` interrupted while its snapshot of the base exists
# (SIGINT as from Ctrl-C, SIGTERM as from kill) must remove the snapshot and
# end by that signal. The head is a named pipe that nobody writes to, so that
# npcheck waits, with the snapshot made, until the signal comes.
# Usage: diff_interrupt.sh NPCHECK
set -u
set -m # background jobs get SIGINT like foreground ones
npcheck=$1
command -v git >/dev/null || { echo "git not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/manifests" "$work/tmp"
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n' >"$repo/manifests/ns.yaml"
git -C "$repo" init -q && git -C "$repo" add . &&
  git -C "$repo" -c user.name=npcheck -c user.email=npcheck@example.com commit -qm base || exit 1
mkfifo "$repo/head.yaml"
failed=0
for signal in INT TERM; do
  TMPDIR=$work/tmp "$npcheck" diff --base-ref HEAD --base "$repo/manifests" --head "$repo/head.yaml" \
    >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    [ -n "$(ls -A "$work/tmp")" ] && break
    sleep 0.1
  done
  snapshot=$(ls -A "$work/tmp")
  sleep 0.2 # let npcheck reach the head
  kill -s "$signal" "$pid"
  wait "$pid"
  rc=$?
  left=$(ls -A "$work/tmp")
  want=$((128 + $(kill -l "$signal")))
  if [ -z "$snapshot" ] || [ -n "$left" ] || [ "$rc" != "$want" ]; then
    echo "FAIL SIG$signal: snapshot '$snapshot', left behind '$left', exit status $rc (expected $want)"
    failed=1
  else
    echo "ok   SIG$signal: $snapshot removed, exit status $rc"
  fi
done
exit $failed
