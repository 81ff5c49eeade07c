// CPU matrix products on weights kept in their file type (memory-mapped ggml blocks).
// Contract used by the forward pass; the kernels behind it choose AVX-512 / AVX2 / NEON /
// portable code at run time and quantize activations to 8-bit blocks where the type calls for it.
#pragma once

#include "backends/cpu/thread_pool.h"
#include "gguf/ggml_types.h"
#include "rwb/status.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

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
// X: M x W.cols floats, row-major (leading dimension ldx). Y: M x W.rows floats (leading dimension
// ldy). Uses the pool's threads; safe to call from several threads with different pools.
Status matmul(const WeightMatrix& W, const float* X, int64_t M, int64_t ldx, float* Y, int64_t ldy,
              ThreadPool& pool);

// Row r of W dequantized to floats (embedding lookups).
Status dequantize_row(const WeightMatrix& W, int64_t r, float* out);

// Which instruction set the kernels picked on this machine ("avx512", "avx2", "neon", "portable").
const char* kernel_isa();

// Instruction sets whose kernels can run on this machine, best first (always ends in "portable").
std::vector<const char*> available_isas();
// Switches the kernels of this process to `isa` (one of available_isas()); for tests and
// benchmarks comparing paths. RWB_CPU_ISA=portable|avx2|avx512 does the same at start-up.
// Not to be called while a matmul() is running.
Status set_kernel_isa(std::string_view isa);

} // namespace rwb::cpu
