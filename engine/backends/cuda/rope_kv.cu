// RoPE on q and k fused with the KV-cache write: one block per activation row rotates the row's
// heads at that row's position (angles in double, as on the CPU) and stores k and v as F16 into
// the row's own cache, so prefill rows and batched sessions go through the same kernel.
#include "kernels.h"

namespace rwb::cuda {
namespace {

constexpr int kThreads = 128;
constexpr int kMaxHalf = 128; // n_rot up to 256 (head_dim is at most 256)

// cos and sin of the row's angle for each rotated pair, computed once per block (in double, as on
// the CPU) and shared by every head of q and k.
__device__ void rotate(float* x, int64_t heads, int64_t hd, int64_t half, int neox, const float* cs,
                       const float* sn) {
    for (int64_t t = threadIdx.x; t < heads * half; t += kThreads) {
        const int64_t h = t / half, i = t % half;
        const float c = cs[i], s = sn[i];
        float* v = x + h * hd;
        float* a = neox ? v + i : v + 2 * i;
        float* b = neox ? v + i + half : v + 2 * i + 1;
        const float x0 = *a, x1 = *b;
        *a = x0 * c - x1 * s;
        *b = x0 * s + x1 * c;
    }
}

__global__ void __launch_bounds__(kThreads)
    rope_kv_kernel(float* q, float* k, const float* __restrict__ v, const RowKv* __restrict__ rows,
                   RopeArgs a) {
    const int row = blockIdx.x;
    const RowKv r = rows[row];
    const int64_t qd = a.n_head * a.head_dim, kd = a.n_head_kv * a.head_dim;
    const int64_t half = a.n_rot / 2;
    __shared__ float cs[kMaxHalf], sn[kMaxHalf];
    for (int64_t i = threadIdx.x; i < half; i += kThreads) {
        double dsn, dcs;
        sincos(double(r.pos) * a.inv_freq[i], &dsn, &dcs);
        cs[i] = float(dcs), sn[i] = float(dsn);
    }
    __syncthreads();
    float* qr = q + row * qd;
    float* kr = k + row * kd;
    const float* vr = v + row * kd;
    rotate(qr, a.n_head, a.head_dim, half, a.neox, cs, sn);
    rotate(kr, a.n_head_kv, a.head_dim, half, a.neox, cs, sn);
    __syncthreads();
    for (int64_t t = threadIdx.x; t < kd; t += kThreads) {
        const int64_t h = t / a.head_dim, d = t % a.head_dim;
        const int64_t off = ((a.layer * a.n_head_kv + h) * r.n_ctx + r.pos) * a.head_dim + d;
        r.k[off] = __float2half_rn(kr[t]);
        r.v[off] = __float2half_rn(vr[t]);
    }
}

} // namespace

void rope_kv_store(float* q, float* k, const float* v, const RowKv* rows, int n, const RopeArgs& a,
                   cudaStream_t s) {
    rope_kv_kernel<<<unsigned(n), kThreads, 0, s>>>(q, k, v, rows, a);
}

} // namespace rwb::cuda
