// Shapes of random-weight models for `rwb synth`: the published architectures of the DeepSeek-R1
// distills (from their config.json files) or a HF-style config.json, and the tensor list llama.cpp
// gives such a model (names, ggml dimension order, which are matrices, norms, biases).
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rwb::quant {

struct SynthShape {
    std::string name;     // general.name
    std::string arch;     // "qwen2" or "llama"
    int64_t hidden = 0;   // embedding_length
    int64_t layers = 0;   // block_count
    int64_t heads = 0;    // attention.head_count
    int64_t kv_heads = 0; // attention.head_count_kv
    int64_t head_dim = 0; // hidden / heads unless the config says otherwise
    int64_t ffn = 0;      // feed_forward_length
    int64_t vocab = 0;    // rows of token_embd / output
    int64_t context = 0;  // context_length
    double rope_theta = 10000;
    double rms_eps = 1e-6;
    bool tied_embeddings = false; // no output.weight: token_embd is the output
    bool qkv_bias = false;        // qwen2: attn_q/k/v biases
    // Llama 3.1 rope scaling ("llama3"), stored as rope_freqs.weight like llama.cpp's converter
    bool rope_llama3 = false;
    double rope_factor = 8, rope_low_freq_factor = 1, rope_high_freq_factor = 4;
    int64_t rope_original_context = 8192;
};

// "r1-qwen-1.5b", "r1-qwen-7b", "r1-qwen-14b", "r1-qwen-32b", "r1-llama-8b", "r1-llama-70b".
std::optional<SynthShape> synth_preset(std::string_view like);
std::vector<std::string> synth_preset_names();

// A HF config.json (model_type qwen2 / llama; hidden_size, num_hidden_layers, ...). Every size is
// checked (positive, heads divide hidden, bounded) so a bad file gives one clear line.
Result<SynthShape> synth_shape_from_config_json(const std::string& json_text);

enum class SynthKind { Matrix, Embedding, Norm, Bias, RopeFreqs };

struct SynthTensor {
    std::string name;
    std::vector<uint64_t> ne; // ne[0] innermost
    SynthKind kind;
    uint64_t n_elements() const;
};

std::vector<SynthTensor> synth_tensors(const SynthShape& shape);

// Llama 3.1 frequency factors (head_dim/2 values) as llama.cpp's converter computes them.
std::vector<float> llama3_rope_factors(const SynthShape& shape);

} // namespace rwb::quant
