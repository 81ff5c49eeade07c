// Sampling on the device: reductions of one row of logits to what the CPU sampler needs to finish
// a sample (engine/sampling/sampling_stages.h), so that a decode step downloads a few KB instead
// of the whole row. Each reproduces its CPU stage exactly:
// - select_argmax is sampling::argmax (NaN never wins, ties go to the lowest id);
// - select_top_k is sampling::select_top_k's set and order (the total order sampling::better on
//   logit / temperature, NaN as -inf), in sample_top_k.cu;
// - select_nucleus gives softmax_prefiltered's row maximum, its e sum (same float exponentials,
//   summed in double in another order) and a superset of the tokens it keeps, which
//   sampling::finish_prefiltered turns into its exact result;
// - apply_penalties is sampling::apply_penalties on a copy of the row (the window's distinct ids
//   and counts come from sampling::window_counts on the host).
// Float arithmetic that the CPU does in separate roundings is written with __fmul_rn/__fadd_rn
// so that nvcc does not contract it into FMAs (which would change the last bits).
#include "kernels.h"
#include "sample_keys.cuh"

#include <cmath>
#include <cstdint>

namespace rwb::cuda {
namespace {

constexpr int kNucleusThreads = 256;

// sampling::fast_exp_nonpositive, operation for operation.
__device__ __forceinline__ float fast_exp_nonpositive(float x) {
    const bool in_range = x > -87.0f;
    const float xc = in_range ? x : 0.0f;
    constexpr float kLog2e = 1.44269504088896341f;
    constexpr float kLn2Hi = 0.693359375f;
    constexpr float kLn2Lo = -2.12194440e-4f;
    constexpr float kRound = 12582912.0f;
    const float t = __fadd_rn(__fmul_rn(xc, kLog2e), kRound);
    const float n = __fsub_rn(t, kRound);
    const int ni = __float_as_int(t) - __float_as_int(kRound);
    const float r = __fsub_rn(__fsub_rn(xc, __fmul_rn(n, kLn2Hi)), __fmul_rn(n, kLn2Lo));
    float p = 1.0f / 5040.0f;
    p = __fadd_rn(__fmul_rn(p, r), 1.0f / 720.0f);
    p = __fadd_rn(__fmul_rn(p, r), 1.0f / 120.0f);
    p = __fadd_rn(__fmul_rn(p, r), 1.0f / 24.0f);
    p = __fadd_rn(__fmul_rn(p, r), 1.0f / 6.0f);
    p = __fadd_rn(__fmul_rn(p, r), 0.5f);
    p = __fadd_rn(__fmul_rn(p, r), 1.0f);
    p = __fadd_rn(__fmul_rn(p, r), 1.0f);
    const float scale = __uint_as_float(static_cast<unsigned>(ni + 127) << 23);
    const float e = __fmul_rn(p, scale);
    return in_range ? e : 0.0f;
}

// ---- argmax: every thread's best (value, id) key, then one atomicMax per warp.
__global__ void argmax_kernel(const float* row, int64_t n, unsigned long long* best) {
    unsigned long long b = 0;
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        const float v = row[i];
        if (v > -INFINITY) { // NaN and -inf never win
            const unsigned long long k = pack(order_key(v), i);
            b = k > b ? k : b;
        }
    }
    for (int o = 16; o > 0; o >>= 1) {
        const unsigned long long other = __shfl_xor_sync(0xffffffffu, b, o);
        b = other > b ? other : b;
    }
    if ((threadIdx.x & 31) == 0 && b != 0) atomicMax(best, b);
}

// ---- nucleus: (1) the row maximum; (2) per-block sums of e = exp(l * inv_t - max) in double;
// (3) every block adds the partial sums in the same order (the same total everywhere), and
// keeps the tokens at or above a threshold slightly below softmax_prefiltered's.
__global__ void row_max_kernel(const float* row, int64_t n, unsigned* max_key) {
    unsigned m = 0; // below every float's key: stays 0 when the row is all NaN
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        const float v = row[i];
        if (!isnan(v)) m = max(m, order_key(v));
    }
    for (int o = 16; o > 0; o >>= 1) m = max(m, __shfl_xor_sync(0xffffffffu, m, o));
    if ((threadIdx.x & 31) == 0 && m != 0) atomicMax(max_key, m);
}

__device__ __forceinline__ float max_logit_of(const SelectWork* w, float inv_t) {
    return w->max_key == 0 ? -INFINITY : __fmul_rn(from_order_key(w->max_key), inv_t);
}

__global__ void __launch_bounds__(kNucleusThreads)
    exp_sum_kernel(const float* row, int64_t n, float inv_t, SelectWork* w) {
    __shared__ double part[kNucleusThreads];
    const float max_logit = max_logit_of(w, inv_t);
    const int64_t chunk = (n + gridDim.x - 1) / gridDim.x;
    const int64_t begin = int64_t(blockIdx.x) * chunk;
    const int64_t end = begin + chunk < n ? begin + chunk : n;
    double sum = 0.0;
    if (max_logit != -INFINITY)
        for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x)
            sum += fast_exp_nonpositive(__fsub_rn(__fmul_rn(row[i], inv_t), max_logit));
    part[threadIdx.x] = sum;
    __syncthreads();
    for (int half = kNucleusThreads / 2; half > 0; half >>= 1) {
        if (int(threadIdx.x) < half) part[threadIdx.x] += part[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) w->partial[blockIdx.x] = part[0];
}

