// Top-k on the device: sampling::select_top_k's set and order (the total order sampling::better
// on logit / temperature, NaN as -inf). One block over a 152k row took 270-400 us (its loads and
// histogram atomics one block at a time), so the row is first narrowed by many blocks:
// (1) a histogram of the top 12 bits of every value key; (2) the lowest bin that, counting from
// the best, reaches k: every token in it or above is a candidate; (3) candidates appended as
// packed (value, id) keys; (4) one block radix-selects the k best candidates and sorts them. A row
// whose candidates overflow the buffer (many equal values) takes the one-block path over the whole
// row instead (radix select on the value, the lowest ids of ties).
#include "kernels.h"
#include "sample_keys.cuh"

#include <cstddef>

namespace rwb::cuda {
namespace {

constexpr int kTopKThreads = 1024;
constexpr int kPrefilterThreads = 256;
constexpr int kBinShift = 32 - 12; // value keys to kTopKBins bins
static_assert(kTopKBins == 1 << 12, "12-bit bins");
static_assert(offsetof(SelectWork, topk_count) ==
                  offsetof(SelectWork, topk_hist) + sizeof(unsigned) * kTopKBins,
              "one memset clears the histogram and the count");

// (1) Counts of the value keys' top bits, per block in shared memory, then added up.
__global__ void __launch_bounds__(kPrefilterThreads)
    topk_hist_kernel(const float* row, int64_t n, float inv_t, SelectWork* w) {
    __shared__ unsigned hist[kTopKBins];
    for (int j = threadIdx.x; j < kTopKBins; j += blockDim.x) hist[j] = 0;
    __syncthreads();
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
        atomicAdd(&hist[order_key(scaled(row[i], inv_t)) >> kBinShift], 1u);
    __syncthreads();
    for (int j = threadIdx.x; j < kTopKBins; j += blockDim.x)
        if (hist[j]) atomicAdd(&w->topk_hist[j], hist[j]);
}

// (2) The bin where the count from the best bin down first reaches kk. Thread t holds bins
// kTopKBins - 4t - 1 down to kTopKBins - 4t - 4; a block-wide running sum finds the thread.
__global__ void __launch_bounds__(kTopKThreads) topk_bin_kernel(unsigned kk, SelectWork* w) {
    constexpr int kPer = kTopKBins / kTopKThreads;
    __shared__ unsigned warp_sums[kTopKThreads / 32];
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    unsigned mine[kPer], total = 0;
#pragma unroll
    for (int j = 0; j < kPer; ++j) total += mine[j] = w->topk_hist[kTopKBins - 1 - kPer * tid - j];
    unsigned run = total; // inclusive running sum over threads 0..tid
    for (int o = 1; o < 32; o <<= 1) {
        const unsigned v = __shfl_up_sync(0xffffffffu, run, o);
        if (lane >= o) run += v;
    }
    if (lane == 31) warp_sums[warp] = run;
    __syncthreads();
    for (int v = 0; v < warp; ++v) run += warp_sums[v];
    unsigned before = run - total;
    if (before >= kk || run < kk) return; // not the thread where kk is reached
    for (int j = 0; j < kPer; ++j) {
        before += mine[j];
        if (before >= kk) {
            w->topk_bin = unsigned(kTopKBins - 1 - kPer * tid - j);
            return;
        }
    }
}

// (3) Every token whose value key is in the bin or above, appended (a warp's at once).
__global__ void __launch_bounds__(kPrefilterThreads)
    topk_gather_kernel(const float* row, int64_t n, float inv_t, SelectWork* w) {
    const unsigned bin = w->topk_bin;
    const int lane = threadIdx.x & 31;
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t base = int64_t(blockIdx.x) * blockDim.x; base < n; base += stride) {
        const int64_t i = base + threadIdx.x;
        const unsigned key = i < n ? order_key(scaled(row[i], inv_t)) : 0u;
        const bool take = i < n && (key >> kBinShift) >= bin;
        const unsigned ballot = __ballot_sync(0xffffffffu, take);
        if (!ballot) continue;
        unsigned first = 0;
        if (lane == 0) first = atomicAdd(&w->topk_count, unsigned(__popc(ballot)));
        first = __shfl_sync(0xffffffffu, first, 0);
        const unsigned at = first + __popc(ballot & ((1u << lane) - 1u));
        if (take && at < unsigned(kTopKCandidates)) w->topk_cands[at] = pack(key, i);
    }
}

// A radix select's digit: from the best bin down, the bin where the remaining count is reached;
// remaining becomes the count still to take within that bin.
__device__ __forceinline__ int best_bin(const unsigned (&hist)[256], unsigned& remaining) {
    unsigned rem = remaining;
    int b = 255;
    for (; b > 0 && hist[b] < rem; --b) rem -= hist[b];
    remaining = rem;
    return b;
}

// The one-block path over the whole row: radix select (four 8-bit digits of the value key,
// highest first) finds the k-th best value T; every token above T is taken, and of those equal to
// T the lowest ids in id order, into keys[0..kk).
__device__ void row_select(const float* row, int64_t n, float inv_t, unsigned kk,
                           unsigned long long* keys) {
    __shared__ unsigned hist[256];
    __shared__ unsigned s_prefix, s_remaining, s_gt, s_eq_taken, s_eq_total;
    __shared__ unsigned warp_counts[kTopKThreads / 32];
    const int tid = threadIdx.x;
    if (tid == 0) {
        s_prefix = 0;
        s_remaining = kk;
        s_gt = 0;
        s_eq_taken = 0;
    }
    unsigned mask = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        for (int j = tid; j < 256; j += blockDim.x) hist[j] = 0;
        __syncthreads();
        const unsigned prefix = s_prefix;
        // Logits crowd into a few bins, so lanes of a warp with the same bin add their count
        // once (plain per-value atomics: 398 us for k = 40 over 152k values, this way 266 us;
        // loading eight values per thread before using any measured no faster).
        for (int64_t base = 0; base < n; base += blockDim.x) {
            const int64_t i = base + tid;
            const unsigned key = i < n ? order_key(scaled(row[i], inv_t)) : 0u;
            const bool in = i < n && (key & mask) == prefix;
            const unsigned bin = in ? (key >> shift) & 255u : 256u;
            const unsigned peers = __match_any_sync(0xffffffffu, bin);
            if (in && (tid & 31) == __ffs(peers) - 1)
                atomicAdd(&hist[bin], unsigned(__popc(peers)));
        }
        __syncthreads();
        if (tid == 0) {
            const int b = best_bin(hist, s_remaining);
            s_prefix = prefix | (unsigned(b) << shift);
            if (shift == 0) s_eq_total = hist[b]; // tokens whose value equals T
        }
        mask |= 0xffu << shift;
        __syncthreads();
    }
    const unsigned threshold = s_prefix;
    const unsigned need_eq = s_remaining; // tokens equal to T to take (the lowest ids)
    const unsigned n_gt = kk - need_eq;   // tokens better than T
    const int lane = tid & 31, warp = tid >> 5, warps = blockDim.x >> 5;
    if (need_eq == s_eq_total) { // every tie is taken: no id order needed (the sort below orders)
        for (int64_t i = tid; i < n; i += blockDim.x) {
            const unsigned key = order_key(scaled(row[i], inv_t));
            if (key > threshold)
                keys[atomicAdd(&s_gt, 1u)] = pack(key, i);
            else if (key == threshold)
                keys[n_gt + atomicAdd(&s_eq_taken, 1u)] = pack(key, i);
        }
        __syncthreads();
    } else { // ties straddle the k-th place: the lowest ids of them, in id order
        for (int64_t base = 0; base < n; base += blockDim.x) {
            const int64_t i = base + tid;
            const unsigned key = i < n ? order_key(scaled(row[i], inv_t)) : 0u;
            const bool gt = i < n && key > threshold;
            const bool eq = i < n && key == threshold;
            if (gt) keys[atomicAdd(&s_gt, 1u)] = pack(key, i);
            const unsigned ballot = __ballot_sync(0xffffffffu, eq);
            if (lane == 0) warp_counts[warp] = __popc(ballot);
            __syncthreads();
            unsigned before = 0, tile = 0;
            for (int w = 0; w < warps; ++w) {
                before += w < warp ? warp_counts[w] : 0u;
                tile += warp_counts[w];
            }
            const unsigned rank = s_eq_taken + before + __popc(ballot & ((1u << lane) - 1u));
            if (eq && rank < need_eq) keys[n_gt + rank] = pack(key, i);
            __syncthreads();
            if (tid == 0) s_eq_taken += tile;
            __syncthreads();
        }
    }
}

