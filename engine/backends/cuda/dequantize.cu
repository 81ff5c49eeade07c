// Weight rows -> F16 tiles for the tensor-core GEMMs of prefill (one thread per 32-element unit),
// plus the small conversions around them (activations to F16, bias adds).
#include "dispatch.h"
#include "quant_units.cuh"

namespace rwb::cuda {
namespace {

constexpr int kDequantWarps = 8;

// A warp decodes 32 consecutive units (the output tile is row-major with cols per row, so they
// are 2 KB of contiguous halves, across row ends too), stages them in shared memory and writes
// them as 16-byte stores of consecutive lanes. Each lane writing its own unit's 64 bytes as
// sixteen 4-byte stores, 64 bytes apart across the warp, made the 7B Q4_K_M prefill spend about
// two thirds of its time here (17.9k t/s in F16, 5.4k in Q4_K_M on the H200).
template <uint32_t T>
__global__ void __launch_bounds__(32 * kDequantWarps)
    dequant_kernel(const uint8_t* __restrict__ W, int64_t r0, int64_t nr, int64_t c0, int64_t cols,
                   int64_t stride, __half* __restrict__ out) {
    __shared__ uint4 tile[kDequantWarps][32][5]; // 4 chunks of 8 halves per unit, + 1 of padding
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int64_t units = cols >> 5, total = nr * units;
    const int64_t first = (int64_t(blockIdx.x) * kDequantWarps + warp) * 32;
    if (first >= total) return;
    if (const int64_t i = first + lane; i < total) {
        float v[32];
        unit_values<T>(W + (r0 + i / units) * stride, int((c0 >> 5) + i % units), v);
#pragma unroll
        for (int c = 0; c < 4; ++c) {
            uint32_t w[4];
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                const __half2 h = __floats2half2_rn(v[8 * c + 2 * k], v[8 * c + 2 * k + 1]);
                w[k] = *reinterpret_cast<const uint32_t*>(&h);
            }
            tile[warp][lane][c] = make_uint4(w[0], w[1], w[2], w[3]);
        }
    }
    __syncwarp();
    uint4* dst = reinterpret_cast<uint4*>(out + 32 * first);
#pragma unroll
    for (int k = 0; k < 4; ++k) {
        const int c = 32 * k + lane; // chunk c of the warp's 2 KB: unit c / 4, part c % 4
        if (first + c / 4 < total) dst[c] = tile[warp][c / 4][c % 4];
    }
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

void dequantize_f16(const DevMatrix& W, int64_t r0, int64_t nr, int64_t c0, int64_t nc, __half* out,
                    cudaStream_t s) {
    const int64_t n = nr * (nc >> 5);
    const unsigned g = blocks(n, 32 * kDequantWarps);
    with_weight_type(W.type, [&](auto t) {
        dequant_kernel<decltype(t)::value><<<g, 256, 0, s>>>(W.data, r0, nr, c0, nc, W.stride, out);
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
