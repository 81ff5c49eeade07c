// AVX-512 (F, BW, VL, VNNI) kernels: Q4_K, Q5_K, Q6_K with 64-byte vectors (maddubs, then
// vpdpwssd applies the sub-block scales and accumulates in one step) and the float types with
// 16-lane FMA, Q8_0 with vpdpbusd two blocks at a time. Q4_0 and the activation quantizers keep
// their AVX2 versions. Same structure as the AVX2 kernels: each
// activation row of a tile has its own accumulators, so tiling never changes the bits.
#include "backends/cpu/kernels_avx2_util.h"
#include "quant/block_layouts.h"
#include "quant/fp16.h"
#include "quant/quant.h"

#include <cstddef>

namespace rwb::cpu::detail {
namespace avx512 {
namespace {

using avx2::load_float;
using avx2::tiled;
using quant::BlockQ6_K;
using quant::BlockQ8_K;
using quant::QK_K;

inline __m512i load512(const void* p) {
    return _mm512_loadu_si512(p);
}

inline const uint8_t* q8k_block(const void* a, size_t a_stride, int j, int64_t b) {
    return static_cast<const uint8_t*>(a) + size_t(j) * a_stride + size_t(b) * sizeof(BlockQ8_K);
}
inline const int8_t* q8k_qs(const uint8_t* blk) {
    return reinterpret_cast<const int8_t*>(blk + offsetof(BlockQ8_K, qs));
}
inline const uint8_t* q8k_bsums(const uint8_t* blk) {
    return blk + offsetof(BlockQ8_K, bsums);
}
inline float q8k_d(const uint8_t* blk) {
    return load_float(blk + offsetof(BlockQ8_K, d));
}

inline float half_at(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

// [lo x16 | hi x16] as int16
inline __m512i scale_pair(int lo, int hi) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(int16_t(lo))),
                              _mm256_set1_epi16(int16_t(hi)), 1);
}

template <int NM, bool kFiveBits>
inline void q45_K(int64_t n, const uint8_t* blocks, size_t block_bytes, const void* a,
                  size_t a_stride, float* y, int64_t ldy) {
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    const __m512i bit4 = _mm512_set1_epi8(0x10);
    __m512i pair_index[4]; // int16 lanes 0-15 take scale 2p, lanes 16-31 scale 2p+1
    for (int p = 0; p < 4; ++p) pair_index[p] = scale_pair(2 * p, 2 * p + 1);
    __m512 acc[NM];
    for (int j = 0; j < NM; ++j) acc[j] = _mm512_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; ++b) {
        const uint8_t* blk = blocks + size_t(b) * block_bytes;
        const uint8_t* qh = blk + 4 + quant::K_SCALE_SIZE;
        const uint8_t* qs = kFiveBits ? qh + QK_K / 8 : qh;
        uint8_t sc[8], mn[8];
        avx2::unpack_scales_mins_k4(blk + 4, sc, mn);
        // w[p]: sub-blocks 2p and 2p+1 (64 values in order), as unsigned levels
        __m512i w[4];
        for (int half = 0; half < 2; ++half) {
            const __m512i z = load512(qs + 64 * half);
            const __m512i lo = _mm512_and_si512(z, low4);                       // [2c | 2c+2]
            const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(z, 4), low4); // [2c+1 | 2c+3]
            w[2 * half] = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(1, 0, 1, 0));
            w[2 * half + 1] = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(3, 2, 3, 2));
        }
        if constexpr (kFiveBits) {
            const __m512i hbits = _mm512_broadcast_i64x4(avx2::load256(qh));
            for (int p = 0; p < 4; ++p) {
                const __m512i sel =
                    _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi8(char(1 << (2 * p)))),
                                       _mm256_set1_epi8(char(1 << (2 * p + 1))), 1);
                const __mmask64 set = _mm512_test_epi8_mask(hbits, sel);
                w[p] = _mm512_mask_add_epi8(w[p], set, w[p], bit4);
            }
        }
        const __m512i sc16 = _mm512_castsi128_si512(
            _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(sc))));
        __m512i s[4];
        for (int p = 0; p < 4; ++p) s[p] = _mm512_permutexvar_epi16(pair_index[p], sc16);

        const float d = half_at(blk);
        const float dmin = half_at(blk + 2);
        const __m128i mins =
            _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(mn)));
        for (int j = 0; j < NM; ++j) {
            const uint8_t* ab = q8k_block(a, a_stride, j, b);
            const int8_t* aq = q8k_qs(ab);
            __m512i isum = _mm512_setzero_si512();
            for (int p = 0; p < 4; ++p)
                isum = _mm512_dpwssd_epi32(isum, _mm512_maddubs_epi16(w[p], load512(aq + 64 * p)),
                                           s[p]);
            const uint8_t* bs = q8k_bsums(ab);
            const __m128i pair =
                _mm_hadd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bs)),
                               _mm_loadu_si128(reinterpret_cast<const __m128i*>(bs + 16)));
            const __m128i msum = _mm_madd_epi16(mins, pair);
            const float ad = q8k_d(ab);
            acc[j] = _mm512_fmadd_ps(_mm512_set1_ps(d * ad), _mm512_cvtepi32_ps(isum), acc[j]);
            acc[j] = _mm512_fnmadd_ps(_mm512_set1_ps(dmin * ad),
                                      _mm512_cvtepi32_ps(_mm512_zextsi128_si512(msum)), acc[j]);
        }
    }
    for (int j = 0; j < NM; ++j) y[j * ldy] = _mm512_reduce_add_ps(acc[j]);
}

