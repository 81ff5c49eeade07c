// Element-wise parts of a layer: RMSNorm (one block per row; the sum of squares is reduced in
// double like the CPU path, so both stay close to a float64 reference) and SwiGLU.
#include "kernels.h"

namespace rwb::cuda {
namespace {

constexpr int kNormThreads = 256;

__device__ __forceinline__ void put(float* o, int64_t i, float v) {
    o[i] = v;
}
__device__ __forceinline__ void put(__half* o, int64_t i, float v) {
    o[i] = __float2half_rn(v);
}

// Out: float, or F16 for a prefill GEMM's input (one rounding of the same value).
template <typename Out>
__global__ void __launch_bounds__(kNormThreads)
    rms_norm_kernel(const float* __restrict__ x, const float* __restrict__ w, Out* __restrict__ out,
                    int64_t cols, float eps) {
    const float* xr = x + int64_t(blockIdx.x) * cols;
    Out* o = out + int64_t(blockIdx.x) * cols;
    double ss = 0;
    for (int64_t i = threadIdx.x; i < cols; i += kNormThreads) ss += double(xr[i]) * double(xr[i]);
    __shared__ double part[kNormThreads / 32];
    for (int off = 16; off > 0; off >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, off);
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = ss;
    __syncthreads();
    double total = 0;
    for (int i = 0; i < kNormThreads / 32; ++i) total += part[i];
    const float inv = float(1.0 / sqrt(total / double(cols) + double(eps)));
    for (int64_t i = threadIdx.x; i < cols; i += kNormThreads) put(o, i, xr[i] * inv * w[i]);
}

// o may be g itself (swiglu in place), so neither is __restrict__.
template <typename Out>
__global__ void swiglu_kernel(const float* g, const float* __restrict__ u, int64_t n, Out* o) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float x = g[i];
    put(o, i, x / (1.0f + expf(-x)) * u[i]);
}

} // namespace

void rms_norm(const float* x, const float* w, float* out, int64_t n, int64_t cols, float eps,
              cudaStream_t s) {
    rms_norm_kernel<<<unsigned(n), kNormThreads, 0, s>>>(x, w, out, cols, eps);
}

void rms_norm_f16(const float* x, const float* w, __half* out, int64_t n, int64_t cols, float eps,
                  cudaStream_t s) {
    rms_norm_kernel<<<unsigned(n), kNormThreads, 0, s>>>(x, w, out, cols, eps);
}

void swiglu_f16(const float* gate, const float* up, int64_t count, __half* out, cudaStream_t s) {
    swiglu_kernel<<<unsigned((count + 255) / 256), 256, 0, s>>>(gate, up, count, out);
}

void swiglu(float* gate, const float* up, int64_t count, cudaStream_t s) {
    swiglu_kernel<<<unsigned((count + 255) / 256), 256, 0, s>>>(gate, up, count, gate);
}

} // namespace rwb::cuda
