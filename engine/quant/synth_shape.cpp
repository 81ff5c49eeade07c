// Published R1-distill shapes, config.json parsing and the llama.cpp tensor list (synth_shape.h).
#include "quant/synth_shape.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace rwb::quant {

namespace {
SynthShape qwen(std::string name, int64_t hidden, int64_t layers, int64_t heads, int64_t kv,
                int64_t ffn, int64_t vocab, double theta, double eps) {
    SynthShape s;
    s.name = std::move(name);
    s.arch = "qwen2";
    s.hidden = hidden;
    s.layers = layers;
    s.heads = heads;
    s.kv_heads = kv;
    s.head_dim = hidden / heads;
    s.ffn = ffn;
    s.vocab = vocab;
    s.context = 131072;
    s.rope_theta = theta;
    s.rms_eps = eps;
    s.qkv_bias = true;
    return s;
}

SynthShape llama(std::string name, int64_t hidden, int64_t layers, int64_t heads, int64_t kv,
                 int64_t ffn) {
    SynthShape s;
    s.name = std::move(name);
    s.arch = "llama";
    s.hidden = hidden;
    s.layers = layers;
    s.heads = heads;
    s.kv_heads = kv;
    s.head_dim = hidden / heads;
    s.ffn = ffn;
    s.vocab = 128256;
    s.context = 131072;
    s.rope_theta = 500000;
    s.rms_eps = 1e-5;
    s.rope_llama3 = true;
    return s;
}

// config.json values of deepseek-ai/DeepSeek-R1-Distill-*: 1.5B and 7B are Qwen2.5-Math based
// (rope_theta 1e4, eps 1e-6), 14B and 32B Qwen2.5 based (rope_theta 1e6, eps 1e-5); none ties
// its embeddings.
struct Preset {
    const char* id;
    SynthShape (*make)();
};
const Preset kPresets[] = {
    {"r1-qwen-1.5b",
     [] {
         return qwen("DeepSeek-R1-Distill-Qwen-1.5B (random weights)", 1536, 28, 12, 2, 8960,
                     151936, 10000, 1e-6);
     }},
    {"r1-qwen-7b",
     [] {
         return qwen("DeepSeek-R1-Distill-Qwen-7B (random weights)", 3584, 28, 28, 4, 18944, 152064,
                     10000, 1e-6);
     }},
    {"r1-qwen-14b",
     [] {
         return qwen("DeepSeek-R1-Distill-Qwen-14B (random weights)", 5120, 48, 40, 8, 13824,
                     152064, 1000000, 1e-5);
     }},
    {"r1-qwen-32b",
     [] {
         return qwen("DeepSeek-R1-Distill-Qwen-32B (random weights)", 5120, 64, 40, 8, 27648,
                     152064, 1000000, 1e-5);
     }},
    {"r1-llama-8b",
     [] { return llama("DeepSeek-R1-Distill-Llama-8B (random weights)", 4096, 32, 32, 8, 14336); }},
    {"r1-llama-70b",
     [] {
         return llama("DeepSeek-R1-Distill-Llama-70B (random weights)", 8192, 80, 64, 8, 28672);
     }},
};

constexpr int64_t kMaxDim = int64_t(1) << 20;
} // namespace

std::optional<SynthShape> synth_preset(std::string_view like) {
    for (const auto& p : kPresets)
        if (like == p.id) return p.make();
    return std::nullopt;
}

std::vector<std::string> synth_preset_names() {
    std::vector<std::string> out;
    for (const auto& p : kPresets) out.emplace_back(p.id);
    return out;
}

