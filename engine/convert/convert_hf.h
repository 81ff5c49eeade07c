// convert_hf_to_gguf: a Hugging Face model folder (config.json, *.safetensors, tokenizer.json,
// tokenizer_config.json) -> one GGUF file that llama.cpp and our engine load, with the tensor
// names, metadata keys, Q/K layout and tokenizer arrays llama.cpp's own converter writes.
// Everything is validated before the output is written; tensors are streamed from the mapped
// safetensors one at a time (in bounded row chunks), never the whole model in memory.
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rwb::convert {

struct ConvertOptions {
    std::string hf_dir;
    std::string out_path;
    std::string type = "f16"; // f32 f16 bf16 q8_0 q4_0 q4_k q5_k q6_k q4_k_m q5_k_m (quant mixes)
    int threads = 0;          // <= 0: one per hardware thread
};

struct ConvertReport {
    std::string architecture; // GGUF name: "qwen2" / "llama"
    std::string pre_tokenizer;
    int64_t n_vocab = 0;
    size_t n_tensors = 0;
    uint64_t tensor_bytes = 0;
    std::vector<std::string> notes; // per-tensor type choices that differ from the mix's base
};

// The --type names accepted, for help and error text.
std::string convert_type_names();

Result<ConvertReport> convert_hf_to_gguf(const ConvertOptions& opts);

} // namespace rwb::convert
