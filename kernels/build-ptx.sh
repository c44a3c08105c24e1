#!/usr/bin/env bash
# Rebuilds the committed PTX from kernels/lagrange_kernels.cu.
#
# The compiler is NVIDIA's NVRTC 12.8 from PyPI (nvidia-cuda-nvrtc-cu12==12.8.93),
# pinned: it emits PTX ISA 8.7, which the team's GPU machines (driver 580,
# CUDA 13.0, PTX ISA <= 9.0) accept; a newer toolchain may emit PTX they
# reject. ptxas 12.8 (nvidia-cuda-nvcc-cu12==12.8.93) then assembles each PTX
# file for a real GPU as a check and prints register use; the driver JIT-
# compiles the PTX at module load.
#
# Outputs (both committed, embedded by src/cuda/kernels.rs):
#   lagrange_kernels.sm90.ptx  --gpu-architecture=compute_90 (H100 / H200)
#   lagrange_kernels.sm70.ptx  --gpu-architecture=compute_70 (Volta and later)
# Options: --fmad=false so that elementwise results match the CPU engine's
# separately rounded multiply and add; -std=c++17.
#
# Usage: kernels/build-ptx.sh   (creates .venv at the repository root if missing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${LAGRANGE_PTX_VENV:-$root/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q "nvidia-cuda-nvrtc-cu12==12.8.93" "nvidia-cuda-nvcc-cu12==12.8.93"
site="$("$venv/bin/python" -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))')"
nvrtc="$site/nvidia/cuda_nvrtc/lib/libnvrtc.so.12"
ptxas="$site/nvidia/cuda_nvcc/bin/ptxas"
opts=(--fmad=false -std=c++17)
for arch in 90 70; do
    out="$here/lagrange_kernels.sm$arch.ptx"
    "$venv/bin/python" "$here/nvrtc_build.py" "$nvrtc" "$here/lagrange_kernels.cu" "$out" \
        "compute_$arch" "${opts[@]}"
    echo "build-ptx.sh: $out ($(grep -m1 '^\.version' "$out"), $(grep -c '^\.visible \.entry' "$out") kernels)"
    "$ptxas" -arch="sm_$arch" -O3 -v "$out" -o /dev/null 2>&1 |
        grep -E 'Compiling entry|registers' | paste - - |
        sed -E "s/.*entry function '([a-z0-9_]+)'.*Used ([0-9]+) registers.*/  sm_$arch \1: \2 registers/"
done
