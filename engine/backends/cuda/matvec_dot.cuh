// Dot products of one 32-element weight unit, packed as the file stores it, with the staged
// 8-bit activations of up to NB rows (matvec_stage.cuh). The weights' integer parts are put
// together four to a word in the activations' byte order and multiplied with dp4a; the scales,
// mins and offsets are applied once per unit (or half-unit) from the unit's sums. Each unit's
// weights are loaded once for all NB rows. For the K-quants a lane's "unit" u is a slot of the
// packed quants that no other lane loads (with a unit per lane, two lanes read each 32-byte run
// of nibbles and ncu showed the kernel waiting on those L1 loads at a third of the DRAM
// bandwidth): 32 bytes (two whole units) for Q4_K / Q5_K, 16 bytes (halves of two) for Q6_K.
#pragma once

#include "matvec_stage.cuh"
#include "quant_units.cuh"

namespace rwb::cuda {

// N 32-bit words at a 2-byte aligned address (Q8_0's 32 bytes of quants, Q4_0's 16, Q6_K's
// slices): aligned loads, then funnel shifts; the last load is 16 bits wide, so nothing past
// p + 4N is read.
template <int N>
__device__ __forceinline__ void load_a2(const uint8_t* p, uint32_t (&w)[N]) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    const uint32_t* ap = reinterpret_cast<const uint32_t*>(a & ~uintptr_t(3));
    const unsigned sh = unsigned(a & 2) * 8;
    uint32_t raw[N + 1];
#pragma unroll
    for (int i = 0; i < N; ++i) raw[i] = __ldg(ap + i);
    raw[N] = sh ? uint32_t(__ldg(reinterpret_cast<const uint16_t*>(ap + N))) : 0u;
#pragma unroll
    for (int i = 0; i < N; ++i) w[i] = __funnelshift_r(raw[i], raw[i + 1], sh);
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

// Half h (values 16h .. 16h+15) of a staged unit: its quants as four words, scale and sum.
struct HalfView {
    int q[4];
    float d;
    int s;
};
__device__ __forceinline__ HalfView half_view(const XUnit& x, int h) {
    const int4* p = reinterpret_cast<const int4*>(&x);
    const int4 a = p[h], c = p[2];
    return {{a.x, a.y, a.z, a.w}, __int_as_float(c.x), h ? c.z : c.y};
}

__device__ __forceinline__ int dp4(const uint32_t (&w)[4], const int (&q)[4]) {
    int s = 0;
#pragma unroll
    for (int i = 0; i < 4; ++i) s = __dp4a(int(w[i]), q[i], s);
    return s;
}

// Units of a row one slot of dot_unit_q8 covers: Q4_K / Q5_K lanes take 32-byte slots (two
// whole units), the others one unit.
template <uint32_t T>
__host__ __device__ constexpr int slot_units() {
    return T == kQ4_K || T == kQ5_K ? 2 : 1;
}

template <uint32_t T, int NB>
__device__ __forceinline__ void dot_unit_q8(const uint8_t* __restrict__ row, int u,
                                            const XUnit* __restrict__ xs, int units,
                                            float (&acc)[NB]) {
    if constexpr (T == kQ8_0) {
        const uint8_t* b = row + 34 * u;
        const float dw = h2f(ld16(b));
        uint32_t w[8];
        load_a2<8>(b + 2, w);
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const XView x = x_view(xs[m * units + u]);
            acc[m] += dw * x.d * float(dp8(w, x.q));
        }
    } else if constexpr (T == kQ4_0) {
        const uint8_t* b = row + 18 * u;
        const float dw = h2f(ld16(b));
        uint32_t raw[4], w[8];
        load_a2<4>(b + 2, raw);
#pragma unroll
        for (int i = 0; i < 4; ++i)
            w[i] = raw[i] & 0x0F0F0F0Fu, w[4 + i] = (raw[i] >> 4) & 0x0F0F0F0Fu;
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const XView x = x_view(xs[m * units + u]);
            acc[m] += dw * x.d * float(dp8(w, x.q) - 8 * (x.s0 + x.s1));
        }
    } else if constexpr (T == kQ4_K || T == kQ5_K) {
        // Slot u: 32-byte chunk g (of 4) of super-block u / 4's quants, whose low nibbles are
        // the 32 values of unit 2g and high nibbles those of unit 2g+1 (with Q5_K's fifth bits:
        // bits 2g and 2g+1 of the 32 qh bytes). The scales, the header load and the float
        // arithmetic are per 64 values, half as often as with 16-byte slots.
        constexpr int kBlock = T == kQ4_K ? 144 : 176, kQs = T == kQ4_K ? 16 : 48;
        const uint8_t* b = row + kBlock * (u >> 2);
        const int g = u & 3;
        const uint4 head = __ldg(reinterpret_cast<const uint4*>(b)); // d, dmin, scales[12]
        float sa, ma, sb, mb;
        if constexpr (NB <= 2) { // from registers: no local-memory round trip per slot
            scale_min_k4(2 * g, head, sa, ma);
            scale_min_k4(2 * g + 1, head, sb, mb);
        } else { // from the bytes: more rows spill with the header held in registers too
            const uint8_t* scales = reinterpret_cast<const uint8_t*>(&head) + 4;
            scale_min_k4(2 * g, scales, sa, ma);
            scale_min_k4(2 * g + 1, scales, sb, mb);
        }
        const float d = h2f(uint16_t(head.x & 0xffff)), dmin = h2f(uint16_t(head.x >> 16));
        uint32_t w[8], lo[8], hi[8];
        const uint4* q = reinterpret_cast<const uint4*>(b + kQs + 32 * g);
        words_of(__ldg(q), w);
        words_of(__ldg(q + 1), w + 4);
#pragma unroll
        for (int i = 0; i < 8; ++i) lo[i] = w[i] & 0x0F0F0F0Fu, hi[i] = (w[i] >> 4) & 0x0F0F0F0Fu;
        if constexpr (T == kQ5_K) {
            uint32_t q5[8];
            words_of(__ldg(reinterpret_cast<const uint4*>(b + 16)), q5);
            words_of(__ldg(reinterpret_cast<const uint4*>(b + 32)), q5 + 4);
#pragma unroll
            for (int i = 0; i < 8; ++i) {
                lo[i] |= ((q5[i] >> (2 * g)) & 0x01010101u) << 4;
                hi[i] |= ((q5[i] >> (2 * g + 1)) & 0x01010101u) << 4;
            }
        }
        const int ua = 8 * (u >> 2) + 2 * g;
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const XView xa = x_view(xs[m * units + ua]);
            const XView xb = x_view(xs[m * units + ua + 1]);
            acc[m] += xa.d * (d * sa * float(dp8(lo, xa.q)) - dmin * ma * float(xa.s0 + xa.s1)) +
                      xb.d * (d * sb * float(dp8(hi, xb.q)) - dmin * mb * float(xb.s0 + xb.s1));
        }
    } else if constexpr (T == kQ6_K) {
        // Slot j: half hh of the super-block, 16-byte chunk c of that half's 64 bytes of low
        // quants. Its low nibbles are 16 values of run c/2, its high nibbles the same positions of
        // run c/2 + 2; their two high bits sit in the same 16 bytes of qh at shifts 2(c/2) and
        // 2(c/2) + 4.
        const uint8_t* b = row + 210 * (u >> 3);
        const int j = u & 7, hh = j >> 2, c = j & 3, k = c >> 1, l0 = 16 * (c & 1);
        uint32_t ql[4], qh[4];
        load_a2<4>(b + 64 * hh + 16 * c, ql);
        load_a2<4>(b + 128 + 32 * hh + l0, qh);
        const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192) + 8 * hh;
        const float d = h2f(ld16(b + 208));
        const float dl = d * float(sc[2 * k + (c & 1)]), dh = d * float(sc[2 * k + 4 + (c & 1)]);
        uint32_t lo[4], hi[4];
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            lo[i] = (ql[i] & 0x0F0F0F0Fu) | (((qh[i] >> (2 * k)) & 0x03030303u) << 4);
            hi[i] = ((ql[i] >> 4) & 0x0F0F0F0Fu) | (((qh[i] >> (2 * k + 4)) & 0x03030303u) << 4);
        }
        const int ul = (u & ~7) + 4 * hh + k; // the x units of the low and high values
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const HalfView xl = half_view(xs[m * units + ul], c & 1);
            const HalfView xh = half_view(xs[m * units + ul + 2], c & 1);
            acc[m] += xl.d * dl * float(dp4(lo, xl.q) - 32 * xl.s) +
                      xh.d * dh * float(dp4(hi, xh.q) - 32 * xh.s);
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
