#!/usr/bin/env bash
# Builds and tests the `cuda` feature on a machine without a GPU (called by
# .ci/run). Two driver stand-ins, both generated here from kernels/:
#
# 1. The stub driver (kernels/stub/): every entry point returns
#    CUDA_ERROR_NO_DEVICE. cust links against it (CUDA_LIBRARY_PATH), clippy
#    and the whole test suite run with the feature on, and the tests check
#    that CUDA use fails with the clear "no device" error
#    (LAGRANGE_EXPECT_NO_DEVICE=1); GPU tests skip with a printed note.
# 2. The emulated driver (kernels/emu/): the same kernel source compiled for
#    the host behind an emulated driver API. The GPU tests (tests/cuda_*.rs)
#    run again against it with LAGRANGE_REQUIRE_GPU=1, so the launch code,
#    graph and kernels are exercised on every commit (no timing meaning).
#
# Needs: cargo, cc, g++, nm. Usage: kernels/ci-stub-test.sh (from anywhere).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stub="$root/target/cuda-stub"
emu="$root/target/cuda-emu"

echo "== committed PTX matches kernels/lagrange_kernels.cu"
sum="$(sha256sum kernels/lagrange_kernels.cu | cut -d' ' -f1)"
for ptx in kernels/lagrange_kernels.sm*.ptx; do
    grep -q "^// source-sha256: $sum\$" "$ptx" ||
        { echo "$ptx is stale: rebuild it with kernels/build-ptx.sh" >&2; exit 1; }
done

echo "== cuda feature: stub driver"
kernels/stub/build-stub.sh "$stub"
export CUDA_LIBRARY_PATH="$stub"
base_ld="${LD_LIBRARY_PATH:-}"
export LD_LIBRARY_PATH="$stub/lib64${base_ld:+:$base_ld}"
cargo clippy --features cuda --all-targets -- -D warnings
# The library's unit tests and the cuda_* integration tests: the rest of the
# suite does not touch the feature and already ran without it.
cuda_tests=()
for f in tests/cuda_*.rs; do
    cuda_tests+=(--test "$(basename "$f" .rs)")
done
LAGRANGE_EXPECT_NO_DEVICE=1 cargo test --features cuda --lib "${cuda_tests[@]}"
# Show the error a user sees without a GPU.
LAGRANGE_EXPECT_NO_DEVICE=1 cargo test --features cuda --test cuda_device \
    no_device_is_a_clear_error_not_a_panic -- --nocapture 2>&1 | grep -E "CUDA unavailable|test result"

echo "== cuda feature: GPU tests on the emulated driver"
kernels/emu/build-emu.sh "$emu"
tests=()
for f in tests/cuda_*.rs; do
    tests+=(--test "$(basename "$f" .rs)")
done
LD_LIBRARY_PATH="$emu/lib64${base_ld:+:$base_ld}" LAGRANGE_REQUIRE_GPU=1 \
    cargo test --features cuda "${tests[@]}"
