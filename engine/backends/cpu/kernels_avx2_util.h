// Helpers shared by the AVX2 translation units (which are compiled with -mavx2 -mfma -mf16c);
// never include this from code built for the baseline ISA.
#pragma once

#include "backends/cpu/cpu_kernels.h"

#include <immintrin.h>

#include <cstring>

namespace rwb::cpu::detail::avx2 {

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline float half_to_float(uint16_t h) {
    return _cvtsh_ss(h);
}

inline __m256i load256(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

inline float load_float(const void* p) {
    float f;
    std::memcpy(&f, p, sizeof f);
    return f;
}

// The 8 six-bit scales and mins of a Q4_K / Q5_K block's 12 packed bytes, as bytes: the same
// result as quant::unpack_scale_min_k4 for j = 0..7, with a few 32-bit operations instead of a
// loop (bytes 0-3: scales 0-3 low 6 bits and scales 4-7 top 2 bits; bytes 4-7: the same for the
// mins; bytes 8-11: low 4 bits of scales 4-7 and, in the high nibbles, of mins 4-7).
inline void unpack_scales_mins_k4(const uint8_t* packed, uint8_t sc[8], uint8_t mn[8]) {
    uint32_t u[3];
    std::memcpy(u, packed, 12);
    const uint32_t low6 = 0x3f3f3f3fu, low4 = 0x0f0f0f0fu, low2 = 0x03030303u;
    const uint32_t s_lo = u[0] & low6;
    const uint32_t m_lo = u[1] & low6;
    const uint32_t s_hi = (u[2] & low4) | (((u[0] >> 6) & low2) << 4);
    const uint32_t m_hi = ((u[2] >> 4) & low4) | (((u[1] >> 6) & low2) << 4);
    std::memcpy(sc, &s_lo, 4);
    std::memcpy(sc + 4, &s_hi, 4);
    std::memcpy(mn, &m_lo, 4);
    std::memcpy(mn + 4, &m_hi, 4);
}

// Turns a kernel template over the tile height into the RowDotFn the tables hold.
template <template <int> class Kernel>
void tiled(int64_t n, const void* w, const void* a, size_t a_stride, int nm, float* y,
           int64_t ldy) {
    switch (nm) {
    case 1:
        Kernel<1>::run(n, w, a, a_stride, y, ldy);
        break;
    case 2:
        Kernel<2>::run(n, w, a, a_stride, y, ldy);
        break;
    case 3:
        Kernel<3>::run(n, w, a, a_stride, y, ldy);
        break;
    default:
        Kernel<4>::run(n, w, a, a_stride, y, ldy);
        break;
    }
}

// Kernels of the other AVX2 translation unit.
void dot_q4_K(int64_t, const void*, const void*, size_t, int, float*, int64_t);
void dot_q5_K(int64_t, const void*, const void*, size_t, int, float*, int64_t);
void dot_q6_K(int64_t, const void*, const void*, size_t, int, float*, int64_t);
// kernels_avx2_quantize.cpp
void quantize_q8_0(const float* x, void* y, int64_t n);
void quantize_q8_K(const float* x, void* y, int64_t n);

} // namespace rwb::cpu::detail::avx2
