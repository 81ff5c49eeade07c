// Weight lookup with shape and type checks (files come from strangers).
#include "model/weights.h"

#include "quant/quant.h"

#include <string>

namespace rwb::model {
namespace {

std::string shape_text(const std::vector<uint64_t>& ne) {
    std::string s = "[";
    for (size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
    return s + "]";
}

class TensorFinder {
public:
    explicit TensorFinder(const gguf::GgufFile& f) : f_(f) {}

    Result<cpu::WeightMatrix> matrix(const std::string& name, int64_t cols, int64_t rows) const {
        const gguf::TensorInfo* t = f_.find_tensor(name);
        if (!t) return Result<cpu::WeightMatrix>::error("missing tensor " + name);
        const std::vector<uint64_t> want = {uint64_t(cols), uint64_t(rows)};
        if (t->ne.size() < 2 || t->ne[0] != want[0] || t->ne[1] != want[1] ||
            (t->ne.size() > 2 && t->n_elements != want[0] * want[1]))
            return Result<cpu::WeightMatrix>::error("tensor " + name + " has shape " +
                                                    shape_text(t->ne) + ", expected " +
                                                    shape_text(want));
        if (!quant::is_supported(t->type))
            return Result<cpu::WeightMatrix>::error("tensor " + name + " has type " +
                                                    std::string(ggml_type_name(t->type)) +
                                                    ", which this engine does not support");
        auto row_bytes = ggml_row_bytes(t->type, uint64_t(cols));
        if (!row_bytes || *row_bytes * uint64_t(rows) != t->n_bytes)
            return Result<cpu::WeightMatrix>::error("tensor " + name + " has a bad size");
        cpu::WeightMatrix w;
        w.type = t->type;
        w.data = f_.tensor_data(*t);
        w.rows = rows;
        w.cols = cols;
        w.row_bytes = size_t(*row_bytes);
        return w;
    }

    Result<std::vector<float>> vec(const std::string& name, int64_t n) const {
        const gguf::TensorInfo* t = f_.find_tensor(name);
        if (!t) return Result<std::vector<float>>::error("missing tensor " + name);
        if (t->n_elements != uint64_t(n) || t->ne.empty() || t->ne[0] != uint64_t(n))
            return Result<std::vector<float>>::error("tensor " + name + " has shape " +
                                                     shape_text(t->ne) + ", expected [" +
                                                     std::to_string(n) + "]");
        if (!quant::is_supported(t->type))
            return Result<std::vector<float>>::error("tensor " + name + " has unsupported type " +
                                                     std::string(ggml_type_name(t->type)));
        std::vector<float> out(static_cast<size_t>(n));
        Status s = quant::dequantize_row(t->type, f_.tensor_data(*t), out.data(), n);
        if (!s) return s.with_context("tensor " + name);
        return out;
    }

    bool has(const std::string& name) const { return f_.find_tensor(name) != nullptr; }

private:
    const gguf::GgufFile& f_;
};

#define RWB_ASSIGN(lhs, expr)                                                                      \
    do {                                                                                           \
        auto rwb_r_ = (expr);                                                                      \
        if (!rwb_r_) return rwb_r_.status();                                                       \
        lhs = std::move(*rwb_r_);                                                                  \
    } while (0)

} // namespace

Result<ModelWeights> load_weights(const gguf::GgufFile& f, const HParams& hp) {
    TensorFinder find(f);
    ModelWeights w;
    RWB_ASSIGN(w.token_embd, find.matrix("token_embd.weight", hp.n_embd, hp.n_vocab));
    RWB_ASSIGN(w.output_norm, find.vec("output_norm.weight", hp.n_embd));
    if (find.has("output.weight")) {
        RWB_ASSIGN(w.output, find.matrix("output.weight", hp.n_embd, hp.n_vocab));
    } else {
        w.output = w.token_embd;
        w.tied_output = true;
    }
    if (find.has("rope_freqs.weight"))
        RWB_ASSIGN(w.rope_freqs, find.vec("rope_freqs.weight", hp.n_rot / 2));

    const bool bias = hp.arch == Architecture::Qwen2;
    w.layers.resize(size_t(hp.n_layer));
    for (int64_t l = 0; l < hp.n_layer; ++l) {
        LayerWeights& L = w.layers[size_t(l)];
        const std::string p = "blk." + std::to_string(l) + ".";
        RWB_ASSIGN(L.attn_norm, find.vec(p + "attn_norm.weight", hp.n_embd));
        RWB_ASSIGN(L.wq, find.matrix(p + "attn_q.weight", hp.n_embd, hp.q_dim()));
        RWB_ASSIGN(L.wk, find.matrix(p + "attn_k.weight", hp.n_embd, hp.kv_dim()));
        RWB_ASSIGN(L.wv, find.matrix(p + "attn_v.weight", hp.n_embd, hp.kv_dim()));
        if (bias || find.has(p + "attn_q.bias")) {
            RWB_ASSIGN(L.bq, find.vec(p + "attn_q.bias", hp.q_dim()));
            RWB_ASSIGN(L.bk, find.vec(p + "attn_k.bias", hp.kv_dim()));
            RWB_ASSIGN(L.bv, find.vec(p + "attn_v.bias", hp.kv_dim()));
        }
        RWB_ASSIGN(L.wo, find.matrix(p + "attn_output.weight", hp.q_dim(), hp.n_embd));
        RWB_ASSIGN(L.ffn_norm, find.vec(p + "ffn_norm.weight", hp.n_embd));
        RWB_ASSIGN(L.ffn_gate, find.matrix(p + "ffn_gate.weight", hp.n_embd, hp.n_ff));
        RWB_ASSIGN(L.ffn_up, find.matrix(p + "ffn_up.weight", hp.n_embd, hp.n_ff));
        RWB_ASSIGN(L.ffn_down, find.matrix(p + "ffn_down.weight", hp.n_ff, hp.n_embd));
    }
    return w;
}

} // namespace rwb::model
