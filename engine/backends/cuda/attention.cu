// Attention over F16 KV caches with an online softmax. One block per (head, row, split): the
// four warps walk the split's positions four at a time (a lane holding head_dim / 32 dimensions;
// the four positions' loads and warp sums are independent, so they overlap instead of paying the
// memory latency once per position), then merge their running (max, sum, accumulator). With more
// than one split (flash-decoding, for long caches and few rows) each block writes its partial
// result and the last of them to finish (or, without counters, a second kernel) combines the
// splits, so a single decode row still fills the GPU.
#include "kernels.h"
#include "launch_tuning.h"

#include <cfloat>

namespace rwb::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kGroup = 4;          // positions a warp works on at once
constexpr int kMaxDimsPerLane = 8; // head_dim up to 256

// Splits a row of `positions` uses: with a.per_split, as many as a step of that row alone would
// (decode_splits of its own cache, at most the launch's), so a row batched with longer ones
// sums its positions in the same pieces and order as alone and gets the same bits.
__device__ __forceinline__ int row_splits(const AttentionArgs& a, int64_t positions) {
    return a.per_split > 0 ? min(a.splits, decode_splits(positions, a.per_split)) : a.splits;
}

// DPL consecutive F16 values -> floats, in one load where the width allows.
template <int DPL>
__device__ __forceinline__ void load_halves(const __half* p, float out[DPL]) {
    if constexpr (DPL == 1) {
        out[0] = __half2float(*p);
    } else if constexpr (DPL == 2) {
        const float2 f = __half22float2(*reinterpret_cast<const __half2*>(p));
        out[0] = f.x, out[1] = f.y;
    } else if constexpr (DPL == 4) {
        const uint2 w = *reinterpret_cast<const uint2*>(p);
        const float2 a = __half22float2(*reinterpret_cast<const __half2*>(&w.x));
        const float2 b = __half22float2(*reinterpret_cast<const __half2*>(&w.y));
        out[0] = a.x, out[1] = a.y, out[2] = b.x, out[3] = b.y;
    } else {
        const uint4 w = *reinterpret_cast<const uint4*>(p);
        const uint32_t words[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            const float2 f = __half22float2(*reinterpret_cast<const __half2*>(&words[k]));
            out[2 * k] = f.x, out[2 * k + 1] = f.y;
        }
    }
}

// Decode rows only (each row its own session, or its own position): RoPE on q and on the row's
// new k happens here instead of in a kernel of its own. The new k and v are taken from the
// products' output, rotated in shared memory and used for position pos directly; one block per
// (row, kv head) stores them as F16 into the cache, which no block of this step reads at pos.
struct DecodeRope {
    const float *k, *v; // the products' k and v rows, unrotated
    int64_t n_rot;
    int neox;
    const double* inv_freq;
    int early; // trigger the next kernel once q, k and v are read
};

// x[0 .. hd) rotated at angles cs/sn (neox: pairs (i, i + n_rot/2), else (2i, 2i + 1)).
__device__ void rotate_head(float* x, int64_t half, int neox, const float* cs, const float* sn) {
    for (int64_t i = threadIdx.x; i < half; i += blockDim.x) {
        float* a = neox ? x + i : x + 2 * i;
        float* b = neox ? x + i + half : x + 2 * i + 1;
        const float x0 = *a, x1 = *b;
        *a = x0 * cs[i] - x1 * sn[i];
        *b = x0 * sn[i] + x1 * cs[i];
    }
}

