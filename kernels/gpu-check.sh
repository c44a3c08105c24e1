#!/usr/bin/env bash
# The GPU check of lagrange's CUDA backend, run ON a GPU machine (H100/H200,
# driver 580 / CUDA 13.0). It needs no Rust toolchain: the executables come
# prebuilt in .device/bin/ from kernels/prepare-device.sh.
#
#   1. GPU tests (tests/cuda_*.rs) with LAGRANGE_REQUIRE_GPU=1: every kernel
#      against a CPU reference on fresh random inputs (relative error <= 1e-12
#      elementwise, <= 1e-10 reductions, f64), outputs poisoned with NaN,
#      every launch followed by a checked synchronisation.
#   2. Timings (examples/cuda_bench.rs) at 10^8 elements: bandwidth of each
#      kernel next to a device-to-device copy measured in the same run
#      (target >= 80% for elementwise and reductions), and the gradient of
#      sum(exp(sin x)*x^2) on the GPU against the CPU references (target >= 50x).
#
# Output: everything on stdout; the table in $OUT/gpu-check.txt when OUT is
# set (else target/gpu-check/), with logs beside it. Exit status non-zero if
# any test or the benchmark failed. Typical runtime: about a minute.
#
# Usage (repository root): bash kernels/gpu-check.sh
# Env: LAGRANGE_DEVICE_DIR (default .device), LAGRANGE_BENCH_N (default 1e8).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${LAGRANGE_DEVICE_DIR:-$root/.device}"
bin="$dir/bin"
out="${OUT:-$root/target/gpu-check}"
mkdir -p "$out"
n="${LAGRANGE_BENCH_N:-100000000}"
t0=$(date +%s)
status=0

echo "== lagrange gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ)"
[[ -f "$dir/MANIFEST" ]] && cat "$dir/MANIFEST"
for exe in cuda_device cuda_kernels cuda_graph cuda_bench; do
    [[ -x "$bin/$exe" ]] || { echo "gpu-check: $bin/$exe missing: run kernels/prepare-device.sh and carry .device" >&2; exit 2; }
done
# Every GPU test executable prepare-device.sh built (tests/cuda_*.rs).
test_exes=()
for exe in "$bin"/cuda_*; do
    [[ "$(basename "$exe")" == cuda_bench ]] || test_exes+=("$(basename "$exe")")
done
uname -a
ldd --version 2>&1 | head -1 || true
card="unknown GPU"
if command -v nvidia-smi >/dev/null; then
    nvidia-smi || true
    card="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1 || echo "unknown GPU")"
fi

# The real driver must be found by the dynamic loader.
if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
    lib="$(find /usr/lib /usr/lib64 /usr/local /lib /lib64 -name 'libcuda.so.1' 2>/dev/null | grep -v stub | head -1 || true)"
    if [[ -n "$lib" ]]; then
        export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    fi
fi
echo "libcuda used: $(ldd "$bin/cuda_device" | grep -E 'libcuda|not found' || echo 'not resolved')"

export LAGRANGE_REQUIRE_GPU=1 RUST_BACKTRACE=1
rows=()
run_tests() {
    local name="$1" limit="$2" line
    echo "== $name (timeout ${limit}s)"
    if timeout "$limit" "$bin/$name" 2>&1 | tee "$out/$name.log"; then
        line="$(grep -E '^test result' "$out/$name.log" | tail -1)"
        rows+=("| $name | pass | ${line#test result: } |")
    else
        status=1
        line="$(grep -E '^test result' "$out/$name.log" | tail -1 || true)"
        rows+=("| $name | FAIL | ${line:-crashed or timed out} |")
    fi
}
for exe in "${test_exes[@]}"; do
    case "$exe" in
        cuda_kernels) run_tests "$exe" 120 ;;
        *) run_tests "$exe" 60 ;;
    esac
done

echo "== cuda_bench --n $n (timeout 180s)"
bench_ok=pass
if ! timeout 180 "$bin/cuda_bench" --n "$n" --reps 10 --out "$out/bench.md" 2>&1 | tee "$out/cuda_bench.log"; then
    status=1
    bench_ok=FAIL
fi

{
    echo "# lagrange gpu-check: $card"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(( $(date +%s) - t0 )) s"
    [[ -f "$dir/MANIFEST" ]] && head -1 "$dir/MANIFEST"
    echo
    echo "| GPU tests | status | result |"
    echo "|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo "| cuda_bench | $bench_ok | |"
    echo
    if [[ -f "$out/bench.md" ]]; then cat "$out/bench.md"; else echo "(no benchmark table)"; fi
} > "$out/gpu-check.txt"
echo
echo "================================================================"
cat "$out/gpu-check.txt"
echo "gpu-check: table in $out/gpu-check.txt; exit status $status"
exit "$status"
