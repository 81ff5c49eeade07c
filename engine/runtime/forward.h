// Forward: one layer loop for both prefill (a batch of rows: matrix products with M > 1) and
// decode (M = 1). Owns every activation buffer, sized once for max_batch rows, so evaluation
// allocates nothing. K/V of the new positions are written into the KV cache. This is the CPU
// backend's executor; the CUDA executor also uses it for the layers a partial offload leaves on
// the CPU (eval_hidden).
#pragma once

#include "backends/backend.h"
#include "backends/cpu/thread_pool.h"
#include "model/model_data.h"
#include "runtime/attention.h"
#include "runtime/kv_cache.h"
#include "runtime/op_profile.h"
#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <atomic>
#include <vector>

namespace rwb::runtime {

class Forward : public backend::Executor {
public:
    Forward(const model::ModelData& model, KvCache& cache, cpu::ThreadPool& pool,
            int64_t max_batch);

    int64_t max_batch() const override { return max_batch_; }
    std::string name() const override { return "cpu"; }
    std::string profile_report() const override { return profile_.report(); }
    uint64_t buffer_bytes() const override;

    // Evaluates n (<= max_batch) tokens at positions pos0 .. pos0+n-1 (the cache must hold
    // 0 .. pos0-1). logits: [n][n_vocab] when all_rows, else [n_vocab] for the last row only.
    // Returns "cancelled" when *cancel becomes true (checked between layers).
    Status eval(const TokenId* tokens, int64_t n, int64_t pos0, float* logits, bool all_rows,
                const std::atomic<bool>* cancel) override;
    // Same from the hidden state x [n][n_embd] entering layer first_layer (layers before it ran
    // elsewhere and wrote their own KV caches).
    Status eval_hidden(const float* x, int64_t n, int64_t pos0, int64_t first_layer, float* logits,
                       bool all_rows, const std::atomic<bool>* cancel);

    const OpProfile& profile() const { return profile_; }

private:
    Status layer(int64_t l, int64_t n, int64_t pos0);
    Status run_layers(int64_t first, int64_t n, int64_t pos0, float* logits, bool all_rows,
                      const std::atomic<bool>* cancel);

    const model::ModelData& m_;
    KvCache& cache_;
    cpu::ThreadPool& pool_;
    int64_t max_batch_;
    Attention attention_;
    OpProfile profile_;
    std::vector<float> x_, xn_, q_, k_, v_, attn_, gate_, up_, cos_, sin_;
};

} // namespace rwb::runtime