template <int DPL, bool ROPE>
__global__ void __launch_bounds__(32 * kWarps)
    attention_kernel(const float* __restrict__ q, const RowKv* __restrict__ rows,
                     float* __restrict__ out, AttentionArgs a, DecodeRope dr) {
    const int head = blockIdx.x, row = blockIdx.y, split = blockIdx.z;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int64_t hd = a.head_dim;
    const RowKv r = rows[row];
    const int n_kv = r.pos + 1;
    const int splits = row_splits(a, n_kv);
    if (split >= splits) return; // a shorter row of a batch: fewer splits of its own
    const int per = (n_kv + splits - 1) / splits;
    const int p0 = split * per;
    int p1 = min(n_kv, p0 + per);
    const int64_t group = a.n_head / a.n_head_kv, kvh = head / group;
    const int64_t base = (a.layer * a.n_head_kv + kvh) * int64_t(r.n_ctx) * hd;
    const __half* K = r.k + base;
    const __half* V = r.v + base;

    float qv[DPL], acc[DPL];
    const float* qr = q + (int64_t(row) * a.n_head + head) * hd + lane * DPL;
    // ROPE: q, and in the split holding pos the new k and v, staged and rotated in shared memory.
    __shared__ float qs[32 * kMaxDimsPerLane], ks[32 * kMaxDimsPerLane], vs[32 * kMaxDimsPerLane];
    const bool cur = ROPE && p0 <= r.pos && r.pos < p1;
    if constexpr (ROPE) {
        __shared__ float cs[16 * kMaxDimsPerLane], sn[16 * kMaxDimsPerLane];
        const int64_t half = dr.n_rot / 2;
        for (int64_t i = threadIdx.x; i < half; i += blockDim.x) {
            double dsn, dcs;
            sincos(double(r.pos) * dr.inv_freq[i], &dsn, &dcs);
            cs[i] = float(dcs), sn[i] = float(dsn);
        }
        // Decode attention is launched as a programmatic dependent: the angles above need only
        // the position; q, k and v are the products' output.
        pdl_wait();
        if (dr.early) pdl_trigger();
        const float* kr = dr.k + (int64_t(row) * a.n_head_kv + kvh) * hd;
        const float* vr = dr.v + (int64_t(row) * a.n_head_kv + kvh) * hd;
        for (int64_t d = threadIdx.x; d < hd; d += blockDim.x) {
            qs[d] = q[(int64_t(row) * a.n_head + head) * hd + d];
            if (cur) ks[d] = kr[d], vs[d] = vr[d];
        }
        __syncthreads();
        rotate_head(qs, half, dr.neox, cs, sn);
        if (cur) rotate_head(ks, half, dr.neox, cs, sn);
        __syncthreads();
        qr = qs + lane * DPL;
        if (cur) {
            p1 = r.pos; // the cache holds positions before pos; pos itself comes from ks, vs
            if (head % group == 0) { // one block per (row, kv head) stores the new k and v
                const int64_t off = base + int64_t(r.pos) * hd;
                for (int64_t d = threadIdx.x; d < hd; d += blockDim.x)
                    r.k[off + d] = __float2half_rn(ks[d]), r.v[off + d] = __float2half_rn(vs[d]);
            }
        }
    }
#pragma unroll
    for (int d = 0; d < DPL; ++d) qv[d] = qr[d] * a.scale, acc[d] = 0.f;
    float m = -FLT_MAX, l = 0.f;
    for (int p = p0 + warp * kGroup; p < p1; p += kWarps * kGroup) {
        // All K and V loads of the group first, so they are in flight together.
        float s[kGroup], vv[kGroup][DPL];
#pragma unroll
        for (int g = 0; g < kGroup; ++g) {
            s[g] = 0.f;
            if (p + g < p1) {
                float kv[DPL];
                load_halves<DPL>(K + int64_t(p + g) * hd + lane * DPL, kv);
                load_halves<DPL>(V + int64_t(p + g) * hd + lane * DPL, vv[g]);
#pragma unroll
                for (int d = 0; d < DPL; ++d) s[g] += qv[d] * kv[d];
            }
        }
        float mn = m;
#pragma unroll
        for (int g = 0; g < kGroup; ++g) {
            s[g] = warp_sum(s[g]);
            if (p + g < p1) mn = fmaxf(mn, s[g]);
        }
        const float corr = __expf(m - mn);
        l *= corr;
#pragma unroll
        for (int d = 0; d < DPL; ++d) acc[d] *= corr;
#pragma unroll
        for (int g = 0; g < kGroup; ++g) {
            if (p + g < p1) {
                const float w = __expf(s[g] - mn);
                l += w;
#pragma unroll
                for (int d = 0; d < DPL; ++d) acc[d] += w * vv[g][d];
            }
        }
        m = mn;
    }
    if (cur && warp == 0) { // position pos, from the rotated new k (F16-rounded like the cache)
        float s = 0.f, vv[DPL];
#pragma unroll
        for (int d = 0; d < DPL; ++d) {
            const float kd = __half2float(__float2half_rn(ks[lane * DPL + d]));
            vv[d] = __half2float(__float2half_rn(vs[lane * DPL + d]));
            s += qv[d] * kd;
        }
        s = warp_sum(s);
        const float mn = fmaxf(m, s), corr = __expf(m - mn), w = __expf(s - mn);
        l = l * corr + w;
#pragma unroll
        for (int d = 0; d < DPL; ++d) acc[d] = acc[d] * corr + w * vv[d];
        m = mn;
    }
    // Merge the warps: shared holds each warp's m, l and accumulator.
    __shared__ float sm[kWarps], sl[kWarps];
    __shared__ float sacc[kWarps][32 * kMaxDimsPerLane];
    if (lane == 0) sm[warp] = m, sl[warp] = l;
#pragma unroll
    for (int d = 0; d < DPL; ++d) sacc[warp][lane * DPL + d] = acc[d];
    __syncthreads();
    const int64_t rh = int64_t(row) * a.n_head + head;
    if (warp == 0) {
        float M = -FLT_MAX;
        for (int w = 0; w < kWarps; ++w) M = fmaxf(M, sm[w]);
        float L = 0.f, o[DPL];
#pragma unroll
        for (int d = 0; d < DPL; ++d) o[d] = 0.f;
        for (int w = 0; w < kWarps; ++w) {
            const float f = sl[w] > 0.f ? __expf(sm[w] - M) : 0.f;
            L += sl[w] * f;
#pragma unroll
            for (int d = 0; d < DPL; ++d) o[d] += sacc[w][lane * DPL + d] * f;
        }
        if (splits == 1) {
            float* dst = out + rh * hd + lane * DPL;
            const float inv = L > 0.f ? 1.f / L : 0.f;
#pragma unroll
            for (int d = 0; d < DPL; ++d) dst[d] = o[d] * inv;
        } else {
            float* part = a.partial + (rh * a.splits + split) * (hd + 2);
            if (lane == 0) part[0] = M, part[1] = L;
#pragma unroll
            for (int d = 0; d < DPL; ++d) part[2 + lane * DPL + d] = o[d];
            __threadfence();
        }
    }
    // Without counters combine_kernel merges the splits. With them the last split of this
    // (row, head) to finish merges them all (a launch per layer saved), its 128 threads a
    // dimension each, and resets the counter for the next step.
    if (splits == 1 || !a.counters) return;
    __shared__ int last;
    __syncthreads();
    if (threadIdx.x == 0) last = atomicAdd(a.counters + rh, 1) == splits - 1;
    __syncthreads();
    if (!last) return;
    __threadfence();
    const float* all = a.partial + rh * a.splits * (hd + 2);
    __shared__ float wsplit[kMaxSplits], red[kWarps];
    float mt = -FLT_MAX;
    for (int sp = threadIdx.x; sp < splits; sp += blockDim.x)
        if (__ldcg(all + sp * (hd + 2) + 1) > 0.f) mt = fmaxf(mt, __ldcg(all + sp * (hd + 2)));
    mt = warp_max(mt);
    if (lane == 0) red[warp] = mt;
    __syncthreads();
    float M = -FLT_MAX;
    for (int w = 0; w < kWarps; ++w) M = fmaxf(M, red[w]);
    __syncthreads();
    float lt = 0.f;
    for (int sp = threadIdx.x; sp < splits; sp += blockDim.x) {
        const float ls = __ldcg(all + sp * (hd + 2) + 1);
        const float w = ls > 0.f ? __expf(__ldcg(all + sp * (hd + 2)) - M) : 0.f;
        wsplit[sp] = w;
        lt += ls * w;
    }
    lt = warp_sum(lt);
    if (lane == 0) red[warp] = lt;
    __syncthreads();
    float L = 0.f;
    for (int w = 0; w < kWarps; ++w) L += red[w];
    const float inv = L > 0.f ? 1.f / L : 0.f;
    for (int64_t d = threadIdx.x; d < hd; d += blockDim.x) {
        float o = 0.f;
#pragma unroll 8
        for (int sp = 0; sp < splits; ++sp) o += __ldcg(all + sp * (hd + 2) + 2 + d) * wsplit[sp];
        out[rh * hd + d] = o * inv;
    }
    if (threadIdx.x == 0) a.counters[rh] = 0;
}

