// Q8_0: blocks of 32 int8 values sharing one fp16 scale d; value = q * d.
// Used both for weights and for the activations multiplied with Q4_0 / Q8_0 weights.
#include "quant/fp16.h"
#include "quant/quant.h"

#include <cmath>

namespace rwb::quant {

void quantize_row_q8_0(const float* x, BlockQ8_0* y, int64_t n) {
    for (int64_t b = 0; b < n / QK8_0; ++b, x += QK8_0) {
        float amax = 0.0f;
        for (int j = 0; j < QK8_0; ++j) {
            const float ax = std::fabs(x[j]);
            amax = amax > ax ? amax : ax;
        }
        const float d = amax / 127;
        const float id = d ? 1.0f / d : 0.0f;
        y[b].d = fp32_to_fp16(d);
        for (int j = 0; j < QK8_0; ++j) y[b].qs[j] = int8_t(std::round(x[j] * id));
    }
}

void dequantize_row_q8_0(const BlockQ8_0* x, float* y, int64_t n) {
    for (int64_t b = 0; b < n / QK8_0; ++b) {
        const float d = fp16_to_fp32(x[b].d);
        for (int j = 0; j < QK8_0; ++j) *y++ = x[b].qs[j] * d;
    }
}

float vec_dot_q8_0_q8_0(int64_t n, const BlockQ8_0* w, const BlockQ8_0* a) {
    float sum = 0;
    for (int64_t b = 0; b < n / QK8_0; ++b) {
        int isum = 0;
        for (int j = 0; j < QK8_0; ++j) isum += int(w[b].qs[j]) * int(a[b].qs[j]);
        sum += isum * (fp16_to_fp32(w[b].d) * fp16_to_fp32(a[b].d));
    }
    return sum;
}

} // namespace rwb::quant
