#!/usr/bin/env bash
# Runs every test binary given on the command line, shows their output, and
# ends with one line "N passed, N failed" summing cmocka's per-binary counts.
# A binary that crashes or exits non-zero without a cmocka summary counts as
# one failure, and so does each failed group setup or teardown, so nothing
# fails quietly.
set -u
passed=0; failed=0; failed_bins=()
for bin in "$@"; do
  name=${bin#*/tests/}
  echo "=== $name"
  log=$(mktemp)
  start=$(date +%s%N)
  "$bin" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]\+\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]\+\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  # a group setup or teardown that failed is not in cmocka's test count,
  # nor always in its exit status
  g=$(grep -c '^\[  FAILED  \] GROUP' "$log")
  f=$((f + g))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$name ran no test"; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -gt 0 ] && failed_bins+=("$name")
  echo "--- $name: $p passed, $f failed (${ms} ms)"
  rm -f "$log"
done
echo
if [ ${#failed_bins[@]} -gt 0 ]; then echo "failing: ${failed_bins[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
