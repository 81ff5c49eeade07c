// Host-side launchers of the CUDA module's kernels (one .cu file per concept). All run on the
// given stream and return nothing: errors surface at the next synchronisation.
#pragma once

#include "cuda_common.cuh"

namespace rwb::cuda {

// A weight matrix on the device, in its file type; rows are `stride` bytes apart (16-aligned).
struct DevMatrix {
    uint32_t type = 0;
    const uint8_t* data = nullptr;
    int64_t rows = 0, cols = 0;
    int64_t stride = 0;
};

// Largest activation row count the mat-vec kernels take (decode, small batches).
constexpr int kMaxMatvecRows = 8;

// Y[m][r] (+)= sum_k W[r][k] X[m][k] (+ bias[r]) for m < n <= kMaxMatvecRows.
void matvec(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
            const float* bias, bool accumulate, cudaStream_t s);
// The same with the warp kernel only (activations read from global memory).
void matvec_warp(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
                 const float* bias, bool accumulate, cudaStream_t s);

// One product of a fused mat-vec launch: Y[m][r] (+)= (W . x_m)[r] (+ bias[r]).
struct MatvecJob {
    DevMatrix W;
    float* Y = nullptr;
    int64_t ldy = 0;
    const float* bias = nullptr;
    bool accumulate = false;
};
// Up to three products of the same n <= kMaxMatvecRows input rows (all jobs' cols equal) in one
// launch. norm_w: the rows are RMS-normalised (eps) and scaled by norm_w first. silu_pair: two
// jobs of the same type and rows; jobs[0].Y = silu(W0 . x) * (W1 . x). Returns false, with
// nothing launched, when the jobs cannot share the staged kernel (mixed float and quantized
// types, too wide for shared memory, unaligned rows, RWB_CUDA_MATVEC=warp); the caller then
// runs the parts one by one.
bool matvec_fused(const MatvecJob* jobs, int njobs, bool silu_pair, const float* X, int n,
                  int64_t ldx, const float* norm_w, float eps, cudaStream_t s);
// Sets the mat-vec kernels' shared-memory limits; call once per process before capturing graphs.
void matvec_prepare();
// out: rows [r0, r0 + nr), columns [c0, c0 + nc) of W as F16 (row-major, nc per row). c0 and nc
// are multiples of 32 (of 256 for the K-quants).
void dequantize_f16(const DevMatrix& W, int64_t r0, int64_t nr, int64_t c0, int64_t nc, __half* out,
                    cudaStream_t s);
bool type_supported(uint32_t type);

// x: n rows of `cols` floats -> F16.
void to_f16(const float* x, int64_t count, __half* out, cudaStream_t s);
void add_bias(float* y, int64_t n, int64_t ldy, const float* bias, int64_t cols, cudaStream_t s);

// out[i] = x[i] / rms(x[i]) * w, n rows of cols.
void rms_norm(const float* x, const float* w, float* out, int64_t n, int64_t cols, float eps,
              cudaStream_t s);
// gate = silu(gate) * up over count elements.
void swiglu(float* gate, const float* up, int64_t count, cudaStream_t s);
// The same two ops writing F16 (the next GEMM's input) instead: out = F16(x / rms(x) * w),
// out = F16(silu(gate) * up); the values are those of rms_norm / swiglu, rounded once.
void rms_norm_f16(const float* x, const float* w, __half* out, int64_t n, int64_t cols, float eps,
                  cudaStream_t s);
void swiglu_f16(const float* gate, const float* up, int64_t count, __half* out, cudaStream_t s);

struct RopeArgs {
    int64_t n_head, n_head_kv, head_dim, n_rot;
    int neox;
    const double* inv_freq;
    int64_t layer;
};
// Rotates q [n][n_head*hd] and k [n][n_head_kv*hd] in place at each row's position and writes
// k, v into the rows' KV caches (F16).
void rope_kv_store(float* q, float* k, const float* v, const RowKv* rows, int n, const RopeArgs& a,
                   cudaStream_t s);

// Most flash-decoding splits per (row, head) (a power of two), and the positions one split should
// walk at most before the decode step doubles its split count (kept small: a split's four warps
// walk their positions one after another, so short splits keep the step latency low).
constexpr int kMaxSplits = 128;
constexpr int64_t kPositionsPerSplit = 32;

// Splits a decode step uses for a cache of `positions` (the longest row's): enough that no block
// walks more than kPositionsPerSplit, a power of two (few captured graphs as the cache grows).
// per_split: kPositionsPerSplit, or another power of two to measure (RWB_CUDA_SPLIT_POSITIONS).
// Also run on the device, per row of a batched step (attention.cu).
__host__ __device__ inline int decode_splits(int64_t positions,
                                             int64_t per_split = kPositionsPerSplit) {
    int splits = 1;
    while (splits < kMaxSplits && int64_t(splits) * per_split < positions) splits *= 2;
    return splits;
}

struct AttentionArgs {
    int64_t n_head, n_head_kv, head_dim, layer;
    float scale;
    int splits;     // KV ranges per (row, head) (flash-decoding); 1 for prefill
    float* partial; // [n][n_head][splits][head_dim + 2] when splits > 1
    // [n][n_head] zeros: with them the last split of each (row, head) merges the splits in the
    // same kernel (and zeroes its counter again); without, a second kernel does.
    int* counters = nullptr;
    // Decode: > 0, each row uses decode_splits(its own positions, per_split) of the `splits`
    // (batched rows then equal the same rows alone bit for bit); 0: every row uses all `splits`.
    int64_t per_split = 0;
};
// out [n][n_head*hd] = softmax(q k^T) v over each row's cache positions 0 .. pos.
void attention(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a,
               cudaStream_t s);
// The same for rows that all belong to one session (a prompt), on tensor cores: q and the
// softmax weights are rounded to F16 for the products (attention_prefill.cu). False, with nothing
// launched, for a head_dim other than 64, 128 or 256, or where the device's shared memory per
// block is too small even for 32-position tiles. keys: positions per K/V tile, 64 or 32 (tests);
// 0: 64 where the device allows, else 32.
bool attention_prefill(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a,
                       cudaStream_t s, int keys = 0);
// Decode rows (each attends to its cache and its own new token; rows never see each other's k):
// rope_kv_store and attention in one kernel. q, k, v: the products' rows, unrotated; the new k
// and v are stored into the rows' caches on the way.
void attention_decode(const float* q, const float* k, const float* v, const RowKv* rows, int n,
                      float* out, const AttentionArgs& a, const RopeArgs& ra, cudaStream_t s);

// Sampling on the device (sample_select.cu): one row of logits reduced to what the CPU sampler
// needs to finish a sample (sampling::finish_prefiltered and friends). All write a SelectHeader
// (and candidates) in device memory, to be downloaded in one copy.
struct SelectCandidate {
    int32_t id;
    float logit; // logits[id] / temperature as the CPU computes it
};
struct SelectHeader {
    double total;                // nucleus: sum over the row of exp(logit - max_logit)
    unsigned long long best_key; // argmax: packed (value, id); 0 when nothing is above -inf
    float max_logit;             // nucleus: the row maximum / temperature
    int32_t count;               // candidates found; more than the capacity: only that many written
};
// Largest k of select_top_k (one block sorts them in shared memory).
constexpr int kSelectMaxTopK = 1024;
// Blocks of the nucleus sum (the partial sums' count).
constexpr int kNucleusBlocks = 128;
// Top-k's narrowing of the row (sample_top_k.cu): 12-bit bins of the value keys, and the
// candidates (packed value and id) at or above the bin where the count reaches k.
constexpr int kTopKBins = 4096;
constexpr int kTopKCandidates = 16384;
struct SelectWork {
    unsigned max_key;
    unsigned pad;
    double partial[kNucleusBlocks];
    unsigned topk_hist[kTopKBins];
    unsigned topk_count; // candidates found (more than kTopKCandidates: only that many stored)
    unsigned topk_bin;
    unsigned long long topk_cands[kTopKCandidates];
};
// sampling::argmax's id from SelectHeader::best_key.
inline int32_t argmax_from_key(unsigned long long key) {
    return key == 0 ? 0 : int32_t(0xffffffffu - unsigned(key & 0xffffffffu));
}
// work = row with sampling::apply_penalties applied: ids (distinct, in [0, n)) and counts as
// sampling::window_counts gives them, m of each, in device memory.
void apply_penalties(const float* row, float* work, int64_t n, const int32_t* ids,
                     const float* counts, int m, float repetition, float presence, float frequency,
                     cudaStream_t s);
// sampling::argmax of row[0..n) into out->best_key.
void select_argmax(const float* row, int64_t n, SelectHeader* out, cudaStream_t s);
// sampling::select_top_k's candidates (min(k, n) of them, best first, logit = row / temperature
// with NaN as -inf) into cands; out->count = their number. 0 < k <= kSelectMaxTopK. work (may be
// null: one block then reads the whole row, ~100x slower) holds the narrowing of the row.
void select_top_k(const float* row, int64_t n, float inv_t, int k, SelectHeader* out,
                  SelectCandidate* cands, SelectWork* work, cudaStream_t s);
// softmax_prefiltered's prefix: out->max_logit, out->total and (in cands, any order, at most
// capacity) a superset of the tokens it keeps; out->count > capacity when more survive (also when
// nothing in the row is finite): the caller then needs the whole row.
void select_nucleus(const float* row, int64_t n, float inv_t, float top_p, float min_p,
                    int capacity, SelectHeader* out, SelectCandidate* cands, SelectWork* work,
                    cudaStream_t s);

} // namespace rwb::cuda
