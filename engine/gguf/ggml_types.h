// ggml tensor types as GGUF stores them: ids, names, block sizes and bytes per block.
// Every type ggml defines is described (so `rwb info` can name it); which ones the engine can
// compute with is the quant layer's business (engine/quant).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rwb {

enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    MXFP4 = 39,
};

struct GgmlTypeTraits {
    GgmlType type;
    std::string_view name; // as llama.cpp prints it: "f32", "q4_K", ...
    uint32_t block_size;   // elements per block (1 for plain types)
    uint32_t bytes_per_block;
};

// Traits of a type id read from a file; nullopt for ids ggml does not define.
std::optional<GgmlTypeTraits> ggml_type_traits(uint32_t type_id);
inline std::optional<GgmlTypeTraits> ggml_type_traits(GgmlType t) {
    return ggml_type_traits(static_cast<uint32_t>(t));
}
std::string_view ggml_type_name(GgmlType t);

// Bytes of one row of n elements; nullopt when n is not a multiple of the block size.
std::optional<uint64_t> ggml_row_bytes(GgmlType t, uint64_t n);

} // namespace rwb