template <int NM>
struct Q4K {
    static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
        q45_K<NM, false>(n, static_cast<const uint8_t*>(w), sizeof(quant::BlockQ4_K), a, as, y,
                         ldy);
    }
};
template <int NM>
struct Q5K {
    static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
        q45_K<NM, true>(n, static_cast<const uint8_t*>(w), sizeof(quant::BlockQ5_K), a, as, y, ldy);
    }
};

// int16 lane l of the result = scales[base + l / 8]: four 16-value sub-blocks per 64 values.
inline __m512i q6_scales(__m256i sc16, int base) {
    alignas(64) int16_t idx[32];
    for (int l = 0; l < 32; ++l) idx[l] = int16_t(base + l / 8);
    return _mm512_permutexvar_epi16(_mm512_load_si512(idx), _mm512_castsi256_si512(sc16));
}

template <int NM>
struct Q6K {
    static void run(int64_t n, const void* wv, const void* a, size_t a_stride, float* y,
                    int64_t ldy) {
        const auto* blocks = static_cast<const BlockQ6_K*>(wv);
        const __m512i low4 = _mm512_set1_epi8(0x0F);
        const __m512i bits45 = _mm512_set1_epi8(0x30);
        // high bits of value l+32k sit at qh bits 2k..2k+1: shifts for k = 0,1 and k = 2,3
        const __m512i left01 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(4)),
                                                  _mm256_set1_epi16(2), 1);
        const __m512i right23 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(0)),
                                                   _mm256_set1_epi16(2), 1);
        __m512 acc[NM];
        for (int j = 0; j < NM; ++j) acc[j] = _mm512_setzero_ps();
        for (int64_t b = 0; b < n / QK_K; ++b) {
            const BlockQ6_K& blk = blocks[b];
            const __m256i sc16 =
                _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.scales)));
            __m512i w[4], s[4];
            for (int h = 0; h < 2; ++h) {
                const __m512i L = load512(blk.ql + 64 * h);
                const __m512i H = _mm512_broadcast_i64x4(avx2::load256(blk.qh + 32 * h));
                w[2 * h] = _mm512_or_si512(_mm512_and_si512(L, low4),
                                           _mm512_and_si512(_mm512_sllv_epi16(H, left01), bits45));
                w[2 * h + 1] =
                    _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(L, 4), low4),
                                    _mm512_and_si512(_mm512_srlv_epi16(H, right23), bits45));
                s[2 * h] = q6_scales(sc16, 8 * h);
                s[2 * h + 1] = q6_scales(sc16, 8 * h + 4);
            }
            const float d =
                half_at(reinterpret_cast<const uint8_t*>(&blk) + offsetof(BlockQ6_K, d));
            for (int j = 0; j < NM; ++j) {
                const uint8_t* ab = q8k_block(a, a_stride, j, b);
                const int8_t* aq = q8k_qs(ab);
                __m512i isum = _mm512_setzero_si512();
                for (int p = 0; p < 4; ++p)
                    isum = _mm512_dpwssd_epi32(
                        isum, _mm512_maddubs_epi16(w[p], load512(aq + 64 * p)), s[p]);
                const __m256i offset = _mm256_madd_epi16(sc16, avx2::load256(q8k_bsums(ab)));
                isum = _mm512_sub_epi32(isum, _mm512_zextsi256_si512(_mm256_slli_epi32(offset, 5)));
                acc[j] = _mm512_fmadd_ps(_mm512_set1_ps(d * q8k_d(ab)), _mm512_cvtepi32_ps(isum),
                                         acc[j]);
            }
        }
        for (int j = 0; j < NM; ++j) y[j * ldy] = _mm512_reduce_add_ps(acc[j]);
    }
};

