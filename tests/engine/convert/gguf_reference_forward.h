// A float64 forward pass over a GGUF file of arch qwen2 or llama, written straight from the
// formulas in tests/data/reference/README.md (llama.cpp's semantics: token_embd rows, RMSNorm,
// q/k/v (+bias), RoPE with adjacent pairs for llama and NEOX pairs for qwen2, rope_freqs divisors,
// GQA attention, SwiGLU FFN, output or tied token_embd). Test oracle only: it checks that a GGUF
// we wrote means the same model as the Hugging Face folder it came from, independently of the
// engine's own forward pass. It is itself checked against llama.cpp-made files and their exact
// logits (tst_convert_hf).
#pragma once

#include "gguf/gguf_file.h"
#include "quant/quant.h"

#include <cmath>
#include <string>
#include <vector>

namespace rwb::testing {

struct RefTensor {
    std::vector<float> v; // dequantized, ggml order (rows of ne[0])
    int64_t cols = 0;     // ne[0]
    int64_t rows = 0;
};

inline bool load_ref_tensor(const gguf::GgufFile& f, const std::string& name, RefTensor& out) {
    const gguf::TensorInfo* t = f.find_tensor(name);
    if (t == nullptr) return false;
    out.cols = static_cast<int64_t>(t->ne[0]);
    out.rows = static_cast<int64_t>(t->n_elements) / out.cols;
    out.v.resize(t->n_elements);
    return quant::dequantize_row(t->type, f.tensor_data(*t), out.v.data(),
                                 static_cast<int64_t>(t->n_elements))
        .is_ok();
}

// y = W x for W of `rows` rows of `cols`.
inline std::vector<double> ref_matvec(const RefTensor& w, const std::vector<double>& x) {
    std::vector<double> y(static_cast<size_t>(w.rows), 0.0);
    for (int64_t r = 0; r < w.rows; ++r) {
        const float* row = w.v.data() + r * w.cols;
        double s = 0;
        for (int64_t c = 0; c < w.cols; ++c) s += double(row[c]) * x[size_t(c)];
        y[size_t(r)] = s;
    }
    return y;
}

inline std::vector<double> ref_rmsnorm(const std::vector<double>& x, const RefTensor& w,
                                       double eps) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double inv = 1.0 / std::sqrt(ss / double(x.size()) + eps);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * double(w.v[i]);
    return y;
}

