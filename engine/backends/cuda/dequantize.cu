// Weight rows -> F16 tiles for the tensor-core GEMMs of prefill (one thread per 32-element unit),
// plus the small conversions around them (activations to F16, bias adds).
#include "dispatch.h"
#include "quant_units.cuh"

namespace rwb::cuda {
namespace {

template <uint32_t T>
__global__ void dequant_kernel(const uint8_t* __restrict__ W, int64_t r0, int64_t nr, int64_t cols,
                               int64_t stride, __half* __restrict__ out) {
    const int64_t units = cols >> 5;
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= nr * units) return;
    const int64_t r = i / units;
    const int u = int(i % units);
    float v[32];
    unit_values<T>(W + (r0 + r) * stride, u, v);
    __half2* o = reinterpret_cast<__half2*>(out + r * cols + 32 * int64_t(u));
#pragma unroll
    for (int k = 0; k < 16; ++k) o[k] = __floats2half2_rn(v[2 * k], v[2 * k + 1]);
}

__global__ void to_f16_kernel(const float* __restrict__ x, int64_t count, __half* __restrict__ o) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) o[i] = __float2half_rn(x[i]);
}

__global__ void bias_kernel(float* y, int64_t n, int64_t ldy, const float* b, int64_t cols) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n * cols) return;
    y[(i / cols) * ldy + i % cols] += b[i % cols];
}

unsigned blocks(int64_t n, int t) {
    return unsigned((n + t - 1) / t);
}

} // namespace

void dequantize_f16(const DevMatrix& W, int64_t r0, int64_t nr, __half* out, cudaStream_t s) {
    const int64_t n = nr * (W.cols >> 5);
    const unsigned g = blocks(n, 256);
    with_weight_type(W.type, [&](auto t) {
        dequant_kernel<decltype(t)::value><<<g, 256, 0, s>>>(W.data, r0, nr, W.cols, W.stride, out);
        return true;
    });
}

void to_f16(const float* x, int64_t count, __half* out, cudaStream_t s) {
    to_f16_kernel<<<blocks(count, 256), 256, 0, s>>>(x, count, out);
}

void add_bias(float* y, int64_t n, int64_t ldy, const float* bias, int64_t cols, cudaStream_t s) {
    bias_kernel<<<blocks(n * cols, 256), 256, 0, s>>>(y, n, ldy, bias, cols);
}

} // namespace rwb::cuda