// The kk best of the c distinct packed keys in cands (radix select over their 64 bits, eight
// digits, highest first), into keys[0..kk) in any order.
__device__ void candidate_select(const unsigned long long* cands, unsigned c, unsigned kk,
                                 unsigned long long* keys) {
    __shared__ unsigned hist[256];
    __shared__ unsigned long long s_prefix;
    __shared__ unsigned s_remaining, s_taken;
    const int tid = threadIdx.x;
    if (tid == 0) s_prefix = 0, s_remaining = kk, s_taken = 0;
    unsigned long long mask = 0;
    for (int shift = 56; shift >= 0; shift -= 8) {
        for (int j = tid; j < 256; j += blockDim.x) hist[j] = 0;
        __syncthreads();
        const unsigned long long prefix = s_prefix;
        for (unsigned i = tid; i < c; i += blockDim.x)
            if ((cands[i] & mask) == prefix)
                atomicAdd(&hist[unsigned(cands[i] >> shift) & 255u], 1u);
        __syncthreads();
        if (tid == 0)
            s_prefix =
                prefix | (static_cast<unsigned long long>(best_bin(hist, s_remaining)) << shift);
        mask |= 0xffull << shift;
        __syncthreads();
    }
    const unsigned long long threshold = s_prefix; // the kk-th best key itself (keys are distinct)
    for (unsigned i = tid; i < c; i += blockDim.x)
        if (cands[i] >= threshold) keys[atomicAdd(&s_taken, 1u)] = cands[i];
    __syncthreads();
}

