// Hugging Face -> GGUF tensor names and shapes (see tensor_plan.h).
#include "convert/tensor_plan.h"

#include <set>

namespace rwb::convert {
namespace {

std::string shape_text(const std::vector<uint64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

struct Builder {
    const SafetensorsModel& model;
    std::vector<PlannedTensor> out;
    std::set<std::string> used;

    // hf_shape: the PyTorch shape config.json implies.
    Status add(const std::string& hf, const std::string& gguf, std::vector<uint64_t> hf_shape,
               bool permute = false) {
        const SafeTensor* t = model.find(hf);
        if (t == nullptr) return Status::error("missing tensor " + hf);
        if (t->shape != hf_shape)
            return Status::error("tensor " + hf + " has shape " + shape_text(t->shape) +
                                 ", config.json implies " + shape_text(hf_shape));
        if (t->dtype != SafeDtype::F32 && t->dtype != SafeDtype::F16 && t->dtype != SafeDtype::BF16)
            return Status::error("tensor " + hf + " has unsupported dtype " +
                                 safe_dtype_name(t->dtype) + " (supported: F32, F16, BF16)");
        PlannedTensor p;
        p.gguf_name = gguf;
        p.source = t;
        p.ne.assign(hf_shape.rbegin(), hf_shape.rend());
        p.permute_qk = permute;
        out.push_back(std::move(p));
        used.insert(hf);
        return Status::ok();
    }
};

} // namespace

Result<std::vector<PlannedTensor>> plan_tensors(const HfModelConfig& c,
                                                const SafetensorsModel& model) {
    using R = Result<std::vector<PlannedTensor>>;
    Builder b{model, {}, {}};
    const auto n_embd = static_cast<uint64_t>(c.hidden_size);
    const auto n_ff = static_cast<uint64_t>(c.intermediate_size);
    const auto n_vocab = static_cast<uint64_t>(c.vocab_size);
    const auto q_rows = static_cast<uint64_t>(c.n_head * c.head_dim);
    const auto kv_rows = static_cast<uint64_t>(c.n_head_kv * c.head_dim);
    const bool llama = c.arch == HfArch::Llama;

    if (c.has_llama3_rope) {
        PlannedTensor rf;
        rf.gguf_name = "rope_freqs.weight";
        rf.ne = {static_cast<uint64_t>(c.head_dim / 2)};
        b.out.push_back(std::move(rf));
    }
    RWB_RETURN_IF_ERROR(b.add("model.embed_tokens.weight", "token_embd.weight", {n_vocab, n_embd}));
    for (int64_t i = 0; i < c.n_layer; ++i) {
        const std::string hf = "model.layers." + std::to_string(i) + ".";
        const std::string g = "blk." + std::to_string(i) + ".";
        RWB_RETURN_IF_ERROR(b.add(hf + "input_layernorm.weight", g + "attn_norm.weight", {n_embd}));
        RWB_RETURN_IF_ERROR(
            b.add(hf + "self_attn.q_proj.weight", g + "attn_q.weight", {q_rows, n_embd}, llama));
        if (c.attention_bias)
            RWB_RETURN_IF_ERROR(
                b.add(hf + "self_attn.q_proj.bias", g + "attn_q.bias", {q_rows}, llama));
        RWB_RETURN_IF_ERROR(
            b.add(hf + "self_attn.k_proj.weight", g + "attn_k.weight", {kv_rows, n_embd}, llama));
        if (c.attention_bias)
            RWB_RETURN_IF_ERROR(
                b.add(hf + "self_attn.k_proj.bias", g + "attn_k.bias", {kv_rows}, llama));
        RWB_RETURN_IF_ERROR(
            b.add(hf + "self_attn.v_proj.weight", g + "attn_v.weight", {kv_rows, n_embd}));
        if (c.attention_bias)
            RWB_RETURN_IF_ERROR(b.add(hf + "self_attn.v_proj.bias", g + "attn_v.bias", {kv_rows}));
        RWB_RETURN_IF_ERROR(
            b.add(hf + "self_attn.o_proj.weight", g + "attn_output.weight", {n_embd, q_rows}));
        RWB_RETURN_IF_ERROR(
            b.add(hf + "post_attention_layernorm.weight", g + "ffn_norm.weight", {n_embd}));
        RWB_RETURN_IF_ERROR(
            b.add(hf + "mlp.gate_proj.weight", g + "ffn_gate.weight", {n_ff, n_embd}));
        RWB_RETURN_IF_ERROR(b.add(hf + "mlp.up_proj.weight", g + "ffn_up.weight", {n_ff, n_embd}));
        RWB_RETURN_IF_ERROR(
            b.add(hf + "mlp.down_proj.weight", g + "ffn_down.weight", {n_embd, n_ff}));
    }
    RWB_RETURN_IF_ERROR(b.add("model.norm.weight", "output_norm.weight", {n_embd}));
    // Tied embeddings: llama.cpp reads token_embd as the output when output.weight is absent.
    if (model.find("lm_head.weight") != nullptr || !c.tie_word_embeddings)
        RWB_RETURN_IF_ERROR(b.add("lm_head.weight", "output.weight", {n_vocab, n_embd}));

    for (const std::string& name : model.names()) {
        if (b.used.count(name)) continue;
        // Buffers some older checkpoints saved; recomputed at load time, not model weights.
        if (name.size() >= 25 && name.ends_with(".self_attn.rotary_emb.inv_freq")) continue;
        return R::error("unexpected tensor " + name + " for " + c.architecture);
    }
    return std::move(b.out);
}

} // namespace rwb::convert
