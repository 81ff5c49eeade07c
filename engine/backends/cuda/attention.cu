// Attention over F16 KV caches with an online softmax. One block per (head, row, split): the
// four warps walk the split's positions four at a time (a lane holding head_dim / 32 dimensions;
// the four positions' loads and warp sums are independent, so they overlap instead of paying the
// memory latency once per position), then merge their running (max, sum, accumulator). With more
// than one split (flash-decoding, for long caches and few rows) each block writes its partial
// result and a second kernel combines the splits, so a single decode row still fills the GPU.
#include "kernels.h"

#include <cfloat>

namespace rwb::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kGroup = 4;          // positions a warp works on at once
constexpr int kMaxDimsPerLane = 8; // head_dim up to 256

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

template <int DPL>
__global__ void __launch_bounds__(32 * kWarps)
    attention_kernel(const float* __restrict__ q, const RowKv* __restrict__ rows,
                     float* __restrict__ out, AttentionArgs a) {
    const int head = blockIdx.x, row = blockIdx.y, split = blockIdx.z;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int64_t hd = a.head_dim;
    const RowKv r = rows[row];
    const int n_kv = r.pos + 1;
    const int per = (n_kv + a.splits - 1) / a.splits;
    const int p0 = split * per;
    const int p1 = min(n_kv, p0 + per);
    const int64_t kvh = head / (a.n_head / a.n_head_kv);
    const int64_t base = (a.layer * a.n_head_kv + kvh) * int64_t(r.n_ctx) * hd;
    const __half* K = r.k + base;
    const __half* V = r.v + base;

    float qv[DPL], acc[DPL];
    const float* qr = q + (int64_t(row) * a.n_head + head) * hd + lane * DPL;
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
    // Merge the warps: shared holds each warp's m, l and accumulator.
    __shared__ float sm[kWarps], sl[kWarps];
    __shared__ float sacc[kWarps][32 * kMaxDimsPerLane];
    if (lane == 0) sm[warp] = m, sl[warp] = l;
#pragma unroll
    for (int d = 0; d < DPL; ++d) sacc[warp][lane * DPL + d] = acc[d];
    __syncthreads();
    if (warp != 0) return;
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
    if (a.splits == 1) {
        float* dst = out + (int64_t(row) * a.n_head + head) * hd + lane * DPL;
        const float inv = L > 0.f ? 1.f / L : 0.f;
#pragma unroll
        for (int d = 0; d < DPL; ++d) dst[d] = o[d] * inv;
        return;
    }
    float* part = a.partial + ((int64_t(row) * a.n_head + head) * a.splits + split) * (hd + 2);
    if (lane == 0) part[0] = M, part[1] = L;
#pragma unroll
    for (int d = 0; d < DPL; ++d) part[2 + lane * DPL + d] = o[d];
}

__global__ void combine_kernel(float* __restrict__ out, AttentionArgs a) {
    const int head = blockIdx.x, row = blockIdx.y;
    const int64_t hd = a.head_dim;
    const float* part = a.partial + (int64_t(row) * a.n_head + head) * a.splits * (hd + 2);
    float M = -FLT_MAX;
    for (int s = 0; s < a.splits; ++s)
        if (part[s * (hd + 2) + 1] > 0.f) M = fmaxf(M, part[s * (hd + 2)]);
    for (int64_t d = threadIdx.x; d < hd; d += blockDim.x) {
        float L = 0.f, o = 0.f;
        for (int s = 0; s < a.splits; ++s) {
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

void attention(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a,
               cudaStream_t s) {
    const dim3 grid(unsigned(a.n_head), unsigned(n), unsigned(a.splits));
    const dim3 block(32 * kWarps);
    switch (a.head_dim / 32) {
    case 1:
        attention_kernel<1><<<grid, block, 0, s>>>(q, rows, out, a);
        break;
    case 2:
        attention_kernel<2><<<grid, block, 0, s>>>(q, rows, out, a);
        break;
    case 4:
        attention_kernel<4><<<grid, block, 0, s>>>(q, rows, out, a);
        break;
    case 8:
        attention_kernel<8><<<grid, block, 0, s>>>(q, rows, out, a);
        break;
    default:
        return;
    }
    if (a.splits > 1) combine_kernel<<<dim3(unsigned(a.n_head), unsigned(n)), 128, 0, s>>>(out, a);
}

} // namespace rwb::cuda