__global__ void __launch_bounds__(kNucleusThreads)
    keep_kernel(const float* row, int64_t n, float inv_t, float top_p, float min_p, int capacity,
                const SelectWork* w, SelectHeader* out, SelectCandidate* cands) {
    __shared__ float s_keep_from;
    const float max_logit = max_logit_of(w, inv_t);
    if (max_logit == -INFINITY) { // nothing finite: the CPU gives every token; say "too many"
        if (blockIdx.x == 0 && threadIdx.x == 0) {
            out->max_logit = max_logit;
            out->total = 0.0;
            out->count = 0x7fffffff;
        }
        return;
    }
    if (threadIdx.x == 0) {
        double total = 0.0;
        for (int b = 0; b < kNucleusBlocks; ++b) total += w->partial[b];
        // sampling::prefilter_keep_from, lowered by 1e-4 relative: the device total differs
        // from the CPU's in the last bits; finish_prefiltered applies the exact threshold.
        double threshold = 0.0;
        if (top_p < 1.0f) threshold = (1.0 - double(top_p)) / double(n) * total;
        if (min_p > 0.0f) threshold = threshold > double(min_p) ? threshold : double(min_p);
        s_keep_from = float(threshold * (1.0 - 1e-4));
        if (blockIdx.x == 0) {
            out->total = total;
            out->max_logit = max_logit;
        }
    }
    __syncthreads();
    const float keep_from = s_keep_from;
    const int64_t chunk = (n + gridDim.x - 1) / gridDim.x;
    const int64_t begin = int64_t(blockIdx.x) * chunk;
    const int64_t end = begin + chunk < n ? begin + chunk : n;
    const int lane = threadIdx.x & 31;
    // Whole warps walk the chunk so that each step takes one slot range per warp.
    for (int64_t base = begin; base < end; base += blockDim.x) {
        const int64_t i = base + threadIdx.x;
        bool keep = false;
        float l = 0.0f;
        if (i < end) {
            const float v = row[i];
            l = __fmul_rn(v, inv_t);
            keep = !isnan(v) && fast_exp_nonpositive(__fsub_rn(l, max_logit)) >= keep_from;
        }
        const unsigned ballot = __ballot_sync(0xffffffffu, keep);
        if (ballot == 0) continue;
        int first = 0;
        if (lane == 0) first = atomicAdd(&out->count, __popc(ballot));
        first = __shfl_sync(0xffffffffu, first, 0);
        const int slot = first + __popc(ballot & ((1u << lane) - 1u));
        if (keep && slot < capacity) cands[slot] = {int32_t(i), l};
    }
}

// ---- penalties: one thread per distinct window id, sampling::penalised operation for operation.
__global__ void penalty_kernel(const float* row, float* work, const int32_t* ids,
                               const float* counts, int m, float repetition, float presence,
                               float frequency) {
    const int j = int(blockIdx.x * blockDim.x + threadIdx.x);
    if (j >= m) return;
    const int32_t id = ids[j];
    float l = row[id];
    if (repetition != 1.0f) l = l > 0.0f ? __fdiv_rn(l, repetition) : __fmul_rn(l, repetition);
    work[id] = __fsub_rn(l, __fadd_rn(__fmul_rn(frequency, counts[j]), presence));
}

} // namespace

void apply_penalties(const float* row, float* work, int64_t n, const int32_t* ids,
                     const float* counts, int m, float repetition, float presence, float frequency,
                     cudaStream_t s) {
    cudaMemcpyAsync(work, row, size_t(n) * sizeof(float), cudaMemcpyDeviceToDevice, s);
    if (m > 0)
        penalty_kernel<<<(m + 255) / 256, 256, 0, s>>>(row, work, ids, counts, m, repetition,
                                                       presence, frequency);
}

void select_argmax(const float* row, int64_t n, SelectHeader* out, cudaStream_t s) {
    cudaMemsetAsync(out, 0, sizeof(SelectHeader), s);
    argmax_kernel<<<grid_for(n, 256 * 8, 264), 256, 0, s>>>(row, n, &out->best_key);
}

void select_nucleus(const float* row, int64_t n, float inv_t, float top_p, float min_p,
                    int capacity, SelectHeader* out, SelectCandidate* cands, SelectWork* work,
                    cudaStream_t s) {
    cudaMemsetAsync(out, 0, sizeof(SelectHeader), s);
    cudaMemsetAsync(&work->max_key, 0, sizeof(unsigned), s);
    if (n <= 0) return;
    row_max_kernel<<<grid_for(n, 256 * 8, 264), 256, 0, s>>>(row, n, &work->max_key);
    exp_sum_kernel<<<kNucleusBlocks, kNucleusThreads, 0, s>>>(row, n, inv_t, work);
    keep_kernel<<<kNucleusBlocks, kNucleusThreads, 0, s>>>(row, n, inv_t, top_p, min_p, capacity,
                                                           work, out, cands);
}

} // namespace rwb::cuda
