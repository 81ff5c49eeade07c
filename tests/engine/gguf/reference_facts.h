// Facts about the reference models, taken from tests/data/reference/README.md (made by
// llama.cpp): hyper-parameters, tokenizer, tensor names/shapes and which type llama-quantize
// gave each tensor. Shared by the reader and `rwb info` tests.
#pragma once

#include "gguf/ggml_types.h"

#include <QString>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gguf_test {

using rwb::GgmlType;

struct ArchFacts {
    std::string arch;
    uint64_t n_ff, context;
    double rope_base, rms_eps;
    bool qkv_bias, rope_freqs;
    std::string pre;
    uint64_t bos, eos;
    bool add_bos;
};

inline ArchFacts facts_for(const QString& name) {
    if (name.startsWith("qwen2"))
        return {"qwen2", 512, 32768, 10000.0, 1e-6, true, false, "qwen2", 1021, 1021, false};
    return {"llama", 768, 131072, 500000.0, 1e-5, false, true, "llama-bpe", 1019, 1020, true};
}

// LLAMA_FTYPE of each variant name.
inline uint64_t expected_ftype(const QString& name) {
    const std::map<QString, uint64_t> m = {{"f32", 0},     {"f16", 1},  {"bf16", 32},
                                           {"q8_0", 7},    {"q4_0", 2}, {"q4_k_m", 15},
                                           {"q5_k_m", 17}, {"q6_k", 18}};
    return m.at(name.section('-', 2));
}

// The README's "What llama-quantize made".
inline GgmlType expected_type(const QString& model, const std::string& tensor, size_t n_dims) {
    if (n_dims == 1) return GgmlType::F32;
    const QString v = model.section('-', 2);
    const bool k_exception = tensor == "output.weight" || tensor == "blk.1.attn_v.weight" ||
                             tensor == "blk.1.ffn_down.weight";
    if (v == "f32") return GgmlType::F32;
    if (v == "f16") return GgmlType::F16;
    if (v == "bf16") return GgmlType::BF16;
    if (v == "q8_0") return GgmlType::Q8_0;
    if (v == "q6_k") return GgmlType::Q6_K;
    if (v == "q4_0") return tensor == "output.weight" ? GgmlType::Q6_K : GgmlType::Q4_0;
    if (v == "q4_k_m") return k_exception ? GgmlType::Q6_K : GgmlType::Q4_K;
    if (v == "q5_k_m") return k_exception ? GgmlType::Q6_K : GgmlType::Q5_K;
    qFatal("unknown variant");
}

// Tensor names and shapes (ne, innermost first) implied by the README's model table.
inline std::map<std::string, std::vector<uint64_t>> expected_tensors(const ArchFacts& a) {
    const uint64_t e = 256, kv = 2 * 64, vocab = 1024;
    std::map<std::string, std::vector<uint64_t>> m = {{"token_embd.weight", {e, vocab}},
                                                      {"output_norm.weight", {e}},
                                                      {"output.weight", {e, vocab}}};
    if (a.rope_freqs) m["rope_freqs.weight"] = {32};
    for (int l = 0; l < 2; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        m[b + "attn_norm.weight"] = {e};
        m[b + "attn_q.weight"] = {e, e};
        m[b + "attn_k.weight"] = {e, kv};
        m[b + "attn_v.weight"] = {e, kv};
        m[b + "attn_output.weight"] = {e, e};
        m[b + "ffn_norm.weight"] = {e};
        m[b + "ffn_gate.weight"] = {e, a.n_ff};
        m[b + "ffn_up.weight"] = {e, a.n_ff};
        m[b + "ffn_down.weight"] = {a.n_ff, e};
        if (a.qkv_bias) {
            m[b + "attn_q.bias"] = {e};
            m[b + "attn_k.bias"] = {kv};
            m[b + "attn_v.bias"] = {kv};
        }
    }
    return m;
}

} // namespace gguf_test
