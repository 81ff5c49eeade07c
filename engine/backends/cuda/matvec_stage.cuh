// Staging of a mat-vec's activation rows in shared memory, once per block: optionally
// RMS-normalised (the layer's norm fused into the product that reads it), then kept either as
// floats (F32/F16/BF16 weights) or quantized to 8 bits (the quantized weight types, whose dot
// products then run as dp4a on packed bytes instead of unpacking every weight to a float: the
// K-quant products were instruction-bound, not memory-bound).
#pragma once

#include "cuda_common.cuh"

namespace rwb::cuda {

constexpr int kStageThreads = 256;
constexpr int kFloatPad = 33; // floats per staged float unit: 32 values + 1, distinct banks

// One 32-element unit of an activation row, quantized: x[i] ~ d * q[i]. s0, s1: the sums of the
// first and last 16 q (the K-quant mins and the Q4_0 / Q6_K offsets need them). 48 bytes, so
// the 16-byte reads of eight consecutive lanes fall in distinct banks.
struct alignas(16) XUnit {
    int q[8];
    float d;
    int s0, s1, pad;
};

// Shared memory one block needs to stage nb rows of `cols`.
inline size_t staged_bytes(bool int8, int nb, int64_t cols) { // int8: either quantized kind
    return int8 ? size_t(nb) * size_t(cols / 32) * sizeof(XUnit)
                : size_t(nb) * size_t(cols / 32) * kFloatPad * sizeof(float);
}

// inv[m] = 1 / rms(X[m]) (sum of squares in double, as the CPU path), or 1 without a norm.
template <int NB>
__device__ __forceinline__ void row_inv_rms(const float* __restrict__ X, int64_t ldx, int64_t cols,
                                            const float* norm_w, float eps, float (&inv)[NB]) {
    if (!norm_w) {
#pragma unroll
        for (int m = 0; m < NB; ++m) inv[m] = 1.f;
        return;
    }
    __shared__ double part[NB][kStageThreads / 32];
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
#pragma unroll
    for (int m = 0; m < NB; ++m) {
        const float4* x = reinterpret_cast<const float4*>(X + m * ldx);
        double ss = 0;
        for (int64_t g = threadIdx.x; g < cols / 4; g += kStageThreads) {
            const float4 v = x[g];
            ss += double(v.x) * v.x + double(v.y) * v.y + double(v.z) * v.z + double(v.w) * v.w;
        }
        for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
        if (lane == 0) part[m][warp] = ss;
    }
    __syncthreads();
#pragma unroll
    for (int m = 0; m < NB; ++m) {
        double t = 0;
        for (int w = 0; w < kStageThreads / 32; ++w) t += part[m][w];
        inv[m] = float(1.0 / sqrt(t / double(cols) + double(eps)));
    }
}

// Four consecutive activations, normalised when norm_w is set.
__device__ __forceinline__ float4 load_scaled(const float* __restrict__ x, const float* norm_w,
                                              float inv, int64_t g) {
    float4 v = reinterpret_cast<const float4*>(x)[g];
    if (norm_w) {
        const float4 w = reinterpret_cast<const float4*>(norm_w)[g];
        // (x * inv) * w, in the CPU's order (runtime/ops.cpp), so both quantize the same values.
        v.x = v.x * inv * w.x, v.y = v.y * inv * w.y, v.z = v.z * inv * w.z, v.w = v.w * inv * w.w;
    }
    return v;
}

// xs[m][unit][kFloatPad]: the rows as floats.
template <int NB>
__device__ void stage_float(const float* __restrict__ X, int64_t ldx, int64_t cols,
                            const float* norm_w, float eps, float* xs) {
    float inv[NB];
    row_inv_rms<NB>(X, ldx, cols, norm_w, eps, inv);
    const int64_t units = cols / 32;
#pragma unroll
    for (int m = 0; m < NB; ++m)
        for (int64_t g = threadIdx.x; g < cols / 4; g += kStageThreads) {
            const float4 v = load_scaled(X + m * ldx, norm_w, inv[m], g);
            float* d = xs + (m * units + (g >> 3)) * kFloatPad + 4 * (g & 7);
            d[0] = v.x, d[1] = v.y, d[2] = v.z, d[3] = v.w;
        }
}

// How a staged kernel keeps its activation rows: as floats, or quantized exactly as the CPU
// backend quantizes them for the weight type (engine/quant/q8_0.cpp, q8_k.cpp), so both
// backends multiply the same integers and their logits agree to float rounding.
enum StageKind : int {
    kStageFloat = 0, // F32 / F16 / BF16 weights
    kStageQ8_0 = 1,  // Q8_0 / Q4_0 weights: per 32 values, d = amax / 127 (kept as F16)
    kStageQ8_K = 2,  // K-quants: per 256 values, the peak maps to -127 exactly
};

// xs[m][unit], Q8_0 style. Eight consecutive threads hold one unit, four values each, so the
// unit's max and sums are three shuffles; every thread runs the same number of iterations (cols
// is a multiple of 32) so the full-warp shuffles never miss a lane.
template <int NB>
__device__ void stage_q8_0(const float* __restrict__ X, int64_t ldx, int64_t cols,
                           const float* norm_w, float eps, XUnit* xs) {
    float inv[NB];
    row_inv_rms<NB>(X, ldx, cols, norm_w, eps, inv);
    const int64_t units = cols / 32, groups = cols / 4;
#pragma unroll
    for (int m = 0; m < NB; ++m)
        for (int64_t base = 0; base < groups; base += kStageThreads) {
            const int64_t g = base + threadIdx.x;
            const bool live = g < groups;
            const float4 v = live ? load_scaled(X + m * ldx, norm_w, inv[m], g) : float4{};
            float amax = fmaxf(fmaxf(fabsf(v.x), fabsf(v.y)), fmaxf(fabsf(v.z), fabsf(v.w)));
            for (int o = 1; o < 8; o <<= 1)
                amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, o));
            const float d = amax / 127.f, id = d != 0.f ? 1.0f / d : 0.f;
            const int q0 = int(roundf(v.x * id)), q1 = int(roundf(v.y * id));
            const int q2 = int(roundf(v.z * id)), q3 = int(roundf(v.w * id));
            int s = q0 + q1 + q2 + q3;
            s += __shfl_xor_sync(0xffffffffu, s, 1);
            s += __shfl_xor_sync(0xffffffffu, s, 2); // the sum of this half-unit's 16 values
            if (!live) continue;
            XUnit& u = xs[m * units + (g >> 3)];
            const int word = int(g & 7);
            u.q[word] = (q0 & 0xff) | ((q1 & 0xff) << 8) | ((q2 & 0xff) << 16) | (q3 << 24);
            if (word == 0) u.d = __half2float(__float2half_rn(d)), u.s0 = s;
            if (word == 4) u.s1 = s;
        }
}