// Q8_0 weights, Q8_0 activations: two 32-value blocks per 64-byte vector. vpdpbusd multiplies
// unsigned by signed bytes, so |w| is the unsigned side and a takes w's sign (masked negate).
// An odd last block goes through the same steps in the lower half with the upper half zero.
template <int NM>
struct Q80 {
    static void run(int64_t n, const void* wv, const void* a, size_t a_stride, float* y,
                    int64_t ldy) {
        const auto* w = static_cast<const quant::BlockQ8_0*>(wv);
        const int64_t nb = n / quant::QK8_0;
        const __m512i zero = _mm512_setzero_si512();
        const quant::BlockQ8_0* rows[NM];
        __m512 acc[NM];
        for (int j = 0; j < NM; ++j) {
            rows[j] = reinterpret_cast<const quant::BlockQ8_0*>(static_cast<const uint8_t*>(a) +
                                                                size_t(j) * a_stride);
            acc[j] = _mm512_setzero_ps();
        }
        for (int64_t b = 0; b < nb; b += 2) {
            const bool pair = b + 1 < nb;
            const __m256i w1 = pair ? avx2::load256(w[b + 1].qs) : _mm256_setzero_si256();
            const __m512i wq =
                _mm512_inserti64x4(_mm512_castsi256_si512(avx2::load256(w[b].qs)), w1, 1);
            const __m512i wabs = _mm512_abs_epi8(wq);
            const __mmask64 negative = _mm512_movepi8_mask(wq);
            const float dw0 = half_at(reinterpret_cast<const uint8_t*>(&w[b]));
            const float dw1 = pair ? half_at(reinterpret_cast<const uint8_t*>(&w[b + 1])) : 0.f;
            for (int j = 0; j < NM; ++j) {
                const quant::BlockQ8_0* ab = rows[j] + b;
                const __m256i a1 = pair ? avx2::load256(ab[1].qs) : _mm256_setzero_si256();
                const __m512i aq =
                    _mm512_inserti64x4(_mm512_castsi256_si512(avx2::load256(ab[0].qs)), a1, 1);
                const __m512i signed_a = _mm512_mask_sub_epi8(aq, negative, zero, aq);
                const __m512i p = _mm512_dpbusd_epi32(zero, wabs, signed_a);
                const float s0 = dw0 * half_at(reinterpret_cast<const uint8_t*>(&ab[0]));
                const float s1 =
                    pair ? dw1 * half_at(reinterpret_cast<const uint8_t*>(&ab[1])) : 0.f;
                const __m512 scale = _mm512_castpd_ps(
                    _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(_mm256_set1_ps(s0))),
                                       _mm256_castps_pd(_mm256_set1_ps(s1)), 1));
                acc[j] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(p), acc[j]);
            }
        }
        for (int j = 0; j < NM; ++j) y[j * ldy] = _mm512_reduce_add_ps(acc[j]);
    }
};

struct LoadF32 {
    static __m512 load16(const void* w, int64_t k) {
        return _mm512_loadu_ps(static_cast<const float*>(w) + k);
    }
    static float one(const void* w, int64_t k) { return static_cast<const float*>(w)[k]; }
};
struct LoadF16 {
    static __m512 load16(const void* w, int64_t k) {
        return _mm512_cvtph_ps(avx2::load256(static_cast<const uint16_t*>(w) + k));
    }
    static float one(const void* w, int64_t k) {
        return _cvtsh_ss(static_cast<const uint16_t*>(w)[k]);
    }
};
struct LoadBF16 {
    static __m512 load16(const void* w, int64_t k) {
        const __m256i h = avx2::load256(static_cast<const uint16_t*>(w) + k);
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    }
    static float one(const void* w, int64_t k) {
        return quant::bf16_to_fp32(static_cast<const uint16_t*>(w)[k]);
    }
};

template <typename Load>
struct FloatDot {
    template <int NM>
    struct K {
        static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
            const float* x[NM];
            __m512 acc0[NM], acc1[NM];
            for (int j = 0; j < NM; ++j) {
                x[j] = reinterpret_cast<const float*>(static_cast<const uint8_t*>(a) + j * as);
                acc0[j] = _mm512_setzero_ps();
                acc1[j] = _mm512_setzero_ps();
            }
            int64_t k = 0;
            for (; k + 32 <= n; k += 32) {
                const __m512 w0 = Load::load16(w, k);
                const __m512 w1 = Load::load16(w, k + 16);
                for (int j = 0; j < NM; ++j) {
                    acc0[j] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x[j] + k), acc0[j]);
                    acc1[j] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x[j] + k + 16), acc1[j]);
                }
            }
            for (int j = 0; j < NM; ++j) {
                float s = _mm512_reduce_add_ps(_mm512_add_ps(acc0[j], acc1[j]));
                for (int64_t t = k; t < n; ++t) s += Load::one(w, t) * x[j][t];
                y[j * ldy] = s;
            }
        }
    };
};

template <int NM>
using F32K = FloatDot<LoadF32>::K<NM>;
template <int NM>
using F16K = FloatDot<LoadF16>::K<NM>;
template <int NM>
using BF16K = FloatDot<LoadBF16>::K<NM>;

} // namespace
} // namespace avx512

const KernelTable& avx512_kernels() {
    static const KernelTable table = [] {
        KernelTable t = avx2_kernels();
        t.isa = "avx512";
        t.f32 = avx2::tiled<avx512::F32K>;
        t.f16 = avx2::tiled<avx512::F16K>;
        t.bf16 = avx2::tiled<avx512::BF16K>;
        t.q8_0 = avx2::tiled<avx512::Q80>;
        t.q4_K = avx2::tiled<avx512::Q4K>;
        t.q5_K = avx2::tiled<avx512::Q5K>;
        t.q6_K = avx2::tiled<avx512::Q6K>;
        return t;
    }();
    return table;
}

} // namespace rwb::cpu::detail
