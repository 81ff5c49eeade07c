// HfModelConfig: the facts `rwb convert` needs from a Hugging Face config.json, read for the two
// supported architectures (Qwen2ForCausalLM, LlamaForCausalLM). Accepts both the classic layout
// (rope_theta / rope_scaling at top level, as the R1 distill checkpoints have) and transformers 5's
// rope_parameters object.
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <string>

namespace rwb::convert {

enum class HfArch { Qwen2, Llama };

struct Llama3RopeScaling {
    double factor = 8.0;
    double low_freq_factor = 1.0;
    double high_freq_factor = 4.0;
    double original_max_position_embeddings = 8192;
};

struct HfModelConfig {
    std::string architecture; // as written, e.g. "Qwen2ForCausalLM"
    HfArch arch = HfArch::Llama;
    int64_t vocab_size = 0;
    int64_t hidden_size = 0;
    int64_t intermediate_size = 0;
    int64_t n_layer = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0;
    int64_t context_length = 0; // max_position_embeddings
    double rms_norm_eps = 1e-6;
    double rope_theta = 10000.0;
    bool has_llama3_rope = false;
    Llama3RopeScaling llama3;
    bool tie_word_embeddings = false;
    bool attention_bias = false; // q/k/v biases (always for Qwen2)
};

// GGUF architecture name: "qwen2" or "llama".
const char* gguf_arch_name(HfArch arch);
// "Qwen2ForCausalLM, LlamaForCausalLM"
const char* supported_architectures();

Result<HfModelConfig> parse_hf_config(const std::string& json_text);
Result<HfModelConfig> load_hf_config(const std::string& path);

} // namespace rwb::convert
