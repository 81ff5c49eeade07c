// Dot products of one 32-element weight unit, packed as the file stores it, with the staged
// 8-bit activations of up to NB rows (matvec_stage.cuh). The weights' integer parts are put
// together four to a word in the activations' byte order and multiplied with dp4a; the scales,
// mins and offsets are applied once per unit (or half-unit) from the unit's sums. Each unit's
// weights are loaded once for all NB rows.
#pragma once

#include "matvec_stage.cuh"
#include "quant_units.cuh"

namespace rwb::cuda {

// Eight 32-bit words at a 2-byte aligned address: aligned loads, then funnel shifts (the last
// load is 16 bits wide, so nothing past p + 32 is read).
__device__ __forceinline__ void load8_a2(const uint8_t* p, uint32_t (&w)[8]) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    const uint32_t* ap = reinterpret_cast<const uint32_t*>(a & ~uintptr_t(3));
    const unsigned sh = unsigned(a & 2) * 8;
    uint32_t raw[9];
#pragma unroll
    for (int i = 0; i < 8; ++i) raw[i] = __ldg(ap + i);
    raw[8] = sh ? uint32_t(__ldg(reinterpret_cast<const uint16_t*>(ap + 8))) : 0u;
#pragma unroll
    for (int i = 0; i < 8; ++i) w[i] = __funnelshift_r(raw[i], raw[i + 1], sh);
}

// Four words at a 2-byte aligned address (Q4_0's 16 bytes of quants).
__device__ __forceinline__ void load4_a2(const uint8_t* p, uint32_t (&w)[4]) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    const uint32_t* ap = reinterpret_cast<const uint32_t*>(a & ~uintptr_t(3));
    const unsigned sh = unsigned(a & 2) * 8;
    uint32_t raw[5];
#pragma unroll
    for (int i = 0; i < 4; ++i) raw[i] = __ldg(ap + i);
    raw[4] = sh ? uint32_t(__ldg(reinterpret_cast<const uint16_t*>(ap + 4))) : 0u;
#pragma unroll
    for (int i = 0; i < 4; ++i) w[i] = __funnelshift_r(raw[i], raw[i + 1], sh);
}

__device__ __forceinline__ void words_of(const uint4& a, uint32_t* w) {
    w[0] = a.x, w[1] = a.y, w[2] = a.z, w[3] = a.w;
}

// The staged unit's quants as eight words (two 16-byte shared loads) and its scale and sums.
struct XView {
    int q[8];
    float d;
    int s0, s1;
};
__device__ __forceinline__ XView x_view(const XUnit& x) {
    const int4* p = reinterpret_cast<const int4*>(&x);
    const int4 a = p[0], b = p[1], c = p[2];
    return {{a.x, a.y, a.z, a.w, b.x, b.y, b.z, b.w}, __int_as_float(c.x), c.y, c.z};
}

__device__ __forceinline__ int dp8(const uint32_t (&w)[8], const int (&q)[8]) {
    int s = 0;
#pragma unroll
    for (int i = 0; i < 8; ++i) s = __dp4a(int(w[i]), q[i], s);
    return s;
}

