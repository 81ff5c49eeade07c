// AVX2 kernels for the K-quants (Q4_K, Q5_K, Q6_K) against Q8_K activations. Weights are unpacked
// to unsigned bytes once per 32 values and multiplied with maddubs (u8 x s8 -> s16 pairs, no
// overflow: 2*63*127 < 32767), scaled per sub-block with madd (-> s32), kept as integers for the
// whole 256-value super-block, then scaled by d * d_a in float. Each activation row of the tile has
// its own accumulators and sees exactly the same operations, so tiling never changes the bits.
#include "backends/cpu/kernels_avx2_util.h"
#include "quant/block_layouts.h"
#include "quant/quant.h"

#include <cstddef>

namespace rwb::cpu::detail::avx2 {
namespace {

using quant::BlockQ4_K;
using quant::BlockQ5_K;
using quant::BlockQ6_K;
using quant::BlockQ8_K;
using quant::QK_K;

struct Q8KRow {
    const uint8_t* base; // the activation row's first block
    const uint8_t* block(int64_t b) const { return base + size_t(b) * sizeof(BlockQ8_K); }
    static const int8_t* qs(const uint8_t* blk) {
        return reinterpret_cast<const int8_t*>(blk + offsetof(BlockQ8_K, qs));
    }
    static const uint8_t* bsums(const uint8_t* blk) { return blk + offsetof(BlockQ8_K, bsums); }
    static float d(const uint8_t* blk) { return load_float(blk + offsetof(BlockQ8_K, d)); }
};

// sum over the 8 sub-blocks of min_j * (sum of the 32 activations of sub-block j), 4 int32 lanes
inline __m128i mins_times_sums(const uint8_t mins[8], const uint8_t* bsums) {
    const __m128i m = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(mins)));
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bsums));
    const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bsums + 16));
    return _mm_madd_epi16(m, _mm_hadd_epi16(lo, hi));
}

// Q4_K and Q5_K share everything but the fifth bit.
template <int NM, bool kFiveBits>
inline void q45_K(int64_t n, const uint8_t* blocks, size_t block_bytes, const void* a,
                  size_t a_stride, float* y, int64_t ldy) {
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    const __m256i bit4 = _mm256_set1_epi8(0x10);
    Q8KRow rows[NM];
    __m256 acc[NM];
    for (int j = 0; j < NM; ++j) {
        rows[j].base = static_cast<const uint8_t*>(a) + size_t(j) * a_stride;
        acc[j] = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < n / QK_K; ++b) {
        const uint8_t* blk = blocks + size_t(b) * block_bytes;
        uint16_t dbits, mbits;
        std::memcpy(&dbits, blk, 2);
        std::memcpy(&mbits, blk + 2, 2);
        const uint8_t* packed_scales = blk + 4;
        const uint8_t* qh = blk + 4 + quant::K_SCALE_SIZE;
        const uint8_t* qs = kFiveBits ? qh + QK_K / 8 : qh;
        uint8_t sc[8], mn[8];
        unpack_scales_mins_k4(packed_scales, sc, mn);
        const __m256i high_bits = kFiveBits ? load256(qh) : _mm256_setzero_si256();

        __m256i isum[NM];
        for (int j = 0; j < NM; ++j) isum[j] = _mm256_setzero_si256();
        for (int c = 0; c < 4; ++c) {
            const __m256i q = load256(qs + 32 * c);
            __m256i qlo = _mm256_and_si256(q, low4);
            __m256i qhi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            if constexpr (kFiveBits) {
                const __m256i blo = _mm256_set1_epi8(char(1 << (2 * c)));
                const __m256i bhi = _mm256_set1_epi8(char(1 << (2 * c + 1)));
                qlo = _mm256_or_si256(
                    qlo, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(high_bits, blo), blo),
                                          bit4));
                qhi = _mm256_or_si256(
                    qhi, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(high_bits, bhi), bhi),
                                          bit4));
            }
            const __m256i slo = _mm256_set1_epi16(sc[2 * c]);
            const __m256i shi = _mm256_set1_epi16(sc[2 * c + 1]);
            for (int j = 0; j < NM; ++j) {
                const int8_t* aq = Q8KRow::qs(rows[j].block(b)) + 64 * c;
                const __m256i plo = _mm256_madd_epi16(_mm256_maddubs_epi16(qlo, load256(aq)), slo);
                const __m256i phi =
                    _mm256_madd_epi16(_mm256_maddubs_epi16(qhi, load256(aq + 32)), shi);
                isum[j] = _mm256_add_epi32(isum[j], _mm256_add_epi32(plo, phi));
            }
        }
        const float d = half_to_float(dbits);
        const float dmin = half_to_float(mbits);
        for (int j = 0; j < NM; ++j) {
            const uint8_t* ab = rows[j].block(b);
            const float ad = Q8KRow::d(ab);
            const __m128i msum = mins_times_sums(mn, Q8KRow::bsums(ab));
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * ad), _mm256_cvtepi32_ps(isum[j]), acc[j]);
            acc[j] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * ad),
                                      _mm256_cvtepi32_ps(_mm256_zextsi128_si256(msum)), acc[j]);
        }
    }
    for (int j = 0; j < NM; ++j) y[j * ldy] = hsum(acc[j]);
}

