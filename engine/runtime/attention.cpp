// Online-softmax attention. Scores of a chunk of positions are computed first, then the running
// maximum, sum and weighted value accumulator are rescaled once per chunk (not per position).
// F16 caches are read through F16C when the CPU has it (checked once at run time).
#include "runtime/attention.h"

#include "quant/fp16.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define RWB_ATTN_X86 1
#endif

namespace rwb::runtime {
namespace {

float dot_f32(const float* a, const float* b, int64_t n) {
    float s = 0;
    for (int64_t i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
}
void axpy_f32(float* y, float w, const float* x, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] += w * x[i];
}
float dot_f16_portable(const float* a, const uint16_t* b, int64_t n) {
    float s = 0;
    for (int64_t i = 0; i < n; ++i) s += a[i] * quant::fp16_to_fp32(b[i]);
    return s;
}
void axpy_f16_portable(float* y, float w, const uint16_t* x, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] += w * quant::fp16_to_fp32(x[i]);
}

#ifdef RWB_ATTN_X86
__attribute__((target("avx2,fma,f16c"))) float dot_f16_avx2(const float* a, const uint16_t* b,
                                                            int64_t n) {
    __m256 s = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 kb = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
        s = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), kb, s);
    }
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    float r = _mm_cvtss_f32(lo);
    for (; i < n; ++i) r += a[i] * quant::fp16_to_fp32(b[i]);
    return r;
}
__attribute__((target("avx2,fma,f16c"))) void axpy_f16_avx2(float* y, float w, const uint16_t* x,
                                                            int64_t n) {
    const __m256 wv = _mm256_set1_ps(w);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(wv, xv, _mm256_loadu_ps(y + i)));
    }
    for (; i < n; ++i) y[i] += w * quant::fp16_to_fp32(x[i]);
}
bool have_f16c() {
    static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                           __builtin_cpu_supports("f16c");
    return ok;
}
#endif

using DotF16 = float (*)(const float*, const uint16_t*, int64_t);
using AxpyF16 = void (*)(float*, float, const uint16_t*, int64_t);

DotF16 pick_dot() {
#ifdef RWB_ATTN_X86
    if (have_f16c()) return dot_f16_avx2;
#endif
    return dot_f16_portable;
}
AxpyF16 pick_axpy() {
#ifdef RWB_ATTN_X86
    if (have_f16c()) return axpy_f16_avx2;
#endif
    return axpy_f16_portable;
}

} // namespace

Attention::Attention(int n_threads, int64_t head_dim)
    : head_dim_(head_dim), n_workers_(std::max(1, n_threads)) {
    scratch_.resize(size_t(n_workers_) * size_t(kAttentionChunk + 2 * head_dim));
}

void Attention::row_head(const AttentionArgs& a, const KvCache& cache, int64_t row, int64_t head,
                         float* scores, float* acc, float* /*kv_row*/) const {
    static const DotF16 dot_f16 = pick_dot();
    static const AxpyF16 axpy_f16 = pick_axpy();
    const int64_t hd = head_dim_;
    const int64_t kvh = head / (a.n_head / a.n_head_kv);
    const float* q = a.q + (row * a.n_head + head) * hd;
    const int64_t n_kv = a.pos0 + row + 1; // causal: positions 0 .. pos0 + row
    const bool f16 = cache.type() == KvCacheType::F16;
    const uint8_t* kb = cache.k(a.layer, kvh);
    const uint8_t* vb = cache.v(a.layer, kvh);

    float m = -std::numeric_limits<float>::infinity();
    float l = 0.0f;
    std::fill(acc, acc + hd, 0.0f);
    for (int64_t j0 = 0; j0 < n_kv; j0 += kAttentionChunk) {
        const int64_t nj = std::min(kAttentionChunk, n_kv - j0);
        float cmax = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j < nj; ++j) {
            const int64_t p = j0 + j;
            const float s = f16 ? dot_f16(q, reinterpret_cast<const uint16_t*>(kb) + p * hd, hd)
                                : dot_f32(q, reinterpret_cast<const float*>(kb) + p * hd, hd);
            scores[j] = s * a.scale;
            cmax = std::max(cmax, scores[j]);
        }
        if (cmax > m) {
            // New running maximum: earlier weights shrink by exp(m_old - m_new).
            const float r = std::isinf(m) ? 0.0f : std::exp(m - cmax);
            l *= r;
            for (int64_t d = 0; d < hd; ++d) acc[d] *= r;
            m = cmax;
        }
        for (int64_t j = 0; j < nj; ++j) {
            const int64_t p = j0 + j;
            const float w = std::exp(scores[j] - m);
            l += w;
            if (f16)
                axpy_f16(acc, w, reinterpret_cast<const uint16_t*>(vb) + p * hd, hd);
            else
                axpy_f32(acc, w, reinterpret_cast<const float*>(vb) + p * hd, hd);
        }
    }
    float* out = a.out + (row * a.n_head + head) * hd;
    const float inv = l > 0 ? 1.0f / l : 0.0f;
    for (int64_t d = 0; d < hd; ++d) out[d] = acc[d] * inv;
}

void Attention::run(const AttentionArgs& args, const KvCache& cache, cpu::ThreadPool& pool) {
    args_ = &args;
    cache_ = &cache;
    // One pointer captured: std::function keeps it inline, so dispatch allocates nothing.
    pool.run([self = this](int ith, int nth) {
        const AttentionArgs& a = *self->args_;
        const int64_t per_worker = kAttentionChunk + 2 * self->head_dim_;
        const int w = std::min(ith, self->n_workers_ - 1);
        float* scores = self->scratch_.data() + size_t(w) * size_t(per_worker);
        float* acc = scores + kAttentionChunk;
        float* kv_row = acc + self->head_dim_;
        const int64_t units = a.n_rows * a.n_head;
        // Interleaved units balance the causal triangle (later rows see more positions).
        for (int64_t u = ith; u < units; u += nth)
            self->row_head(a, *self->cache_, u / a.n_head, u % a.n_head, scores, acc, kv_row);
    });
}

} // namespace rwb::runtime
