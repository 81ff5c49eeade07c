// Quantization mixes: which ggml type each tensor of a model gets for a requested file type
// (`rwb quantize ... q4_k_m`), following llama.cpp's published rules (llama_tensor_get_type,
// without importance matrix), so our Q4_K_M/Q5_K_M files have llama.cpp's per-tensor types:
//  - only 2-D+ "*.weight" tensors are converted; norms, biases, rope_freqs keep their type (F32);
//  - output.weight (or token_embd.weight when the model has no output.weight) -> Q6_K, except
//    for Q8_0 (stays Q8_0) and the float mixes;
//  - _M mixes: attn_v and ffn_down of "use_more_bits" layers -> Q6_K (first n/8 layers, last n/8,
//    and every third layer in between: (i - n/8) % 3 == 2);
//  - Q4_K_S (= q4_k): attn_v of layers 0..3 and ffn_down of the first n/8 layers -> Q5_K;
//  - 70B-class llama models (80 layers): attn_v Q4_K -> Q5_K;
//  - a row length that is not a multiple of the block size falls back (K-quants -> Q8_0, as we
//    have no Q5_0/Q5_1; Q4_0/Q8_0 -> F16).
#pragma once

#include "gguf/ggml_types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rwb::quant {

struct QuantMix {
    std::string name;   // canonical name, e.g. "q4_k_m"
    uint32_t file_type; // llama.cpp's llama_ftype, written as general.file_type
    GgmlType base;      // the type most weights get
    bool more_bits;     // the _M rules
    bool small;         // the _S rules (q4_k)
};

// "q8_0", "q4_0", "q4_k"/"q4_k_s", "q4_k_m", "q5_k"/"q5_k_s", "q5_k_m", "q6_k", "f16", "bf16",
// "f32" (case-insensitive); nullopt otherwise.
std::optional<QuantMix> parse_quant_mix(std::string_view name);
std::vector<std::string> quant_mix_names();

struct ModelFacts {
    int64_t n_layer = 0;    // block_count
    bool has_output = true; // an output.weight tensor exists (else token_embd is the output)
    bool is_70b = false;    // llama.cpp's 70B model type: attn_v gets more bits
};

struct TensorChoice {
    GgmlType type;
    bool converted;   // false: the tensor keeps its source type and bytes
    std::string note; // why the rule chose differently from the mix's base, if it did
};

// ne[0] innermost. source_type: the tensor's type in the input file.
TensorChoice choose_tensor_type(const QuantMix& mix, const ModelFacts& facts, std::string_view name,
                                const std::vector<uint64_t>& ne, GgmlType source_type);

// Layer index of a "blk.N." name, or -1.
int64_t layer_index(std::string_view name);

} // namespace rwb::quant
