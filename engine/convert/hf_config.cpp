// config.json parsing for `rwb convert` (see hf_config.h).
#include "convert/hf_config.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace rwb::convert {
namespace {

using json = nlohmann::json;

// Reads an integer field; missing gives `fallback` (or an error when fallback < 0).
Result<int64_t> get_int(const json& j, const char* key, int64_t fallback = -1) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (fallback >= 0) return fallback;
        return Result<int64_t>::error(std::string("config.json: missing ") + key);
    }
    if (!it->is_number_integer() || it->get<int64_t>() <= 0)
        return Result<int64_t>::error(std::string("config.json: ") + key +
                                      " is not a positive integer");
    return it->get<int64_t>();
}

Result<double> get_num(const json& j, const char* key, double fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_number())
        return Result<double>::error(std::string("config.json: ") + key + " is not a number");
    return it->get<double>();
}

Status read_rope(const json& j, HfModelConfig& c) {
    // transformers 5 keeps rope settings in rope_parameters; older files use rope_theta and
    // rope_scaling at top level.
    const json* scaling = nullptr;
    auto rp = j.find("rope_parameters");
    if (rp != j.end() && rp->is_object()) {
        auto theta = get_num(*rp, "rope_theta", 10000.0);
        if (!theta) return theta.status();
        c.rope_theta = *theta;
        scaling = &*rp;
    } else {
        auto theta = get_num(j, "rope_theta", 10000.0);
        if (!theta) return theta.status();
        c.rope_theta = *theta;
        auto rs = j.find("rope_scaling");
        if (rs != j.end() && !rs->is_null()) {
            if (!rs->is_object())
                return Status::error("config.json: rope_scaling is not an object");
            scaling = &*rs;
        }
    }
    if (!(c.rope_theta > 0)) return Status::error("config.json: rope_theta must be positive");
    if (scaling == nullptr) return Status::ok();
    std::string type = "default";
    for (const char* key : {"rope_type", "type"}) {
        auto t = scaling->find(key);
        if (t != scaling->end() && t->is_string()) {
            type = t->get<std::string>();
            break;
        }
    }
    if (type == "default") return Status::ok();
    if (type != "llama3")
        return Status::error("config.json: unsupported rope scaling type '" + type +
                             "' (supported: llama3)");
    if (c.arch != HfArch::Llama)
        return Status::error("config.json: llama3 rope scaling on a non-Llama model");
    c.has_llama3_rope = true;
    Llama3RopeScaling& s = c.llama3;
    for (auto [key, dst] :
         {std::pair{"factor", &s.factor}, std::pair{"low_freq_factor", &s.low_freq_factor},
          std::pair{"high_freq_factor", &s.high_freq_factor},
          std::pair{"original_max_position_embeddings", &s.original_max_position_embeddings}}) {
        auto v = get_num(*scaling, key, *dst);
        if (!v) return v.status();
        *dst = *v;
    }
    if (!(s.factor > 0) || !(s.original_max_position_embeddings > 0) ||
        !(s.high_freq_factor > s.low_freq_factor) || !(s.low_freq_factor > 0))
        return Status::error("config.json: invalid llama3 rope scaling parameters");
    return Status::ok();
}

} // namespace

const char* gguf_arch_name(HfArch arch) {
    return arch == HfArch::Qwen2 ? "qwen2" : "llama";
}

const char* supported_architectures() {
    return "Qwen2ForCausalLM, LlamaForCausalLM";
}

Result<HfModelConfig> parse_hf_config(const std::string& json_text) {
    using R = Result<HfModelConfig>;
    json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return R::error("config.json is not valid JSON");
    HfModelConfig c;
    auto archs = j.find("architectures");
    if (archs == j.end() || !archs->is_array() || archs->empty() || !(*archs)[0].is_string())
        return R::error("config.json: missing architectures");
    c.architecture = (*archs)[0].get<std::string>();
    if (c.architecture == "Qwen2ForCausalLM") {
        c.arch = HfArch::Qwen2;
    } else if (c.architecture == "LlamaForCausalLM") {
        c.arch = HfArch::Llama;
    } else {
        return R::error("unsupported architecture " + c.architecture +
                        " (supported: " + supported_architectures() + ")");
    }
    struct IntField {
        const char* key;
        int64_t* dst;
        int64_t fallback;
    };
    for (const IntField& f :
         {IntField{"vocab_size", &c.vocab_size, -1}, IntField{"hidden_size", &c.hidden_size, -1},
          IntField{"intermediate_size", &c.intermediate_size, -1},
          IntField{"num_hidden_layers", &c.n_layer, -1},
          IntField{"num_attention_heads", &c.n_head, -1},
          IntField{"max_position_embeddings", &c.context_length, 4096}}) {
        auto v = get_int(j, f.key, f.fallback);
        if (!v) return v.status();
        *f.dst = *v;
    }
    auto kv = get_int(j, "num_key_value_heads", c.n_head);
    if (!kv) return kv.status();
    c.n_head_kv = *kv;
    if (c.hidden_size % c.n_head != 0 || c.n_head % c.n_head_kv != 0)
        return R::error("config.json: hidden_size, num_attention_heads and num_key_value_heads "
                        "do not divide evenly");
    c.head_dim = c.hidden_size / c.n_head;
    auto hd = get_int(j, "head_dim", c.head_dim);
    if (!hd) return hd.status();
    if (*hd != c.head_dim)
        return R::error("config.json: head_dim " + std::to_string(*hd) +
                        " differs from hidden_size / num_attention_heads (unsupported)");
    if (c.head_dim % 2 != 0) return R::error("config.json: head_dim must be even");
    if (c.n_layer > 4096 || c.hidden_size > (1 << 20) || c.vocab_size > (1 << 24))
        return R::error("config.json: implausibly large dimensions");
    auto eps = get_num(j, "rms_norm_eps", 1e-6);
    if (!eps) return eps.status();
    c.rms_norm_eps = *eps;
    auto tie = j.find("tie_word_embeddings");
    c.tie_word_embeddings = tie != j.end() && tie->is_boolean() && tie->get<bool>();
    auto bias = j.find("attention_bias");
    c.attention_bias =
        c.arch == HfArch::Qwen2 || (bias != j.end() && bias->is_boolean() && bias->get<bool>());
    if (auto mlp_bias = j.find("mlp_bias");
        mlp_bias != j.end() && mlp_bias->is_boolean() && mlp_bias->get<bool>())
        return R::error("config.json: mlp_bias is not supported");
    RWB_RETURN_IF_ERROR(read_rope(j, c));
    return c;
}

Result<HfModelConfig> load_hf_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Result<HfModelConfig>::error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_hf_config(ss.str());
}

} // namespace rwb::convert
