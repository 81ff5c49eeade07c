// AVX2 activation quantizers, bit-identical to the quant layer's references (tests compare bytes):
// Q8_0 rounds x * (1/d) half away from zero like std::round, Q8_K rounds to nearest even like
// the reference's nearest_int (cvtps_epi32 in the default rounding mode), and both pick their
// scale from exactly the same float operations.
#include "backends/cpu/kernels_avx2_util.h"
#include "quant/block_layouts.h"

#include <cstddef>

namespace rwb::cpu::detail::avx2 {
namespace {

using quant::BlockQ8_0;
using quant::BlockQ8_K;

inline __m256 abs8(__m256 v) {
    return _mm256_andnot_ps(_mm256_set1_ps(-0.f), v);
}

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

// 32 int32 (four vectors, values within int8) -> 32 int8 in order.
inline __m256i pack32(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i ab = _mm256_packs_epi32(a, b);
    const __m256i cd = _mm256_packs_epi32(c, d);
    const __m256i bytes = _mm256_packs_epi16(ab, cd);
    return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// std::round: truncate, then step away from zero when the dropped fraction is >= 0.5 (v - trunc(v)
// is exact for these magnitudes).
inline __m256i round_half_away(__m256 v) {
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 away = _mm256_cmp_ps(abs8(_mm256_sub_ps(v, t)), _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    const __m256 one = _mm256_or_ps(_mm256_set1_ps(1.f), _mm256_and_ps(v, _mm256_set1_ps(-0.f)));
    return _mm256_cvttps_epi32(_mm256_add_ps(t, _mm256_and_ps(away, one)));
}

inline int hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

inline int16_t sum16(__m128i bytes) {
    return int16_t(
        hsum_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(bytes), _mm256_set1_epi16(1))));
}

} // namespace

void quantize_q8_0(const float* x, void* yv, int64_t n) {
    auto* y = static_cast<BlockQ8_0*>(yv);
    for (int64_t b = 0; b < n / quant::QK8_0; ++b, x += quant::QK8_0) {
        __m256 v[4];
        __m256 vmax = _mm256_setzero_ps();
        for (int i = 0; i < 4; ++i) {
            v[i] = _mm256_loadu_ps(x + 8 * i);
            vmax = _mm256_max_ps(vmax, abs8(v[i]));
        }
        const float amax = hmax(vmax);
        const float d = amax / 127;
        const float id = d ? 1.0f / d : 0.0f;
        const uint16_t dh = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
        std::memcpy(&y[b].d, &dh, 2);
        const __m256 vid = _mm256_set1_ps(id);
        const __m256i q = pack32(
            round_half_away(_mm256_mul_ps(v[0], vid)), round_half_away(_mm256_mul_ps(v[1], vid)),
            round_half_away(_mm256_mul_ps(v[2], vid)), round_half_away(_mm256_mul_ps(v[3], vid)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[b].qs), q);
    }
}

void quantize_q8_K(const float* x, void* yv, int64_t n) {
    auto* out = static_cast<uint8_t*>(yv);
    for (int64_t b = 0; b < n / quant::QK_K; ++b, x += quant::QK_K) {
        uint8_t* blk = out + size_t(b) * sizeof(BlockQ8_K);
        auto* qs = reinterpret_cast<int8_t*>(blk + offsetof(BlockQ8_K, qs));
        auto* bsums = blk + offsetof(BlockQ8_K, bsums);
        __m256 vmax = _mm256_setzero_ps();
        for (int i = 0; i < 32; ++i) vmax = _mm256_max_ps(vmax, abs8(_mm256_loadu_ps(x + 8 * i)));
        const float amax = hmax(vmax);
        if (!amax) {
            std::memset(blk, 0, sizeof(BlockQ8_K));
            continue;
        }
        // the reference keeps the first element of largest magnitude (its sign sets the scale's)
        float peak = 0;
        for (int i = 0; i < 32; ++i) {
            const int hits = _mm256_movemask_ps(
                _mm256_cmp_ps(abs8(_mm256_loadu_ps(x + 8 * i)), _mm256_set1_ps(amax), _CMP_EQ_OQ));
            if (hits) {
                peak = x[8 * i + __builtin_ctz(unsigned(hits))];
                break;
            }
        }
        const float iscale = -127.f / peak;
        const __m256 vs = _mm256_set1_ps(iscale);
        const __m256i top = _mm256_set1_epi32(127);
        for (int g = 0; g < 8; ++g) { // 32 values at a time
            __m256i i32[4];
            for (int i = 0; i < 4; ++i)
                i32[i] = _mm256_min_epi32(
                    _mm256_cvtps_epi32(_mm256_mul_ps(vs, _mm256_loadu_ps(x + 32 * g + 8 * i))),
                    top);
            const __m256i q = pack32(i32[0], i32[1], i32[2], i32[3]);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs + 32 * g), q);
            const int16_t s0 = sum16(_mm256_castsi256_si128(q));
            const int16_t s1 = sum16(_mm256_extracti128_si256(q, 1));
            std::memcpy(bsums + 4 * g, &s0, 2);
            std::memcpy(bsums + 4 * g + 2, &s1, 2);
        }
        const float d = 1 / iscale;
        std::memcpy(blk + offsetof(BlockQ8_K, d), &d, sizeof d);
    }
}

} // namespace rwb::cpu::detail::avx2