// Logits of every position, [n_tokens][n_vocab] as float; empty with `error` set on failure.
inline std::vector<float> reference_forward(const gguf::GgufFile& f, const std::vector<int>& ids,
                                            std::string& error) {
    auto arch_r = f.get_string("general.architecture");
    if (!arch_r) return error = arch_r.message(), std::vector<float>{};
    const std::string a = arch_r.value();
    const bool neox = a == "qwen2";
    const auto n_layer = int64_t(f.get_uint(a + ".block_count").value());
    const auto n_embd = int64_t(f.get_uint(a + ".embedding_length").value());
    const auto n_head = int64_t(f.get_uint(a + ".attention.head_count").value());
    const auto n_kv = int64_t(f.get_uint(a + ".attention.head_count_kv").value());
    const double eps = f.get_float(a + ".attention.layer_norm_rms_epsilon").value();
    const double base = f.get_float(a + ".rope.freq_base").value();
    const int64_t hd = n_embd / n_head;

    auto need = [&](const std::string& name, RefTensor& t) {
        if (!load_ref_tensor(f, name, t)) error = "cannot read tensor " + name;
        return error.empty();
    };
    RefTensor embd, out_norm, output, rope_freqs;
    if (!need("token_embd.weight", embd) || !need("output_norm.weight", out_norm)) return {};
    if (!load_ref_tensor(f, "output.weight", output)) output = embd;
    const bool has_ff = load_ref_tensor(f, "rope_freqs.weight", rope_freqs);

    const size_t n = ids.size();
    std::vector<std::vector<double>> x(n);
    for (size_t p = 0; p < n; ++p) {
        x[p].resize(size_t(n_embd));
        for (int64_t c = 0; c < n_embd; ++c) x[p][size_t(c)] = embd.v[size_t(ids[p] * n_embd + c)];
    }
    auto rope = [&](std::vector<double>& v, int64_t heads, size_t pos) {
        for (int64_t h = 0; h < heads; ++h)
            for (int64_t i = 0; i < hd / 2; ++i) {
                double theta = double(pos) * std::pow(base, -2.0 * double(i) / double(hd));
                if (has_ff) theta /= double(rope_freqs.v[size_t(i)]);
                const size_t i0 = size_t(h * hd + (neox ? i : 2 * i));
                const size_t i1 = size_t(h * hd + (neox ? i + hd / 2 : 2 * i + 1));
                const double c = std::cos(theta), s = std::sin(theta);
                const double x0 = v[i0], x1 = v[i1];
                v[i0] = x0 * c - x1 * s;
                v[i1] = x0 * s + x1 * c;
            }
    };
    for (int64_t l = 0; l < n_layer; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        RefTensor an, wq, wk, wv, wo, fn, wg, wu, wd, bq, bk, bv;
        if (!need(b + "attn_norm.weight", an) || !need(b + "attn_q.weight", wq) ||
            !need(b + "attn_k.weight", wk) || !need(b + "attn_v.weight", wv) ||
            !need(b + "attn_output.weight", wo) || !need(b + "ffn_norm.weight", fn) ||
            !need(b + "ffn_gate.weight", wg) || !need(b + "ffn_up.weight", wu) ||
            !need(b + "ffn_down.weight", wd))
            return {};
        const bool bias = load_ref_tensor(f, b + "attn_q.bias", bq);
        if (bias && (!need(b + "attn_k.bias", bk) || !need(b + "attn_v.bias", bv))) return {};
        std::vector<std::vector<double>> q(n), k(n), v(n);
        for (size_t p = 0; p < n; ++p) {
            const auto h = ref_rmsnorm(x[p], an, eps);
            q[p] = ref_matvec(wq, h);
            k[p] = ref_matvec(wk, h);
            v[p] = ref_matvec(wv, h);
            if (bias) {
                for (size_t i = 0; i < q[p].size(); ++i) q[p][i] += bq.v[i];
                for (size_t i = 0; i < k[p].size(); ++i) k[p][i] += bk.v[i];
                for (size_t i = 0; i < v[p].size(); ++i) v[p][i] += bv.v[i];
            }
            rope(q[p], n_head, p);
            rope(k[p], n_kv, p);
        }
        for (size_t p = 0; p < n; ++p) {
            std::vector<double> att(size_t(n_head * hd), 0.0);
            for (int64_t h = 0; h < n_head; ++h) {
                const int64_t kh = h / (n_head / n_kv);
                std::vector<double> sc(p + 1);
                double mx = -1e300;
                for (size_t t = 0; t <= p; ++t) {
                    double s = 0;
                    for (int64_t d = 0; d < hd; ++d)
                        s += q[p][size_t(h * hd + d)] * k[t][size_t(kh * hd + d)];
                    sc[t] = s / std::sqrt(double(hd));
                    mx = std::max(mx, sc[t]);
                }
                double z = 0;
                for (auto& s : sc) z += (s = std::exp(s - mx));
                for (size_t t = 0; t <= p; ++t)
                    for (int64_t d = 0; d < hd; ++d)
                        att[size_t(h * hd + d)] += sc[t] / z * v[t][size_t(kh * hd + d)];
            }
            const auto o = ref_matvec(wo, att);
            for (size_t i = 0; i < o.size(); ++i) x[p][i] += o[i];
            const auto h2 = ref_rmsnorm(x[p], fn, eps);
            auto g = ref_matvec(wg, h2);
            const auto u = ref_matvec(wu, h2);
            for (size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
            const auto d = ref_matvec(wd, g);
            for (size_t i = 0; i < d.size(); ++i) x[p][i] += d[i];
        }
    }
    std::vector<float> logits;
    logits.reserve(n * size_t(output.rows));
    for (size_t p = 0; p < n; ++p)
        for (double y : ref_matvec(output, ref_rmsnorm(x[p], out_norm, eps)))
            logits.push_back(float(y));
    return logits;
}

} // namespace rwb::testing