// (4) The k best, sorted best first, with the row's own values.
__global__ void __launch_bounds__(kTopKThreads)
    top_k_kernel(const float* row, int64_t n, float inv_t, int k, SelectHeader* out,
                 SelectCandidate* cands, const SelectWork* w) {
    __shared__ unsigned long long keys[kSelectMaxTopK];
    const int tid = threadIdx.x;
    const unsigned kk = unsigned(n < k ? n : k);
    const unsigned c = w ? w->topk_count : 0u;
    if (w && c <= unsigned(kTopKCandidates))
        candidate_select(w->topk_cands, c, kk, keys);
    else
        row_select(row, n, inv_t, kk, keys);
    // Bitonic sort, descending, of the kk keys padded to a power of two with zeros (below all).
    unsigned size = 1;
    while (size < kk) size <<= 1;
    for (unsigned j = kk + tid; j < size; j += blockDim.x) keys[j] = 0;
    __syncthreads();
    for (unsigned run = 2; run <= size; run <<= 1) {
        for (unsigned stride = run >> 1; stride > 0; stride >>= 1) {
            for (unsigned t = tid; t < size; t += blockDim.x) {
                const unsigned partner = t ^ stride;
                if (partner <= t) continue;
                const unsigned long long a = keys[t], b = keys[partner];
                const bool descending = (t & run) == 0;
                if (descending ? a < b : a > b) {
                    keys[t] = b;
                    keys[partner] = a;
                }
            }
            __syncthreads();
        }
    }
    for (unsigned j = tid; j < kk; j += blockDim.x) {
        const int32_t id = unpack_id(keys[j]);
        cands[j] = {id, scaled(row[id], inv_t)}; // the row's own value (a -0 stays -0)
    }
    if (tid == 0) out->count = int32_t(kk);
}

} // namespace

void select_top_k(const float* row, int64_t n, float inv_t, int k, SelectHeader* out,
                  SelectCandidate* cands, SelectWork* work, cudaStream_t s) {
    cudaMemsetAsync(out, 0, sizeof(SelectHeader), s);
    if (k <= 0 || k > kSelectMaxTopK || n <= 0) return; // count stays 0
    if (work) {
        cudaMemsetAsync(work->topk_hist, 0, sizeof(unsigned) * (kTopKBins + 1), s); // and count
        const int blocks = grid_for(n, kPrefilterThreads * 4, 264);
        const unsigned kk = unsigned(n < k ? n : k);
        topk_hist_kernel<<<blocks, kPrefilterThreads, 0, s>>>(row, n, inv_t, work);
        topk_bin_kernel<<<1, kTopKThreads, 0, s>>>(kk, work);
        topk_gather_kernel<<<blocks, kPrefilterThreads, 0, s>>>(row, n, inv_t, work);
    }
    top_k_kernel<<<1, kTopKThreads, 0, s>>>(row, n, inv_t, k, out, cands, work);
}

} // namespace rwb::cuda