__device__ __forceinline__ int pack4(int a, int b, int c, int d) {
    return (a & 0xff) | ((b & 0xff) << 8) | ((c & 0xff) << 16) | (d << 24);
}

// xs[m][unit], Q8_K style: a warp per 256 values, a lane per eight; every unit of the block
// carries the block's scale.
template <int NB>
__device__ void stage_q8_k(const float* __restrict__ X, int64_t ldx, int64_t cols,
                           const float* norm_w, float eps, XUnit* xs) {
    float inv[NB];
    row_inv_rms<NB>(X, ldx, cols, norm_w, eps, inv);
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int64_t units = cols / 32, blocks = cols / 256;
#pragma unroll
    for (int m = 0; m < NB; ++m)
        for (int64_t b = warp; b < blocks; b += kStageThreads / 32) {
            const int64_t g = b * 64 + 2 * lane; // float4 index of this lane's first four values
            const float4 a = load_scaled(X + m * ldx, norm_w, inv[m], g);
            const float4 c = load_scaled(X + m * ldx, norm_w, inv[m], g + 1);
            const float v[8] = {a.x, a.y, a.z, a.w, c.x, c.y, c.z, c.w};
            float amax = 0.f, peak = 0.f; // the value of largest magnitude, with its sign
#pragma unroll
            for (int i = 0; i < 8; ++i)
                if (fabsf(v[i]) > amax) amax = fabsf(v[i]), peak = v[i];
            for (int o = 16; o > 0; o >>= 1) {
                const float oa = __shfl_xor_sync(0xffffffffu, amax, o);
                const float op = __shfl_xor_sync(0xffffffffu, peak, o);
                if (oa > amax) amax = oa, peak = op;
            }
            // Lanes that tied on |peak| with opposite signs must agree on one scale.
            peak = __shfl_sync(0xffffffffu, peak, 0);
            const float iscale = amax > 0.f ? -127.f / peak : 0.f;
            int q[8], s = 0;
#pragma unroll
            for (int i = 0; i < 8; ++i) q[i] = min(127, __float2int_rn(iscale * v[i])), s += q[i];
            s += __shfl_xor_sync(0xffffffffu, s, 1); // the half-unit: lanes 2k and 2k+1
            XUnit& u = xs[m * units + b * 8 + (lane >> 2)];
            const int word = 2 * (lane & 3);
            u.q[word] = pack4(q[0], q[1], q[2], q[3]);
            u.q[word + 1] = pack4(q[4], q[5], q[6], q[7]);
            if (word == 0) u.d = amax > 0.f ? 1.f / iscale : 0.f, u.s0 = s;
            if (word == 4) u.s1 = s;
        }
}

} // namespace rwb::cuda
