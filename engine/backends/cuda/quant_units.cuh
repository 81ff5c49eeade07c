// Decoding of one "unit" (32 consecutive elements of a weight row) of every supported ggml type,
// straight from the packed blocks as the file stores them. The mat-vec and dequantize kernels
// both build on this, so each layout is written once. Row starts are 16-byte aligned (rows are
// padded on upload); blocks whose size is a multiple of 16 (Q4_K, Q5_K, F16, BF16, F32) are read
// with 16-byte loads, the others (Q4_0 18 B, Q8_0 34 B, Q6_K 210 B) with 2-byte loads.
#pragma once

#include "cuda_common.cuh"

namespace rwb::cuda {

__device__ __forceinline__ float h2f(uint16_t h) {
    return __half2float(__ushort_as_half(h));
}
__device__ __forceinline__ uint16_t ld16(const uint8_t* p) {
    return *reinterpret_cast<const uint16_t*>(p);
}

// Scale and min j (0..7) of a Q4_K / Q5_K super-block (6 bits each, packed in the 12 bytes after
// d and dmin: words y, z, w of the block's first 16 bytes). Shifts and masks on the words: the
// bytes indexed at run time put the header in local memory (16-byte stack frame, a store and
// byte loads per unit in the mat-vec's inner loop).
__device__ __forceinline__ void scale_min_k4(int j, const uint4& head, float& sc, float& m) {
    if (j < 4) {
        const int s = 8 * j;
        sc = float((head.y >> s) & 63);
        m = float((head.z >> s) & 63);
    } else {
        const int s = 8 * (j - 4);
        sc = float(((head.w >> s) & 0xF) | (((head.y >> (s + 6)) & 3) << 4));
        m = float(((head.w >> (s + 4)) & 0xF) | (((head.z >> (s + 6)) & 3) << 4));
    }
}

// The same from the 12 scale bytes in memory, for callers that keep more rows in registers
// (the mat-vec's batches of three or more rows spill when the header stays in registers too).
__device__ __forceinline__ void scale_min_k4(int j, const uint8_t* q, float& sc, float& m) {
    if (j < 4) {
        sc = float(q[j] & 63);
        m = float(q[j + 4] & 63);
    } else {
        sc = float((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        m = float((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

// v[0..31] = elements 32u .. 32u+31 of the row.
template <uint32_t T>
__device__ __forceinline__ void unit_values(const uint8_t* row, int u, float v[32]);

template <>
__device__ __forceinline__ void unit_values<kF32>(const uint8_t* row, int u, float v[32]) {
    const float4* p = reinterpret_cast<const float4*>(row) + 8 * u;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        const float4 f = __ldg(p + i);
        v[4 * i] = f.x, v[4 * i + 1] = f.y, v[4 * i + 2] = f.z, v[4 * i + 3] = f.w;
    }
}

template <>
__device__ __forceinline__ void unit_values<kF16>(const uint8_t* row, int u, float v[32]) {
    const uint4* p = reinterpret_cast<const uint4*>(row) + 4 * u;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const uint4 w = __ldg(p + i);
        const uint32_t words[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            const float2 f = __half22float2(*reinterpret_cast<const __half2*>(&words[k]));
            v[8 * i + 2 * k] = f.x, v[8 * i + 2 * k + 1] = f.y;
        }
    }
}

template <>
__device__ __forceinline__ void unit_values<kBF16>(const uint8_t* row, int u, float v[32]) {
    const uint4* p = reinterpret_cast<const uint4*>(row) + 4 * u;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const uint4 w = __ldg(p + i);
        const uint32_t words[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            v[8 * i + 2 * k] = __uint_as_float(words[k] << 16);
            v[8 * i + 2 * k + 1] = __uint_as_float(words[k] & 0xffff0000u);
        }
    }
}

template <>
__device__ __forceinline__ void unit_values<kQ8_0>(const uint8_t* row, int u, float v[32]) {
    const uint8_t* b = row + 34 * u;
    const float d = h2f(ld16(b));
#pragma unroll
    for (int i = 0; i < 16; ++i) {
        const uint16_t w = ld16(b + 2 + 2 * i);
        v[2 * i] = d * float(int8_t(w & 0xff));
        v[2 * i + 1] = d * float(int8_t(w >> 8));
    }
}

template <>
__device__ __forceinline__ void unit_values<kQ4_0>(const uint8_t* row, int u, float v[32]) {
    const uint8_t* b = row + 18 * u;
    const float d = h2f(ld16(b));
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        const uint16_t w = ld16(b + 2 + 2 * i);
        v[2 * i] = d * float(int(w & 0xF) - 8);
        v[2 * i + 1] = d * float(int((w >> 8) & 0xF) - 8);
        v[2 * i + 16] = d * float(int((w >> 4) & 0xF) - 8);
        v[2 * i + 17] = d * float(int(w >> 12) - 8);
    }
}

template <>
__device__ __forceinline__ void unit_values<kQ4_K>(const uint8_t* row, int u, float v[32]) {
    const uint8_t* b = row + 144 * (u >> 3);
    const int j = u & 7;
    const uint4 head = __ldg(reinterpret_cast<const uint4*>(b)); // d, dmin, scales[12]
    float sc, m;
    scale_min_k4(j, head, sc, m);
    const float d = h2f(uint16_t(head.x & 0xffff)) * sc;
    const float dm = h2f(uint16_t(head.x >> 16)) * m;
    const uint4* q = reinterpret_cast<const uint4*>(b + 16 + 32 * (j >> 1));
    const int shift = 4 * (j & 1);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        const uint4 w = __ldg(q + h);
        const uint32_t words[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
        for (int k = 0; k < 16; ++k)
            v[16 * h + k] = d * float((words[k >> 2] >> (8 * (k & 3) + shift)) & 0xF) - dm;
    }
}

template <>
__device__ __forceinline__ void unit_values<kQ5_K>(const uint8_t* row, int u, float v[32]) {
    const uint8_t* b = row + 176 * (u >> 3);
    const int j = u & 7;
    const uint4 head = __ldg(reinterpret_cast<const uint4*>(b));
    float sc, m;
    scale_min_k4(j, head, sc, m);
    const float d = h2f(uint16_t(head.x & 0xffff)) * sc;
    const float dm = h2f(uint16_t(head.x >> 16)) * m;
    const uint4* qh = reinterpret_cast<const uint4*>(b + 16);
    const uint4* q = reinterpret_cast<const uint4*>(b + 48 + 32 * (j >> 1));
    const int shift = 4 * (j & 1);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        const uint4 w = __ldg(q + h);
        const uint4 hw = __ldg(qh + h);
        const uint32_t words[4] = {w.x, w.y, w.z, w.w};
        const uint32_t hwords[4] = {hw.x, hw.y, hw.z, hw.w};
#pragma unroll
        for (int k = 0; k < 16; ++k) {
            const int lo = (words[k >> 2] >> (8 * (k & 3) + shift)) & 0xF;
            const int hi = (hwords[k >> 2] >> (8 * (k & 3) + j)) & 1;
            v[16 * h + k] = d * float(lo + 16 * hi) - dm;
        }
    }
}

template <>
__device__ __forceinline__ void unit_values<kQ6_K>(const uint8_t* row, int u, float v[32]) {
    const uint8_t* b = row + 210 * (u >> 3);
    const int j = u & 7;
    const int h = j >> 2, k = j & 3; // half of the super-block, run within the half
    const uint8_t* ql = b + 64 * h + 32 * (k & 1);
    const uint8_t* qh = b + 128 + 32 * h;
    const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192) + 8 * h + 2 * k;
    const float d = h2f(ld16(b + 208));
    const float d0 = d * float(sc[0]), d1 = d * float(sc[1]);
    const int lshift = (k >> 1) * 4, hshift = 2 * k;
#pragma unroll
    for (int i = 0; i < 16; ++i) {
        const uint16_t lw = ld16(ql + 2 * i);
        const uint16_t hw = ld16(qh + 2 * i);
#pragma unroll
        for (int e = 0; e < 2; ++e) {
            const int l = 2 * i + e;
            const int lo = ((lw >> (8 * e)) >> lshift) & 0xF;
            const int hi = ((hw >> (8 * e)) >> hshift) & 3;
            v[l] = (l < 16 ? d0 : d1) * float((lo | (hi << 4)) - 32);
        }
    }
}

} // namespace rwb::cuda
