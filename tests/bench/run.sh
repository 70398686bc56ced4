#!/usr/bin/env bash
# Runs every benchmark binary given; each prints "name value" lines on stdout
# (anything else goes to stderr). Collects them into build/bench.json, one
# flat object name -> number, and prints a table.
set -u
out=build/bench.json
tmp=$(mktemp)
for b in "$@"; do
  echo ">>> $(basename "$b")" >&2
  "$b" | tee -a "$tmp" >&2 || echo "$(basename "$b") failed (exit $?)" >&2
done
awk 'NF == 2 && $2 ~ /^-?[0-9.eE+-]+$/ { v[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; k[n++] = $1 } }
     END {
       printf "{"; for (i = 0; i < n; i++) printf "%s\n  \"%s\": %s", (i ? "," : ""), k[i], v[k[i]]; print "\n}"
     }' "$tmp" > "$out"
printf '\n%-32s %16s\n' benchmark value
printf '%-32s %16s\n' -------------------------------- ----------------
awk 'NF == 2 && $2 ~ /^-?[0-9.eE+-]+$/ { printf "%-32s %16s\n", $1, $2 }' "$tmp"
echo "written: $out"
rm -f "$tmp"
