// Reading "<arch>.*" keys: required ones give a one-line error naming the key when missing.
#include "model/hparams.h"

namespace rwb::model {
namespace {

constexpr int64_t kMaxDim = int64_t(1) << 20; // far beyond any real model; rejects garbage

Result<int64_t> required_int(const gguf::GgufFile& f, const std::string& key) {
    auto v = f.get_uint(key);
    if (!v) return Result<int64_t>::error("missing or bad key " + key + ": " + v.message());
    if (*v == 0 || *v > uint64_t(kMaxDim) * 1024)
        return Result<int64_t>::error("key " + key + " has an implausible value " +
                                      std::to_string(*v));
    return int64_t(*v);
}

int64_t optional_int(const gguf::GgufFile& f, const std::string& key, int64_t fallback) {
    if (!f.find(key)) return fallback;
    auto v = f.get_uint(key);
    return v ? int64_t(*v) : fallback;
}

double optional_float(const gguf::GgufFile& f, const std::string& key, double fallback) {
    if (!f.find(key)) return fallback;
    auto v = f.get_float(key);
    return v ? *v : fallback;
}

} // namespace

Result<HParams> read_hparams(const gguf::GgufFile& f, int64_t n_vocab_hint) {
    HParams hp;
    auto arch = f.get_string("general.architecture");
    if (!arch) return Result<HParams>::error("no general.architecture key");
    hp.arch_name = *arch;
    if (hp.arch_name == "qwen2") {
        hp.arch = Architecture::Qwen2;
        hp.pairing = RopePairing::Neox;
    } else if (hp.arch_name == "llama") {
        hp.arch = Architecture::Llama;
        hp.pairing = RopePairing::Normal;
    } else {
        return Result<HParams>::error("unsupported architecture '" + hp.arch_name +
                                      "' (supported: qwen2, llama)");
    }
    const std::string p = hp.arch_name + ".";
    auto get = [&](const char* key, int64_t& out) -> Status {
        auto v = required_int(f, p + key);
        if (!v) return v.status();
        out = *v;
        return Status::ok();
    };
    RWB_RETURN_IF_ERROR(get("block_count", hp.n_layer));
    RWB_RETURN_IF_ERROR(get("context_length", hp.n_ctx_train));
    RWB_RETURN_IF_ERROR(get("embedding_length", hp.n_embd));
    RWB_RETURN_IF_ERROR(get("feed_forward_length", hp.n_ff));
    RWB_RETURN_IF_ERROR(get("attention.head_count", hp.n_head));
    hp.n_head_kv = optional_int(f, p + "attention.head_count_kv", hp.n_head);
    hp.n_vocab = optional_int(f, p + "vocab_size", n_vocab_hint);
    if (hp.n_embd % hp.n_head != 0)
        return Result<HParams>::error("embedding_length is not a multiple of head_count");
    hp.head_dim = optional_int(f, p + "attention.key_length", hp.n_embd / hp.n_head);
    if (optional_int(f, p + "attention.value_length", hp.head_dim) != hp.head_dim)
        return Result<HParams>::error("different key and value head sizes are not supported");
    hp.n_rot = optional_int(f, p + "rope.dimension_count", hp.head_dim);
    hp.rope_base = optional_float(f, p + "rope.freq_base", 10000.0);
    hp.rms_eps = optional_float(f, p + "attention.layer_norm_rms_epsilon", 1e-6);

    if (hp.n_head_kv <= 0 || hp.n_head % hp.n_head_kv != 0)
        return Result<HParams>::error("head_count is not a multiple of head_count_kv");
    if (hp.head_dim <= 0 || hp.head_dim % 2 != 0 || hp.head_dim > 1024)
        return Result<HParams>::error("unsupported head size " + std::to_string(hp.head_dim));
    if (hp.n_rot <= 0 || hp.n_rot > hp.head_dim || hp.n_rot % 2 != 0)
        return Result<HParams>::error("bad rope.dimension_count " + std::to_string(hp.n_rot));
    if (hp.n_vocab <= 0 || hp.n_vocab > kMaxDim * 4)
        return Result<HParams>::error("bad vocabulary size " + std::to_string(hp.n_vocab));
    if (hp.n_layer > 1024 || hp.n_embd > kMaxDim || hp.n_ff > kMaxDim * 4)
        return Result<HParams>::error("implausible model dimensions");
    if (!(hp.rope_base > 0) || !(hp.rms_eps > 0))
        return Result<HParams>::error("bad rope.freq_base or layer_norm_rms_epsilon");

    if (f.find(p + "rope.scaling.type")) {
        auto t = f.get_string(p + "rope.scaling.type");
        if (t) hp.rope_scaling.type = *t;
    }
    hp.rope_scaling.factor = optional_float(f, p + "rope.scaling.factor", 1.0);
    hp.rope_scaling.low_freq_factor = optional_float(f, p + "rope.scaling.low_freq_factor", 1.0);
    hp.rope_scaling.high_freq_factor = optional_float(f, p + "rope.scaling.high_freq_factor", 4.0);
    hp.rope_scaling.original_context =
        optional_float(f, p + "rope.scaling.original_context_length", 8192.0);
    if (hp.rope_scaling.type.empty() && f.find(p + "rope.scaling.low_freq_factor"))
        hp.rope_scaling.type = "llama3";
    const auto& t = hp.rope_scaling.type;
    if (!t.empty() && t != "none" && t != "linear" && t != "llama3")
        return Result<HParams>::error("unsupported rope scaling type '" + t + "'");
    if ((t == "linear" || t == "llama3") && !(hp.rope_scaling.factor > 0))
        return Result<HParams>::error("bad rope.scaling.factor");
    if (t == "llama3" &&
        (!(hp.rope_scaling.high_freq_factor > hp.rope_scaling.low_freq_factor) ||
         !(hp.rope_scaling.low_freq_factor > 0) || !(hp.rope_scaling.original_context > 0)))
        return Result<HParams>::error("bad llama3 rope.scaling.* values");
    return hp;
}

} // namespace rwb::model
