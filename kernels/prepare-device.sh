#!/usr/bin/env bash
# Builds, on this (GPU-less) machine, everything kernels/gpu-check.sh runs on
# the GPU machine, which has no Rust toolchain: the GPU test executables
# (tests/cuda_*.rs) and the benchmark (examples/cuda_bench.rs), in release
# mode, linked against the stub driver. At run time they load the GPU
# machine's real libcuda.so.1 (the stub only provides the soname to link).
#
# Output: DEST/bin/{cuda_*,cuda_bench} (debug info stripped) and
# DEST/MANIFEST; DEST defaults to .device/ at the repository root (git-
# ignored: carry it to the GPU machine, e.g. `carry: [".device"]`).
# Before finishing it runs the copied binaries once against the emulated
# driver (kernels/emu) as a smoke test; LAGRANGE_SKIP_EMU_CHECK=1 skips that.
#
# Usage (from the repository root, e.g. /work/main): kernels/prepare-device.sh [DEST]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dest="${1:-$root/.device}"
stub="$root/target/cuda-stub"

kernels/stub/build-stub.sh "$stub"
export CUDA_LIBRARY_PATH="$stub"
export LD_LIBRARY_PATH="$stub/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

tests=()
for f in tests/cuda_*.rs; do
    tests+=(--test "$(basename "$f" .rs)")
done
json="$root/target/cuda-device-build.json"
cargo test --release --features cuda --no-run "${tests[@]}" --message-format=json > "$json"
cargo build --release --features cuda --example cuda_bench

rm -rf "$dest/bin"
mkdir -p "$dest/bin"
python3 - "$json" "$dest/bin" <<'PY'
import json, shutil, subprocess, sys
src, out = sys.argv[1], sys.argv[2]
found = []
for line in open(src):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") != "compiler-artifact" or not m.get("executable"):
        continue
    t = m["target"]
    if "test" in t["kind"] and t["name"].startswith("cuda_"):
        dst = f"{out}/{t['name']}"
        subprocess.run(["objcopy", "--strip-debug", m["executable"], dst], check=True)
        found.append(t["name"])
if not found:
    sys.exit("prepare-device.sh: no cuda_* test executables were built")
print("test executables:", " ".join(sorted(found)))
PY
objcopy --strip-debug target/release/examples/cuda_bench "$dest/bin/cuda_bench"
chmod +x "$dest/bin/"*

{
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "rustc: $(rustc --version)"
    echo "glibc needed (newest symbol version): $(objdump -T "$dest"/bin/* | grep -oE 'GLIBC_[0-9.]+' | sort -uV | tail -1)"
    (cd "$dest/bin" && sha256sum ./*)
} > "$dest/MANIFEST"
cat "$dest/MANIFEST"
du -sh "$dest"

if [[ -z "${LAGRANGE_SKIP_EMU_CHECK:-}" ]]; then
    echo "== smoke test of the copied binaries on the emulated driver"
    kernels/emu/build-emu.sh "$root/target/cuda-emu"
    for t in "$dest"/bin/cuda_*; do
        [[ "$(basename "$t")" == cuda_bench ]] && continue
        LD_LIBRARY_PATH="$root/target/cuda-emu/lib64" LAGRANGE_REQUIRE_GPU=1 "$t" -q 2>&1 | grep -E "test result" ||
            { echo "prepare-device.sh: $t failed on the emulator" >&2; exit 1; }
    done
    LD_LIBRARY_PATH="$root/target/cuda-emu/lib64" "$dest/bin/cuda_bench" --n 100000 --matrix 100 --reps 1 > /dev/null
    echo "emulator smoke test passed"
fi
echo "prepare-device.sh: done; carry ${dest#"$root"/} and run: bash kernels/gpu-check.sh"