Result<SynthShape> synth_shape_from_config_json(const std::string& json_text) {
    using nlohmann::json;
    const json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return Result<SynthShape>::error("config is not a JSON object");
    auto get_int = [&](const char* key, int64_t fallback, bool required) -> Result<int64_t> {
        if (!j.contains(key)) {
            if (required) return Result<int64_t>::error(std::string("config has no ") + key);
            return fallback;
        }
        const auto& v = j[key];
        if (!v.is_number_integer() || v.get<int64_t>() <= 0 || v.get<int64_t>() > kMaxDim)
            return Result<int64_t>::error(std::string("config ") + key +
                                          " must be an integer in 1.." + std::to_string(kMaxDim));
        return v.get<int64_t>();
    };
    SynthShape s;
    const std::string type = j.value("model_type", std::string("qwen2"));
    if (type != "qwen2" && type != "llama")
        return Result<SynthShape>::error("config model_type '" + type +
                                         "' is not supported (qwen2, llama)");
    s.arch = type;
    s.name = j.value("name", type + " (random weights)");
    auto hidden = get_int("hidden_size", 0, true);
    if (!hidden) return hidden.status();
    auto layers = get_int("num_hidden_layers", 0, true);
    if (!layers) return layers.status();
    auto heads = get_int("num_attention_heads", 0, true);
    if (!heads) return heads.status();
    auto kv = get_int("num_key_value_heads", *heads, false);
    if (!kv) return kv.status();
    auto ffn = get_int("intermediate_size", 0, true);
    if (!ffn) return ffn.status();
    auto vocab = get_int("vocab_size", 0, true);
    if (!vocab) return vocab.status();
    auto ctx = get_int("max_position_embeddings", 4096, false);
    if (!ctx) return ctx.status();
    if (*hidden % *heads != 0 && !j.contains("head_dim"))
        return Result<SynthShape>::error(
            "config hidden_size is not a multiple of num_attention_heads");
    auto head_dim = get_int("head_dim", *hidden / *heads, false);
    if (!head_dim) return head_dim.status();
    if (*heads % *kv != 0)
        return Result<SynthShape>::error(
            "config num_attention_heads is not a multiple of num_key_value_heads");
    if (*head_dim % 2 != 0) return Result<SynthShape>::error("config head_dim must be even");
    if (*layers > 1024) return Result<SynthShape>::error("config num_hidden_layers is over 1024");
    if (*vocab < 512) return Result<SynthShape>::error("config vocab_size must be at least 512");
    // keep every tensor within what a real model needs (Llama 405B's largest has ~2.1e9
    // elements): a typo must give an error, not a multi-terabyte allocation
    constexpr int64_t kMaxTensorElements = int64_t(1) << 33;
    const int64_t q_dim = *heads * *head_dim;
    if (*hidden * *vocab > kMaxTensorElements || *hidden * *ffn > kMaxTensorElements ||
        *hidden * q_dim > kMaxTensorElements)
        return Result<SynthShape>::error("config sizes give a tensor of more than 2^33 elements");
    s.hidden = *hidden;
    s.layers = *layers;
    s.heads = *heads;
    s.kv_heads = *kv;
    s.head_dim = *head_dim;
    s.ffn = *ffn;
    s.vocab = *vocab;
    s.context = *ctx;
    if (j.contains("rope_theta") && j["rope_theta"].is_number())
        s.rope_theta = j["rope_theta"].get<double>();
    else
        s.rope_theta = type == "llama" ? 500000 : 10000;
    if (j.contains("rms_norm_eps") && j["rms_norm_eps"].is_number())
        s.rms_eps = j["rms_norm_eps"].get<double>();
    else
        s.rms_eps = type == "llama" ? 1e-5 : 1e-6;
    if (!(s.rope_theta > 0) || !(s.rms_eps > 0) || s.rms_eps > 1)
        return Result<SynthShape>::error("config rope_theta / rms_norm_eps out of range");
    s.tied_embeddings = j.value("tie_word_embeddings", false);
    s.qkv_bias = type == "qwen2";
    if (j.contains("rope_scaling") && j["rope_scaling"].is_object()) {
        const auto& rs = j["rope_scaling"];
        if (rs.value("rope_type", rs.value("type", std::string())) == "llama3") {
            s.rope_llama3 = true;
            s.rope_factor = rs.value("factor", 8.0);
            s.rope_low_freq_factor = rs.value("low_freq_factor", 1.0);
            s.rope_high_freq_factor = rs.value("high_freq_factor", 4.0);
            s.rope_original_context = rs.value("original_max_position_embeddings", 8192);
            if (!(s.rope_factor >= 1) || !(s.rope_high_freq_factor > s.rope_low_freq_factor) ||
                s.rope_original_context <= 0)
                return Result<SynthShape>::error("config rope_scaling values out of range");
        }
    }
    return s;
}

