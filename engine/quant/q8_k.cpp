// Q8_K: activation blocks of 256 int8 values with a float scale and 16 partial sums (bsums, one
// per 16 values) that let K-quant dot products apply their per-sub-block mins cheaply.
#include "quant/kquant_search.h"
#include "quant/quant.h"

#include <cmath>
#include <cstring>

namespace rwb::quant {

void quantize_row_q8_K(const float* x, BlockQ8_K* y, int64_t n) {
    for (int64_t b = 0; b < n / QK_K; ++b, x += QK_K) {
        float peak = 0;
        float amax = 0;
        for (int j = 0; j < QK_K; ++j) {
            const float ax = std::fabs(x[j]);
            if (ax > amax) {
                amax = ax;
                peak = x[j];
            }
        }
        if (!amax) {
            y[b].d = 0;
            std::memset(y[b].qs, 0, sizeof y[b].qs);
            std::memset(y[b].bsums, 0, sizeof y[b].bsums);
            continue;
        }
        // -127/peak: the peak maps to -127 exactly, every other value into [-127, 127]
        const float iscale = -127.f / peak;
        for (int j = 0; j < QK_K; ++j) {
            const int v = detail::nearest_int(iscale * x[j]);
            y[b].qs[j] = int8_t(v < 127 ? v : 127);
        }
        for (int g = 0; g < QK_K / 16; ++g) {
            int s = 0;
            for (int j = 0; j < 16; ++j) s += y[b].qs[g * 16 + j];
            y[b].bsums[g] = int16_t(s);
        }
        y[b].d = 1 / iscale;
    }
}

void dequantize_row_q8_K(const BlockQ8_K* x, float* y, int64_t n) {
    for (int64_t b = 0; b < n / QK_K; ++b)
        for (int j = 0; j < QK_K; ++j) *y++ = x[b].d * x[b].qs[j];
}

} // namespace rwb::quant
