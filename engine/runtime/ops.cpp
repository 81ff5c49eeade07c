// Element-wise ops. RMSNorm sums squares in double and RoPE angles are computed in double: both
// are cheap next to the matrix products and keep the float32 engine close to a float64 reference.
#include "runtime/ops.h"

#include <cmath>

namespace rwb::runtime {

void rms_norm_row(const float* x, const float* w, float* out, int64_t n, double eps) {
    double ss = 0;
    for (int64_t i = 0; i < n; ++i) ss += double(x[i]) * double(x[i]);
    const float inv = float(1.0 / std::sqrt(ss / double(n) + eps));
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * inv * w[i];
}

void add_row(float* y, const float* b, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] += b[i];
}

void rope_row(float* x, int64_t n_heads, int64_t head_dim, int64_t pos,
              const model::RopeTable& rope, float* cos_buf, float* sin_buf) {
    const int64_t half = rope.n_rot / 2;
    for (int64_t i = 0; i < half; ++i) {
        const double theta = double(pos) * rope.inv_freq[size_t(i)];
        cos_buf[i] = float(std::cos(theta));
        sin_buf[i] = float(std::sin(theta));
    }
    for (int64_t h = 0; h < n_heads; ++h) {
        float* v = x + h * head_dim;
        for (int64_t i = 0; i < half; ++i) {
            float* a;
            float* b;
            if (rope.pairing == model::RopePairing::Neox) {
                a = v + i;
                b = v + i + half;
            } else {
                a = v + 2 * i;
                b = v + 2 * i + 1;
            }
            const float x0 = *a, x1 = *b;
            *a = x0 * cos_buf[i] - x1 * sin_buf[i];
            *b = x0 * sin_buf[i] + x1 * cos_buf[i];
        }
    }
}

void swiglu_row(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

} // namespace rwb::runtime
