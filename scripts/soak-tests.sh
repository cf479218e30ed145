#!/usr/bin/env bash
# Runs `npm test` over and over, quiet and then beside a busy core, and prints one line a run:
# a suite that fails once in ten is a failing suite.
#   scripts/soak-tests.sh [quiet runs, default 10] [busy runs, default 5]
set -uo pipefail
cd "$(dirname "$0")/.."
quiet=${1:-10}
busy=${2:-5}
failed=0

run() {
  local label=$1 index=$2 log
  log=$(mktemp)
  local started=$SECONDS
  if npm test > "$log" 2>&1; then
    echo "$label run $index: green in $((SECONDS - started)) s"
  else
    failed=$((failed + 1))
    echo "$label run $index: RED in $((SECONDS - started)) s; log kept at $log"
    grep -E 'FAIL|×' "$log" | head -10 | sed 's/^/    /'
    return
  fi
  rm -f "$log"
}

for i in $(seq 1 "$quiet"); do run quiet "$i"; done
node -e 'for(;;){}' &
spinner=$!
trap 'kill $spinner 2>/dev/null' EXIT
for i in $(seq 1 "$busy"); do run busy "$i"; done
echo "$((quiet + busy - failed)) of $((quiet + busy)) runs green"
[ "$failed" -eq 0 ]