__global__ void combine_kernel(const RowKv* __restrict__ rows, float* __restrict__ out,
                               AttentionArgs a) {
    const int head = blockIdx.x, row = blockIdx.y;
    const int64_t hd = a.head_dim;
    const int splits = row_splits(a, rows[row].pos + 1);
    if (splits == 1) return; // the row's one split wrote its output itself
    const float* part = a.partial + (int64_t(row) * a.n_head + head) * a.splits * (hd + 2);
    float M = -FLT_MAX;
    for (int s = 0; s < splits; ++s)
        if (part[s * (hd + 2) + 1] > 0.f) M = fmaxf(M, part[s * (hd + 2)]);
    for (int64_t d = threadIdx.x; d < hd; d += blockDim.x) {
        float L = 0.f, o = 0.f;
        for (int s = 0; s < splits; ++s) {
            const float* p = part + s * (hd + 2);
            if (p[1] <= 0.f) continue;
            const float f = __expf(p[0] - M);
            L += p[1] * f;
            o += p[2 + d] * f;
        }
        out[(int64_t(row) * a.n_head + head) * hd + d] = L > 0.f ? o / L : 0.f;
    }
}

} // namespace

namespace {

template <bool ROPE>
void launch(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a,
            const DecodeRope& dr, cudaStream_t s) {
    const dim3 grid(unsigned(a.n_head), unsigned(n), unsigned(a.splits));
    cudaLaunchConfig_t cfg{};
    cfg.gridDim = grid;
    cfg.blockDim = dim3(32 * kWarps);
    cfg.stream = s;
    cudaLaunchAttribute attr;
    set_pdl(cfg, attr);
    if (!ROPE) cfg.numAttrs = 0; // prefill follows cuBLAS GEMMs, launched plainly
    switch (a.head_dim / 32) {
    case 1:
        cudaLaunchKernelEx(&cfg, attention_kernel<1, ROPE>, q, rows, out, a, dr);
        break;
    case 2:
        cudaLaunchKernelEx(&cfg, attention_kernel<2, ROPE>, q, rows, out, a, dr);
        break;
    case 4:
        cudaLaunchKernelEx(&cfg, attention_kernel<4, ROPE>, q, rows, out, a, dr);
        break;
    case 8:
        cudaLaunchKernelEx(&cfg, attention_kernel<8, ROPE>, q, rows, out, a, dr);
        break;
    default:
        return;
    }
    if (a.splits > 1 && !a.counters)
        combine_kernel<<<dim3(unsigned(a.n_head), unsigned(n)), 128, 0, s>>>(rows, out, a);
}

} // namespace

void attention(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a,
               cudaStream_t s) {
    launch<false>(q, rows, n, out, a, DecodeRope{}, s);
}

void attention_decode(const float* q, const float* k, const float* v, const RowKv* rows, int n,
                      float* out, const AttentionArgs& a, const RopeArgs& ra, cudaStream_t s) {
    launch<true>(
        q, rows, n, out, a,
        DecodeRope{k, v, ra.n_rot, ra.neox, ra.inv_freq, launch_tuning().early_trigger ? 1 : 0}, s);
}

} // namespace rwb::cuda