template <uint32_t T, int NB>
__device__ __forceinline__ void dot_unit_q8(const uint8_t* __restrict__ row, int u,
                                            const XUnit* __restrict__ xs, int units,
                                            float (&acc)[NB]) {
    if constexpr (T == kQ8_0) {
        const uint8_t* b = row + 34 * u;
        const float dw = h2f(ld16(b));
        uint32_t w[8];
        load8_a2(b + 2, w);
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const XView x = x_view(xs[m * units + u]);
            acc[m] += dw * x.d * float(dp8(w, x.q));
        }
    } else if constexpr (T == kQ4_0) {
        const uint8_t* b = row + 18 * u;
        const float dw = h2f(ld16(b));
        uint32_t raw[4], w[8];
        load4_a2(b + 2, raw);
#pragma unroll
        for (int i = 0; i < 4; ++i)
            w[i] = raw[i] & 0x0F0F0F0Fu, w[4 + i] = (raw[i] >> 4) & 0x0F0F0F0Fu;
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const XView x = x_view(xs[m * units + u]);
            acc[m] += dw * x.d * float(dp8(w, x.q) - 8 * (x.s0 + x.s1));
        }
    } else if constexpr (T == kQ4_K || T == kQ5_K) {
        constexpr int kBlock = T == kQ4_K ? 144 : 176, kQs = T == kQ4_K ? 16 : 48;
        const uint8_t* b = row + kBlock * (u >> 3);
        const int j = u & 7;
        const uint4 head = __ldg(reinterpret_cast<const uint4*>(b)); // d, dmin, scales[12]
        float sc, mn;
        scale_min_k4(j, reinterpret_cast<const uint8_t*>(&head) + 4, sc, mn);
        const float d = h2f(uint16_t(head.x & 0xffff)) * sc;
        const float dm = h2f(uint16_t(head.x >> 16)) * mn;
        const uint4* q = reinterpret_cast<const uint4*>(b + kQs + 32 * (j >> 1));
        uint32_t w[8];
        words_of(__ldg(q), w), words_of(__ldg(q + 1), w + 4);
        const int shift = 4 * (j & 1);
#pragma unroll
        for (int i = 0; i < 8; ++i) w[i] = (w[i] >> shift) & 0x0F0F0F0Fu;
        if constexpr (T == kQ5_K) {
            const uint4* qh = reinterpret_cast<const uint4*>(b + 16);
            uint32_t h[8];
            words_of(__ldg(qh), h), words_of(__ldg(qh + 1), h + 4);
#pragma unroll
            for (int i = 0; i < 8; ++i) w[i] |= ((h[i] >> j) & 0x01010101u) << 4;
        }
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const XView x = x_view(xs[m * units + u]);
            acc[m] += x.d * (d * float(dp8(w, x.q)) - dm * float(x.s0 + x.s1));
        }
    } else if constexpr (T == kQ6_K) {
        const uint8_t* b = row + 210 * (u >> 3);
        const int j = u & 7, h = j >> 2, k = j & 3; // half of the super-block, run within it
        uint32_t lo[8], hi[8];
        load8_a2(b + 64 * h + 32 * (k & 1), lo);
        load8_a2(b + 128 + 32 * h, hi);
        const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192) + 8 * h + 2 * k;
        const float d = h2f(ld16(b + 208));
        const float d0 = d * float(sc[0]), d1 = d * float(sc[1]);
        const int lshift = (k >> 1) * 4, hshift = 2 * k;
        uint32_t w[8];
#pragma unroll
        for (int i = 0; i < 8; ++i)
            w[i] = ((lo[i] >> lshift) & 0x0F0F0F0Fu) | (((hi[i] >> hshift) & 0x03030303u) << 4);
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const XView x = x_view(xs[m * units + u]);
            int i0 = 0, i1 = 0;
#pragma unroll
            for (int i = 0; i < 4; ++i) i0 = __dp4a(int(w[i]), x.q[i], i0);
#pragma unroll
            for (int i = 4; i < 8; ++i) i1 = __dp4a(int(w[i]), x.q[i], i1);
            acc[m] += x.d * (d0 * float(i0 - 32 * x.s0) + d1 * float(i1 - 32 * x.s1));
        }
    }
}

// The float path (F32 / F16 / BF16 weights): unpacked unit times the staged float rows.
template <uint32_t T, int NB>
__device__ __forceinline__ void dot_unit_f(const uint8_t* __restrict__ row, int u,
                                           const float* __restrict__ xs, int units,
                                           float (&acc)[NB]) {
    float v[32];
    unit_values<T>(row, u, v);
#pragma unroll
    for (int m = 0; m < NB; ++m) {
        const float* xp = xs + (m * units + u) * kFloatPad;
        float s = 0.f;
#pragma unroll
        for (int i = 0; i < 32; ++i) s += v[i] * xp[i];
        acc[m] += s;
    }
}

// Row r of each of the NB outputs: the warp's partial sums reduced, the bias and the residual
// (accumulate) added in the store.
template <int NB>
__device__ __forceinline__ void store_row(const float (&acc)[NB], int lane, int64_t r,
                                          float* __restrict__ Y, int64_t ldy,
                                          const float* __restrict__ bias, int accumulate) {
#pragma unroll
    for (int m = 0; m < NB; ++m) {
        const float s = warp_sum(acc[m]);
        if (lane == 0) {
            float out = s + (bias ? bias[r] : 0.f);
            float* y = Y + m * ldy + r;
            *y = accumulate ? *y + out : out;
        }
    }
}

} // namespace rwb::cuda