uint64_t SynthTensor::n_elements() const {
    uint64_t n = 1;
    for (uint64_t d : ne) n *= d;
    return n;
}

std::vector<SynthTensor> synth_tensors(const SynthShape& s) {
    const uint64_t h = uint64_t(s.hidden), q = uint64_t(s.heads * s.head_dim),
                   kv = uint64_t(s.kv_heads * s.head_dim), f = uint64_t(s.ffn),
                   v = uint64_t(s.vocab);
    std::vector<SynthTensor> t;
    if (s.rope_llama3)
        t.push_back({"rope_freqs.weight", {uint64_t(s.head_dim / 2)}, SynthKind::RopeFreqs});
    t.push_back({"token_embd.weight", {h, v}, SynthKind::Embedding});
    for (int64_t i = 0; i < s.layers; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        t.push_back({p + "attn_norm.weight", {h}, SynthKind::Norm});
        t.push_back({p + "attn_q.weight", {h, q}, SynthKind::Matrix});
        if (s.qkv_bias) t.push_back({p + "attn_q.bias", {q}, SynthKind::Bias});
        t.push_back({p + "attn_k.weight", {h, kv}, SynthKind::Matrix});
        if (s.qkv_bias) t.push_back({p + "attn_k.bias", {kv}, SynthKind::Bias});
        t.push_back({p + "attn_v.weight", {h, kv}, SynthKind::Matrix});
        if (s.qkv_bias) t.push_back({p + "attn_v.bias", {kv}, SynthKind::Bias});
        t.push_back({p + "attn_output.weight", {q, h}, SynthKind::Matrix});
        t.push_back({p + "ffn_norm.weight", {h}, SynthKind::Norm});
        t.push_back({p + "ffn_gate.weight", {h, f}, SynthKind::Matrix});
        t.push_back({p + "ffn_up.weight", {h, f}, SynthKind::Matrix});
        t.push_back({p + "ffn_down.weight", {f, h}, SynthKind::Matrix});
    }
    t.push_back({"output_norm.weight", {h}, SynthKind::Norm});
    if (!s.tied_embeddings) t.push_back({"output.weight", {h, v}, SynthKind::Matrix});
    return t;
}

std::vector<float> llama3_rope_factors(const SynthShape& s) {
    // Per frequency: short wavelengths keep theta (factor 1), long ones are divided by `factor`,
    // the band between is blended smoothly (Llama 3.1's published rope scaling).
    const double low_wavelen = double(s.rope_original_context) / s.rope_low_freq_factor;
    const double high_wavelen = double(s.rope_original_context) / s.rope_high_freq_factor;
    std::vector<float> out;
    for (int64_t i = 0; i < s.head_dim; i += 2) {
        const double freq = 1.0 / std::pow(s.rope_theta, double(i) / double(s.head_dim));
        const double wavelen = 2 * M_PI / freq;
        double factor;
        if (wavelen < high_wavelen) {
            factor = 1;
        } else if (wavelen > low_wavelen) {
            factor = s.rope_factor;
        } else {
            const double smooth =
                (double(s.rope_original_context) / wavelen - s.rope_low_freq_factor) /
                (s.rope_high_freq_factor - s.rope_low_freq_factor);
            factor = 1 / ((1 - smooth) / s.rope_factor + smooth);
        }
        out.push_back(float(factor));
    }
    return out;
}

} // namespace rwb::quant
