// AVX2 + FMA + F16C kernels for the 32-value block types (Q8_0, Q4_0 against Q8_0 activations)
// and the float types (F32, F16, BF16 weights against F32 activations: weights are widened to
// float on the fly, which is more accurate than rounding the activations to 16 bits), plus the
// AVX2 kernel table. The K-quant kernels live in kernels_avx2_kquants.cpp.
#include "backends/cpu/kernels_avx2_util.h"
#include "quant/block_layouts.h"
#include "quant/fp16.h"

#include <cstddef>

namespace rwb::cpu::detail {
namespace avx2 {
namespace {

using quant::BlockQ4_0;
using quant::BlockQ8_0;

inline const BlockQ8_0* q8_row(const void* a, size_t a_stride, int j) {
    return reinterpret_cast<const BlockQ8_0*>(static_cast<const uint8_t*>(a) +
                                              size_t(j) * a_stride);
}

inline float block_d(const void* blk) {
    uint16_t bits;
    std::memcpy(&bits, blk, 2);
    return half_to_float(bits);
}

// Signed 32-value weights wq against each tile row's Q8_0 block b: the sign trick (|w| as the
// unsigned operand, a carrying w's sign) lets maddubs multiply signed by signed.
template <int NM>
inline void q8_block(__m256i wq, float dw, const void* a, size_t a_stride, int64_t b, __m256* acc) {
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i wabs = _mm256_sign_epi8(wq, wq);
    for (int j = 0; j < NM; ++j) {
        const BlockQ8_0* ab = q8_row(a, a_stride, j) + b;
        const __m256i as = _mm256_sign_epi8(load256(ab->qs), wq);
        const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(wabs, as), ones);
        acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(dw * block_d(ab)), _mm256_cvtepi32_ps(p), acc[j]);
    }
}

template <int NM>
struct Q80 {
    static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
        const auto* blocks = static_cast<const BlockQ8_0*>(w);
        __m256 acc[NM];
        for (int j = 0; j < NM; ++j) acc[j] = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / quant::QK8_0; ++b)
            q8_block<NM>(load256(blocks[b].qs), block_d(&blocks[b]), a, as, b, acc);
        for (int j = 0; j < NM; ++j) y[j * ldy] = hsum(acc[j]);
    }
};

template <int NM>
struct Q40 {
    static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
        const auto* blocks = static_cast<const BlockQ4_0*>(w);
        const __m256i low4 = _mm256_set1_epi8(0x0F);
        const __m256i eight = _mm256_set1_epi8(8);
        __m256 acc[NM];
        for (int j = 0; j < NM; ++j) acc[j] = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / quant::QK4_0; ++b) {
            const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[b].qs));
            // bytes 0..15: low nibbles (values 0..15), bytes 16..31: high nibbles (values 16..31)
            const __m256i q =
                _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), low4);
            q8_block<NM>(_mm256_sub_epi8(q, eight), block_d(&blocks[b]), a, as, b, acc);
        }
        for (int j = 0; j < NM; ++j) y[j * ldy] = hsum(acc[j]);
    }
};

struct LoadF32 {
    static __m256 load8(const void* w, int64_t k) {
        return _mm256_loadu_ps(static_cast<const float*>(w) + k);
    }
    static float one(const void* w, int64_t k) { return static_cast<const float*>(w)[k]; }
};
struct LoadF16 {
    static __m256 load8(const void* w, int64_t k) {
        return _mm256_cvtph_ps(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(w) + k)));
    }
    static float one(const void* w, int64_t k) {
        return half_to_float(static_cast<const uint16_t*>(w)[k]);
    }
};
struct LoadBF16 {
    static __m256 load8(const void* w, int64_t k) {
        const __m128i h =
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(w) + k));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    static float one(const void* w, int64_t k) {
        return quant::bf16_to_fp32(static_cast<const uint16_t*>(w)[k]);
    }
};

// Float weights: two independent FMA chains per row (latency), the tail after the horizontal sum
// so every row sees the same order whatever the tile height.
template <typename Load>
struct FloatDot {
    template <int NM>
    struct K {
        static void run(int64_t n, const void* w, const void* a, size_t as, float* y, int64_t ldy) {
            const float* x[NM];
            __m256 acc0[NM], acc1[NM];
            for (int j = 0; j < NM; ++j) {
                x[j] = reinterpret_cast<const float*>(static_cast<const uint8_t*>(a) + j * as);
                acc0[j] = _mm256_setzero_ps();
                acc1[j] = _mm256_setzero_ps();
            }
            int64_t k = 0;
            for (; k + 16 <= n; k += 16) {
                const __m256 w0 = Load::load8(w, k);
                const __m256 w1 = Load::load8(w, k + 8);
                for (int j = 0; j < NM; ++j) {
                    acc0[j] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[j] + k), acc0[j]);
                    acc1[j] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x[j] + k + 8), acc1[j]);
                }
            }
            for (int j = 0; j < NM; ++j) {
                float s = hsum(_mm256_add_ps(acc0[j], acc1[j]));
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
} // namespace avx2

const KernelTable& avx2_kernels() {
    static const KernelTable table = {
        "avx2",
        avx2::tiled<avx2::F32K>,
        avx2::tiled<avx2::F16K>,
        avx2::tiled<avx2::BF16K>,
        avx2::tiled<avx2::Q80>,
        avx2::tiled<avx2::Q40>,
        avx2::dot_q4_K,
        avx2::dot_q5_K,
        avx2::dot_q6_K,
        avx2::quantize_q8_0,
        avx2::quantize_q8_K,
    };
    return table;
}

} // namespace rwb::cpu::detail
