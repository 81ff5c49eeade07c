// Random weight matrices for the mat-vec and dequantize groups: F32 values quantized with the
// engine's own quantizers (quant/quant.h), dequantized back with its own dequantizer (the exact
// values every kernel must decode), and uploaded as the CUDA module uploads weights: each row
// padded to a 16-byte stride (device_model.cu). The padding is filled with 0xFF bytes (NaN as
// F16/F32) so that a kernel reading past a row's end shows up as NaN.
#pragma once

#include "cuda_ops_common.h"

#include "backends/cuda/kernels.h"
#include "gguf/ggml_types.h"
#include "quant/quant.h"

#include <string>
#include <vector>

namespace cuda_ops {

struct WeightType {
    rwb::GgmlType type;
    const char* name;
    int64_t block; // the cols of a case are multiples of this (32 for the kernels' units)
};
inline const WeightType kWeightTypes[] = {
    {rwb::GgmlType::F32, "f32", 32},    {rwb::GgmlType::F16, "f16", 32},
    {rwb::GgmlType::BF16, "bf16", 32},  {rwb::GgmlType::Q8_0, "q8_0", 32},
    {rwb::GgmlType::Q4_0, "q4_0", 32},  {rwb::GgmlType::Q4_K, "q4_K", 256},
    {rwb::GgmlType::Q5_K, "q5_K", 256}, {rwb::GgmlType::Q6_K, "q6_K", 256},
};

struct HostMatrix {
    rwb::GgmlType type{};
    int64_t rows = 0, cols = 0;
    size_t row_bytes = 0;
    std::vector<uint8_t> data; // rows * row_bytes, as the file stores them
    std::vector<float> values; // rows * cols, the engine's dequantization of data
};

// Gaussian values, each row with its own scale (0.05 .. 4) so that the block scales of the
// quantized types vary across the matrix.
inline HostMatrix make_matrix(Rng& rng, rwb::GgmlType type, int64_t rows, int64_t cols) {
    HostMatrix m;
    m.type = type, m.rows = rows, m.cols = cols;
    m.row_bytes = size_t(*rwb::ggml_row_bytes(type, uint64_t(cols)));
    m.data.resize(size_t(rows) * m.row_bytes);
    m.values.resize(size_t(rows * cols));
    std::uniform_real_distribution<float> log_scale(-3.0f, 1.4f);
    for (int64_t r = 0; r < rows; ++r) {
        std::vector<float> src = normal(rng, size_t(cols), std::exp(log_scale(rng)));
        uint8_t* dst = m.data.data() + size_t(r) * m.row_bytes;
        rwb::Status st = rwb::quant::quantize_row(type, src.data(), dst, cols);
        if (st) st = rwb::quant::dequantize_row(type, dst, m.values.data() + r * cols, cols);
        if (!st) {
            std::printf("FAIL quantizing a random %s row: %s\n", rwb::ggml_type_name(type).data(),
                        st.message().c_str());
            std::exit(1);
        }
    }
    return m;
}

// The matrix on the device as DevMatrix describes it (rows 16-byte aligned, padding = 0xFF).
struct DevWeights {
    DevBuf<uint8_t> buf;
    rwb::cuda::DevMatrix m;
    explicit DevWeights(const HostMatrix& h)
        : buf(size_t(h.rows) * ((h.row_bytes + 15) / 16 * 16)) {
        m.type = uint32_t(h.type);
        m.rows = h.rows, m.cols = h.cols;
        m.stride = int64_t((h.row_bytes + 15) / 16 * 16);
        must(cudaMemset(buf.p, 0xFF, buf.n), "cudaMemset");
        must(cudaMemcpy2D(buf.p, size_t(m.stride), h.data.data(), h.row_bytes, h.row_bytes,
                          size_t(h.rows), cudaMemcpyHostToDevice),
             "cudaMemcpy2D");
        m.data = buf.p;
    }
};

inline std::string shape(const char* type, int64_t rows, int64_t cols) {
    return std::string(type) + " " + std::to_string(rows) + "x" + std::to_string(cols);
}

} // namespace cuda_ops
