// Causal attention over the KV cache, one query row and head at a time with an online softmax
// (flash-attention style): memory is O(head_dim) per worker whatever the context length; no
// n x n score matrix is ever built. Work is spread over (row, head) pairs on the thread pool.
#pragma once

#include "backends/cpu/thread_pool.h"
#include "runtime/kv_cache.h"

#include <cstdint>
#include <vector>

namespace rwb::runtime {

// Positions processed per online-softmax step (scores for one chunk live in scratch).
inline constexpr int64_t kAttentionChunk = 128;

struct AttentionArgs {
    const float* q = nullptr; // [n_rows][n_head * head_dim], already rotated
    float* out = nullptr;     // [n_rows][n_head * head_dim]
    int64_t n_rows = 0;
    int64_t pos0 = 0; // position of row 0; row i sees cache positions [0, pos0 + i]
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t layer = 0;
    float scale = 1.0f;
};

class Attention {
public:
    // Scratch for up to n_threads workers, allocated here once.
    Attention(int n_threads, int64_t head_dim);
    void run(const AttentionArgs& args, const KvCache& cache, cpu::ThreadPool& pool);
    uint64_t scratch_bytes() const { return uint64_t(scratch_.capacity()) * sizeof(float); }

private:
    void row_head(const AttentionArgs& a, const KvCache& cache, int64_t row, int64_t head,
                  float* scores, float* acc, float* kv_row) const;
    int64_t head_dim_;
    std::vector<float> scratch_; // per worker: scores[chunk] + acc[head_dim] + kv_row[head_dim]
    int n_workers_;
    const AttentionArgs* args_ = nullptr;
    const KvCache* cache_ = nullptr;
};

} // namespace rwb::runtime
