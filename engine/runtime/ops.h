// Small element-wise operations of the forward pass (row-wise; the matrix products are the CPU
// backend's matmul()).
#pragma once

#include "model/rope.h"

#include <cstdint>

namespace rwb::runtime {

// out = x / sqrt(mean(x^2) + eps) * w, for one row of n values.
void rms_norm_row(const float* x, const float* w, float* out, int64_t n, double eps);
// y += b for one row.
void add_row(float* y, const float* b, int64_t n);
// Rotates the n_heads heads of one row (head_dim each) for position pos. cos/sin: scratch of
// n_rot / 2 floats each.
void rope_row(float* x, int64_t n_heads, int64_t head_dim, int64_t pos,
              const model::RopeTable& rope, float* cos_buf, float* sin_buf);
// gate[i] = silu(gate[i]) * up[i].
void swiglu_row(float* gate, const float* up, int64_t n);

} // namespace rwb::runtime
