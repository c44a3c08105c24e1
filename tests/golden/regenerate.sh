#!/usr/bin/env bash
# Rewrites tests/golden/outputs.json: `lagrange solve --json` of every shipped
# problem and every Hock–Schittkowski file, without the timing fields.
# Run it only when a change of iterates is intended, and say so in the commit.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet --bin lagrange
bin=target/debug/lagrange
{
  echo "{"
  first=1
  for f in problems/*.json tests/data/hock_schittkowski/*.json; do
    out=$("$bin" solve "$f" --json || true)
    [ $first -eq 1 ] || echo ","
    first=0
    printf '  "%s": %s' "$f" "$out"
  done
  echo
  echo "}"
} | python3 -c '
import json, sys
data = json.load(sys.stdin)
for out in data.values():
    for key in [k for k in out if k.startswith("solve_seconds")]:
        del out[key]
json.dump(data, sys.stdout, indent=1, sort_keys=True)
print()
' > tests/golden/outputs.json
echo "wrote tests/golden/outputs.json ($(grep -c '"status"' tests/golden/outputs.json) outputs)"
