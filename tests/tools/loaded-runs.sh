#!/usr/bin/env bash
# Issue 20's flakiness check: the whole suite (.ci/run, CI=true) N times in a row in clean clones of HEAD, with both
# cores kept busy by two busy loops. Prints one line per run and, at the end, how many failed.
# Usage: tests/tools/loaded-runs.sh [N=10] [LOGDIR=/tmp/smartcardps-loaded]
# Start it from a terminal or with SIGINT at its default: a suite that inherits SIGINT ignored (nohup, `cmd &` in a
# script) cannot test Ctrl+C, though the Ctrl+C tests restore it for themselves.
set -u
n=${1:-10}
logs=${2:-/tmp/smartcardps-loaded}
repo=$(git -C "$(dirname "$0")/../.." rev-parse --show-toplevel)
mkdir -p "$logs"
sh -c 'while :; do :; done' & l1=$!
sh -c 'while :; do :; done' & l2=$!
trap 'kill $l1 $l2 2>/dev/null' EXIT
failed=0
for i in $(seq 1 "$n"); do
  clone=$(mktemp -d /tmp/smartcardps-loaded-clone.XXXXXX)
  git clone -q "$repo" "$clone/x"
  start=$(date +%s)
  (cd "$clone/x" && CI=true bash .ci/run > "$logs/run-$i.log" 2>&1); rc=$?
  [ "$rc" = 0 ] || failed=$((failed + 1))
  echo "run $i: exit $rc after $(( $(date +%s) - start )) s: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/run-$i.log" | tail -1)"
  rm -rf "$clone"
done
echo "$failed of $n runs failed"
