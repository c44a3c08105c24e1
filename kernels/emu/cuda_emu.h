// Host emulation of the CUDA C subset used by kernels/lagrange_kernels.cu,
// so that the same kernel source compiles with g++ into the emulated driver
// (libcuda_emu.cpp). Threads of a block run as fibers on one OS thread; a
// barrier (__syncthreads, and the warp shuffle built on it) switches fibers.
#pragma once

#include <math.h>
#include <string.h>

struct emu_dim3 {
    unsigned x, y, z;
};

extern emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

void emu_syncthreads();
double emu_shfl_down(double v, int offset);

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __syncthreads() emu_syncthreads()
#define __shfl_down_sync(mask, v, offset) emu_shfl_down((v), (offset))

inline double __longlong_as_double(long long v)
{
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}
