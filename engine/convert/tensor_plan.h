// TensorPlan: which GGUF tensors a converted model has, where each comes from in the Hugging Face
// checkpoint, and its shape, checked against config.json before anything is written. Names and
// order follow what llama.cpp's converter writes for Qwen2ForCausalLM / LlamaForCausalLM.
#pragma once

#include "convert/hf_config.h"
#include "convert/safetensors.h"
#include "rwb/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rwb::convert {

struct PlannedTensor {
    std::string gguf_name;              // e.g. "blk.0.attn_q.weight"
    const SafeTensor* source = nullptr; // null for generated tensors (rope_freqs.weight)
    std::vector<uint64_t> ne;           // GGUF order: ne[0] innermost (= HF shape reversed)
    bool permute_qk = false;            // Llama Q/K row reorder (see llama_layout.h)
};

// Every tensor of the checkpoint must be used (or be a known leftover such as rotary inv_freq);
// a missing, unexpected or wrongly shaped tensor is a one-line error naming it.
Result<std::vector<PlannedTensor>> plan_tensors(const HfModelConfig& cfg,
                                                const SafetensorsModel& model);

} // namespace rwb::convert
