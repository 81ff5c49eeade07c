// CPU matrix products on weights kept in their file type (memory-mapped ggml blocks).
// Contract used by the forward pass; the kernels behind it choose AVX-512 / AVX2 / NEON /
// portable code at run time and quantize activations to 8-bit blocks where the type calls for it.
#pragma once

#include "backends/cpu/thread_pool.h"
#include "gguf/ggml_types.h"
#include "rwb/status.h"

#include <cstddef>
#include <cstdint>

namespace rwb::cpu {

// A 2-D weight as GGUF stores it: `rows` rows of `cols` elements each (ne[0] = cols), row-major.
struct WeightMatrix {
    GgmlType type = GgmlType::F32;
    const uint8_t* data = nullptr;
    int64_t rows = 0;
    int64_t cols = 0;
    size_t row_bytes = 0;
};

// Y[m][r] = sum_k W[r][k] * X[m][k] for m in [0, M), r in [0, W.rows).
// X: M x W.cols floats, row-major (leading dimension ldx). Y: M x W.rows floats (leading dimension ldy).
// Uses the pool's threads; safe to call from several threads with different pools.
Status matmul(const WeightMatrix& W, const float* X, int64_t M, int64_t ldx, float* Y, int64_t ldy,
              ThreadPool& pool);

// Row r of W dequantized to floats (embedding lookups).
Status dequantize_row(const WeightMatrix& W, int64_t r, float* out);

// Which instruction set the kernels picked on this machine ("avx512", "avx2", "neon", "portable").
const char* kernel_isa();

} // namespace rwb::cpu
