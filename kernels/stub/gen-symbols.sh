#!/usr/bin/env bash
# Regenerates kernels/stub/symbols.txt: every driver entry point (cu*) that the
# cust_raw bindings declare, one per line, sorted. cust links these names
# directly against libcuda, so the stub driver must export each of them.
#
# Usage: kernels/stub/gen-symbols.sh [path/to/cust_raw/src/cuda.rs]
# Without an argument the file is looked up with `cargo metadata` (the crate
# must have been fetched: `cargo fetch` does that without linking anything).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="${1:-}"
if [[ -z "$src" ]]; then
    manifest="$(cd "$root" && cargo metadata --format-version 1 --features cuda 2>/dev/null |
        python3 -c 'import json,sys; m=json.load(sys.stdin); print(next(p["manifest_path"] for p in m["packages"] if p["name"]=="cust_raw"))')"
    src="$(dirname "$manifest")/src/cuda.rs"
fi
[[ -f "$src" ]] || { echo "gen-symbols.sh: $src not found" >&2; exit 1; }
grep -oE 'pub fn cu[A-Za-z0-9_]+' "$src" | sed 's/^pub fn //' | sort -u > "$here/symbols.txt"
echo "gen-symbols.sh: $(wc -l < "$here/symbols.txt") entry points from $src -> $here/symbols.txt"
