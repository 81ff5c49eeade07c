// Keys shared by the device sampling kernels (sample_select.cu, sample_top_k.cu): logits as
// order-preserving unsigned keys, and (value, id) packed so that one comparison is
// sampling::better.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

namespace rwb::cuda {

// Order-preserving map of a float to unsigned (larger float, larger key); -0 counts as +0, as
// the float comparisons of the CPU stages do.
__device__ __forceinline__ unsigned order_key(float v) {
    const unsigned u = __float_as_uint(v == 0.0f ? 0.0f : v);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
__device__ __forceinline__ float from_order_key(unsigned k) {
    return __uint_as_float((k & 0x80000000u) ? (k & 0x7fffffffu) : ~k);
}
// (value, id) as one key: a higher value first, then the lower id (sampling::better).
__device__ __forceinline__ unsigned long long pack(unsigned key, int64_t id) {
    return (static_cast<unsigned long long>(key) << 32) | (0xffffffffu - static_cast<unsigned>(id));
}
__device__ __forceinline__ int32_t unpack_id(unsigned long long k) {
    return static_cast<int32_t>(0xffffffffu - static_cast<unsigned>(k));
}

// logits[i] / temperature as the CPU stages compute it (v * inv_t), NaN as -inf.
__device__ __forceinline__ float scaled(float v, float inv_t) {
    return isnan(v) ? -INFINITY : __fmul_rn(v, inv_t);
}

// Blocks for n items at `threads` items per block, between 1 and `most`.
inline int grid_for(int64_t n, int threads, int most) {
    const int64_t blocks = (n + threads - 1) / threads;
    return int(blocks < 1 ? 1 : (blocks > most ? most : blocks));
}

} // namespace rwb::cuda