template <int NM>
struct Q4K {
    static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
        q45_K<NM, false>(n, static_cast<const uint8_t*>(w), sizeof(BlockQ4_K), a, as, y, ldy);
    }
};
template <int NM>
struct Q5K {
    static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
        q45_K<NM, true>(n, static_cast<const uint8_t*>(w), sizeof(BlockQ5_K), a, as, y, ldy);
    }
};

// Q6_K: levels 0..63 with an implicit -32, taken out afterwards as 32 * sum(scale * bsum).
template <int NM>
struct Q6K {
    static void run(int64_t n, const void* w, const void* a, size_t a_stride, float* y,
                    int64_t ldy) {
        const auto* blocks = static_cast<const BlockQ6_K*>(w);
        const __m256i low4 = _mm256_set1_epi8(0x0F);
        const __m256i bits45 = _mm256_set1_epi8(0x30);
        Q8KRow rows[NM];
        __m256 acc[NM];
        for (int j = 0; j < NM; ++j) {
            rows[j].base = static_cast<const uint8_t*>(a) + size_t(j) * a_stride;
            acc[j] = _mm256_setzero_ps();
        }
        for (int64_t b = 0; b < n / QK_K; ++b) {
            const BlockQ6_K& blk = blocks[b];
            __m256i isum[NM];
            for (int j = 0; j < NM; ++j) isum[j] = _mm256_setzero_si256();
            for (int h = 0; h < 2; ++h) {
                const __m256i ql0 = load256(blk.ql + 64 * h);
                const __m256i ql1 = load256(blk.ql + 64 * h + 32);
                const __m256i qh = load256(blk.qh + 32 * h);
                __m256i q[4];
                q[0] = _mm256_or_si256(_mm256_and_si256(ql0, low4),
                                       _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45));
                q[1] = _mm256_or_si256(_mm256_and_si256(ql1, low4),
                                       _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45));
                q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                                       _mm256_and_si256(qh, bits45));
                q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                                       _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45));
                const int8_t* sc = blk.scales + 8 * h;
                for (int k = 0; k < 4; ++k) {
                    const __m256i s =
                        _mm256_set_m128i(_mm_set1_epi16(sc[2 * k + 1]), _mm_set1_epi16(sc[2 * k]));
                    for (int j = 0; j < NM; ++j) {
                        const int8_t* aq = Q8KRow::qs(rows[j].block(b)) + 128 * h + 32 * k;
                        isum[j] = _mm256_add_epi32(
                            isum[j], _mm256_madd_epi16(_mm256_maddubs_epi16(q[k], load256(aq)), s));
                    }
                }
            }
            const __m256i sc16 =
                _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.scales)));
            uint16_t dbits;
            std::memcpy(&dbits, reinterpret_cast<const uint8_t*>(&blk) + offsetof(BlockQ6_K, d), 2);
            const float d = half_to_float(dbits);
            for (int j = 0; j < NM; ++j) {
                const uint8_t* ab = rows[j].block(b);
                const __m256i offset = _mm256_madd_epi16(sc16, load256(Q8KRow::bsums(ab)));
                const __m256i total = _mm256_sub_epi32(isum[j], _mm256_slli_epi32(offset, 5));
                acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * Q8KRow::d(ab)),
                                         _mm256_cvtepi32_ps(total), acc[j]);
            }
        }
        for (int j = 0; j < NM; ++j) y[j * ldy] = hsum(acc[j]);
    }
};

} // namespace

void dot_q4_K(int64_t n, const void* w, const void* a, size_t as, int nm, float* y, int64_t ldy) {
    tiled<Q4K>(n, w, a, as, nm, y, ldy);
}
void dot_q5_K(int64_t n, const void* w, const void* a, size_t as, int nm, float* y, int64_t ldy) {
    tiled<Q5K>(n, w, a, as, nm, y, ldy);
}
void dot_q6_K(int64_t n, const void* w, const void* a, size_t as, int nm, float* y, int64_t ldy) {
    tiled<Q6K>(n, w, a, as, nm, y, ldy);
}

} // namespace rwb::cpu::detail::avx2
