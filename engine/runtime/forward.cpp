// The decoder layer loop (qwen2 / llama share it; qwen2 adds q/k/v biases, the rope pairing comes
// from the rope table):
//   h = rmsnorm(x) * attn_norm; q,k,v = W h (+ b); rope(q, k); cache <- k, v
//   x += Wo attention(q, cache);  x += Wdown(silu(Wgate rmsnorm(x)) * Wup rmsnorm(x))
//   logits = Woutput rmsnorm(x) * output_norm
#include "runtime/forward.h"

#include "runtime/ops.h"

#include <algorithm>
#include <cmath>

namespace rwb::runtime {

Forward::Forward(const model::ModelData& model, KvCache& cache, cpu::ThreadPool& pool,
                 int64_t max_batch)
    : m_(model), cache_(cache), pool_(pool), max_batch_(max_batch),
      attention_(pool.size(), model.hp.head_dim) {
    const auto& hp = m_.hp;
    const size_t B = size_t(max_batch);
    x_.resize(B * size_t(hp.n_embd));
    xn_.resize(B * size_t(hp.n_embd));
    q_.resize(B * size_t(hp.q_dim()));
    attn_.resize(B * size_t(hp.q_dim()));
    k_.resize(B * size_t(hp.kv_dim()));
    v_.resize(B * size_t(hp.kv_dim()));
    gate_.resize(B * size_t(hp.n_ff));
    up_.resize(B * size_t(hp.n_ff));
    cos_.resize(size_t(hp.n_rot / 2));
    sin_.resize(size_t(hp.n_rot / 2));
}

uint64_t Forward::buffer_bytes() const {
    uint64_t floats = 0;
    for (const std::vector<float>* b :
         {&x_, &xn_, &q_, &k_, &v_, &attn_, &gate_, &up_, &cos_, &sin_})
        floats += b->capacity();
    return floats * sizeof(float) + attention_.scratch_bytes();
}

Status Forward::layer(int64_t l, int64_t n, int64_t pos0) {
    const auto& hp = m_.hp;
    const auto& L = m_.weights.layers[size_t(l)];
    const int64_t E = hp.n_embd, QD = hp.q_dim(), KD = hp.kv_dim(), F = hp.n_ff;
    {
        OpTimer t(profile_, Op::Norm);
        for (int64_t i = 0; i < n; ++i)
            rms_norm_row(&x_[size_t(i * E)], L.attn_norm.data(), &xn_[size_t(i * E)], E,
                         hp.rms_eps);
    }
    {
        OpTimer t(profile_, Op::MatQKV);
        RWB_RETURN_IF_ERROR(cpu::matmul(L.wq, xn_.data(), n, E, q_.data(), QD, pool_));
        RWB_RETURN_IF_ERROR(cpu::matmul(L.wk, xn_.data(), n, E, k_.data(), KD, pool_));
        RWB_RETURN_IF_ERROR(cpu::matmul(L.wv, xn_.data(), n, E, v_.data(), KD, pool_));
        if (!L.bq.empty())
            for (int64_t i = 0; i < n; ++i) {
                add_row(&q_[size_t(i * QD)], L.bq.data(), QD);
                add_row(&k_[size_t(i * KD)], L.bk.data(), KD);
                add_row(&v_[size_t(i * KD)], L.bv.data(), KD);
            }
    }
    {
        OpTimer t(profile_, Op::Rope);
        for (int64_t i = 0; i < n; ++i) {
            rope_row(&q_[size_t(i * QD)], hp.n_head, hp.head_dim, pos0 + i, m_.rope, cos_.data(),
                     sin_.data());
            rope_row(&k_[size_t(i * KD)], hp.n_head_kv, hp.head_dim, pos0 + i, m_.rope, cos_.data(),
                     sin_.data());
        }
    }
    {
        OpTimer t(profile_, Op::KvStore);
        for (int64_t h = 0; h < hp.n_head_kv; ++h) {
            uint8_t* kb = cache_.k(l, h);
            uint8_t* vb = cache_.v(l, h);
            for (int64_t i = 0; i < n; ++i) {
                cache_.store(kb, pos0 + i, &k_[size_t(i * KD + h * hp.head_dim)]);
                cache_.store(vb, pos0 + i, &v_[size_t(i * KD + h * hp.head_dim)]);
            }
        }
    }
    {
        OpTimer t(profile_, Op::Attention);
        AttentionArgs a;
        a.q = q_.data();
        a.out = attn_.data();
        a.n_rows = n;
        a.pos0 = pos0;
        a.n_head = hp.n_head;
        a.n_head_kv = hp.n_head_kv;
        a.layer = l;
        a.scale = float(1.0 / std::sqrt(double(hp.head_dim)));
        attention_.run(a, cache_, pool_);
    }
    {
        OpTimer t(profile_, Op::MatOut);
        // xn_ is free here: it takes Wo * attention, then is added to the residual stream.
        RWB_RETURN_IF_ERROR(cpu::matmul(L.wo, attn_.data(), n, QD, xn_.data(), E, pool_));
        for (int64_t i = 0; i < n * E; ++i) x_[size_t(i)] += xn_[size_t(i)];
    }
    {
        OpTimer t(profile_, Op::Norm);
        for (int64_t i = 0; i < n; ++i)
            rms_norm_row(&x_[size_t(i * E)], L.ffn_norm.data(), &xn_[size_t(i * E)], E, hp.rms_eps);
    }
    {
        OpTimer t(profile_, Op::MatFfnUp);
        RWB_RETURN_IF_ERROR(cpu::matmul(L.ffn_gate, xn_.data(), n, E, gate_.data(), F, pool_));
        RWB_RETURN_IF_ERROR(cpu::matmul(L.ffn_up, xn_.data(), n, E, up_.data(), F, pool_));
    }
    {
        OpTimer t(profile_, Op::Swiglu);
        swiglu_row(gate_.data(), up_.data(), n * F);
    }
    {
        OpTimer t(profile_, Op::MatFfnDown);
        RWB_RETURN_IF_ERROR(cpu::matmul(L.ffn_down, gate_.data(), n, F, xn_.data(), E, pool_));
        for (int64_t i = 0; i < n * E; ++i) x_[size_t(i)] += xn_[size_t(i)];
    }
    return Status::ok();
}

Status Forward::eval(const TokenId* tokens, int64_t n, int64_t pos0, float* logits, bool all_rows,
                     const std::atomic<bool>* cancel) {
    const auto& hp = m_.hp;
    if (n <= 0 || n > max_batch_) return Status::error("bad batch size");
    if (pos0 < 0 || pos0 + n > cache_.n_ctx()) return Status::error("context is full");
    const int64_t E = hp.n_embd;
    {
        OpTimer t(profile_, Op::Embed);
        for (int64_t i = 0; i < n; ++i) {
            if (tokens[i] < 0 || tokens[i] >= hp.n_vocab)
                return Status::error("token id " + std::to_string(tokens[i]) +
                                     " is outside the vocabulary (0.." +
                                     std::to_string(hp.n_vocab - 1) + ")");
            RWB_RETURN_IF_ERROR(
                cpu::dequantize_row(m_.weights.token_embd, tokens[i], &x_[size_t(i * E)]));
        }
    }
    return run_layers(0, n, pos0, logits, all_rows, cancel);
}

Status Forward::eval_hidden(const float* x, int64_t n, int64_t pos0, int64_t first_layer,
                            float* logits, bool all_rows, const std::atomic<bool>* cancel) {
    if (n <= 0 || n > max_batch_) return Status::error("bad batch size");
    if (pos0 < 0 || pos0 + n > cache_.n_ctx()) return Status::error("context is full");
    std::copy(x, x + n * m_.hp.n_embd, x_.begin());
    return run_layers(first_layer, n, pos0, logits, all_rows, cancel);
}

Status Forward::run_layers(int64_t first, int64_t n, int64_t pos0, float* logits, bool all_rows,
                           const std::atomic<bool>* cancel) {
    const auto& hp = m_.hp;
    const int64_t E = hp.n_embd;
    for (int64_t l = first; l < hp.n_layer; ++l) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return Status::error("cancelled");
        RWB_RETURN_IF_ERROR(layer(l, n, pos0));
    }
    OpTimer t(profile_, Op::Output);
    const int64_t first_row = all_rows ? 0 : n - 1;
    for (int64_t i = first_row; i < n; ++i)
        rms_norm_row(&x_[size_t(i * E)], m_.weights.output_norm.data(), &xn_[size_t(i * E)], E,
                     hp.rms_eps);
    return cpu::matmul(m_.weights.output, &xn_[size_t(first_row * E)], n - first_row, E, logits,
                       hp.n_vocab, pool_);
}

} // namespace rwb::runtime
