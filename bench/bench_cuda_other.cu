// bench_cuda_ops, the ops besides the products: RMSNorm, SwiGLU, RoPE with the KV write,
// attention over caches of several lengths, and sampling on the device.
#include "bench_cuda_common.h"

#include <cmath>

using namespace rwb::cuda;

namespace rwb::cuda_bench {

void bench_other(const ModelShape& m, const Args& a, cudaStream_t s, double copy_bw) {
    const int64_t qd = m.heads * m.head_dim, kd = m.kv_heads * m.head_dim;
    const int max_ctx = *std::max_element(a.ctx.begin(), a.ctx.end());
    float *x, *w, *out, *q, *k, *v, *att, *partial;
    double* inv_freq;
    __half *kc, *vc;
    RowKv* rows;
    ok(cudaMalloc(&x, m.ff * 4), "malloc");
    ok(cudaMalloc(&w, m.ff * 4), "malloc");
    ok(cudaMalloc(&out, m.ff * 4), "malloc");
    ok(cudaMalloc(&q, qd * 4), "malloc");
    ok(cudaMalloc(&k, kd * 4), "malloc");
    ok(cudaMalloc(&v, kd * 4), "malloc");
    ok(cudaMalloc(&att, qd * 4), "malloc");
    ok(cudaMalloc(&partial, uint64_t(m.heads) * kMaxSplits * (m.head_dim + 2) * 4), "malloc");
    ok(cudaMalloc(&inv_freq, m.head_dim * 8), "malloc");
    ok(cudaMalloc(&kc, uint64_t(kd) * max_ctx * 2), "malloc");
    ok(cudaMalloc(&vc, uint64_t(kd) * max_ctx * 2), "malloc");
    ok(cudaMalloc(&rows, sizeof(RowKv)), "malloc");
    int* counters;
    ok(cudaMalloc(&counters, m.heads * 4), "malloc");
    cudaMemset(counters, 0, m.heads * 4);
    fill(x, m.ff * 4, 3), fill(w, m.ff * 4, 4), fill(q, qd * 4, 5), fill(k, kd * 4, 6);
    fill(v, kd * 4, 8), fill(kc, uint64_t(kd) * max_ctx * 2, 9),
        fill(vc, uint64_t(kd) * max_ctx * 2, 10);
    std::vector<double> freq(size_t(m.head_dim / 2));
    for (size_t i = 0; i < freq.size(); ++i)
        freq[i] = std::pow(10000.0, -2.0 * double(i) / double(m.head_dim));
    cudaMemcpy(inv_freq, freq.data(), freq.size() * 8, cudaMemcpyHostToDevice);
    char shape[64];

    std::snprintf(shape, sizeof shape, "1 x %lld", (long long)m.embd);
    row("rms_norm", shape, time_op(s, 64, [&](int) { rms_norm(x, w, out, 1, m.embd, 1e-6f, s); }),
        double(m.embd) * 12, copy_bw);
    std::snprintf(shape, sizeof shape, "1 x %lld", (long long)m.ff);
    row("swiglu", shape, time_op(s, 64, [&](int) { swiglu(out, x, m.ff, s); }), double(m.ff) * 12,
        copy_bw);

    for (int ctx : a.ctx) {
        RowKv r{kc, vc, ctx - 1, max_ctx};
        cudaMemcpy(rows, &r, sizeof r, cudaMemcpyHostToDevice);
        std::snprintf(shape, sizeof shape, "pos %d", ctx - 1);
        RopeArgs ra{m.heads, m.kv_heads, m.head_dim, m.head_dim, 1, inv_freq, 0};
        if (ctx == a.ctx.front())
            row("rope + kv write", shape,
                time_op(s, 64, [&](int) { rope_kv_store(q, k, v, rows, 1, ra, s); }),
                double(qd + 2 * kd) * 4 + double(kd) * 4, copy_bw);
        const int splits = decode_splits(ctx); // as the decode step chooses
        AttentionArgs aa{m.heads, m.kv_heads, m.head_dim, 0, 0.088f, splits, partial};
        const double t = time_op(s, 64, [&](int) { attention(q, rows, 1, att, aa, s); });
        char op[64];
        std::snprintf(op, sizeof op, "attention (%d splits)", splits);
        row(op, shape, t, double(ctx) * double(kd) * 4, copy_bw);
        AttentionArgs ad = aa; // as the decode step runs it: the last split merges
        ad.counters = counters;
        const double td =
            time_op(s, 64, [&](int) { attention_decode(q, k, v, rows, 1, att, ad, ra, s); });
        std::snprintf(op, sizeof op, "rope+attention (%d splits)", splits);
        row(op, shape, td, double(ctx) * double(kd) * 4, copy_bw);
    }
    for (void* p :
         {(void*)x, (void*)w, (void*)out, (void*)q, (void*)k, (void*)v, (void*)att, (void*)partial,
          (void*)inv_freq, (void*)kc, (void*)vc, (void*)rows, (void*)counters})
        cudaFree(p);
}

// Sampling on the device over one vocabulary row (sample_select.cu), as a decode step with the
// R1 sampler runs it; the bytes are the row's. The logits are 4 * N(0, 1): a peaked row, whose
// nucleus at T 0.6 / top-p 0.95 is a few hundred tokens (a flat row would overflow the 4096
// candidates and go to the whole-row download instead).
void bench_sampling(const ModelShape& m, cudaStream_t s, double copy_bw) {
    std::vector<float> host(size_t(m.vocab));
    uint64_t x = 88172645463325252ull;
    for (float& v : host) { // Box-Muller over a xorshift stream: reproducible, no <random> state
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const double u1 = (double(x >> 11) + 1.0) / 9007199254740993.0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const double u2 = double(x >> 11) / 9007199254740992.0;
        v = float(4.0 * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }
    float* logits = nullptr;
    SelectHeader* head = nullptr;
    SelectCandidate* cands = nullptr;
    SelectWork* work = nullptr;
    if (!ok(cudaMalloc(&logits, host.size() * 4), "malloc") ||
        !ok(cudaMalloc(&head, sizeof(SelectHeader)), "malloc") ||
        !ok(cudaMalloc(&cands, 4096 * sizeof(SelectCandidate)), "malloc") ||
        !ok(cudaMalloc(&work, sizeof(SelectWork)), "malloc"))
        return;
    cudaMemcpy(logits, host.data(), host.size() * 4, cudaMemcpyHostToDevice);
    char shape[64];
    std::snprintf(shape, sizeof shape, "1 x %lld", (long long)m.vocab);
    const double bytes = double(m.vocab) * 4;
    row("sample argmax", shape,
        time_op(s, 64, [&](int) { select_argmax(logits, m.vocab, head, s); }), bytes, copy_bw);
    row("sample top-k 40", shape,
        time_op(s, 64,
                [&](int) { select_top_k(logits, m.vocab, 1.f / 0.6f, 40, head, cands, work, s); }),
        bytes, copy_bw);
    row("sample top-k 40, one block", shape,
        time_op(
            s, 64,
            [&](int) { select_top_k(logits, m.vocab, 1.f / 0.6f, 40, head, cands, nullptr, s); }),
        bytes, copy_bw);
    const double tn = time_op(s, 64, [&](int) {
        select_nucleus(logits, m.vocab, 1.f / 0.6f, 0.95f, 0.f, 4096, head, cands, work, s);
    });
    SelectHeader h{};
    cudaMemcpy(&h, head, sizeof h, cudaMemcpyDeviceToHost);
    char op[64];
    std::snprintf(op, sizeof op, "sample nucleus (%d kept)", int(h.count));
    row(op, shape, tn, bytes, copy_bw);
    for (void* p : {(void*)logits, (void*)head, (void*)cands, (void*)work}) cudaFree(p);
}

} // namespace rwb::cuda_bench
