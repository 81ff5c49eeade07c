// F32, F16 and BF16: element-wise conversions and reference dot products against float activations.
#include "quant/fp16.h"
#include "quant/quant.h"

#include <cstring>

namespace rwb::quant {

void dequantize_row_f32(const float* x, float* y, int64_t n) {
    std::memcpy(y, x, size_t(n) * sizeof(float));
}

void dequantize_row_f16(const uint16_t* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fp16_to_fp32(x[i]);
}

void dequantize_row_bf16(const uint16_t* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = bf16_to_fp32(x[i]);
}

void quantize_row_f16(const float* x, uint16_t* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fp32_to_fp16(x[i]);
}

void quantize_row_bf16(const float* x, uint16_t* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fp32_to_bf16(x[i]);
}

// Accumulated in double: the oracle should be more exact than the kernels it judges.
float vec_dot_f32(int64_t n, const float* w, const float* a) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += double(w[i]) * a[i];
    return float(s);
}

float vec_dot_f16(int64_t n, const uint16_t* w, const float* a) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += double(fp16_to_fp32(w[i])) * a[i];
    return float(s);
}

float vec_dot_bf16(int64_t n, const uint16_t* w, const float* a) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += double(bf16_to_fp32(w[i])) * a[i];
    return float(s);
}

} // namespace rwb::quant
