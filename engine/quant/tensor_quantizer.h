// Whole-tensor conversions split over threads: rows are independent, so each thread quantizes a
// contiguous range of rows. Used by `rwb quantize` and `rwb synth` on tensors of up to ~GBs.
#pragma once

#include "gguf/ggml_types.h"
#include "rwb/status.h"

#include <cstdint>

namespace rwb::quant {

// rows x cols floats (row-major) -> `type` rows of ggml_row_bytes(type, cols) bytes each.
// threads <= 0 means one per hardware thread.
Status quantize_rows(GgmlType type, const float* src, int64_t rows, int64_t cols, uint8_t* dst,
                     int threads);

// The reverse, for any supported type (also the source side of requantization).
Status dequantize_rows(GgmlType type, const uint8_t* src, int64_t rows, int64_t cols, float* dst,
                       int threads);

// Threads to use for `threads` (<= 0: hardware concurrency, at least 1).
int resolve_threads(int threads);

} // namespace rwb::quant
