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
