// Prompt attention on tensor cores (flash attention). The decode kernel (attention.cu) gives
// every (row, head) a block that reads the whole cache on its own: for a 512-token prompt that
// is 512 times the same K and V per head, and it took 38% of a prompt's kernel time on the H200
// (docs/cuda-runs/2026-11-29-1930-prof.txt). Here a block takes 64 rows of one head: K and V come
// into shared memory 64 (or 32) positions at a time, once for all 64 rows; S = Q K^T and O += P V
// run as 16x16x16 F16 products with F32 accumulation (wmma), the softmax in between online per row.
// q and p are rounded to F16 for the products (relative ~5e-4 against float q and p; k and v are
// F16 in the cache already). All rows of a call belong to one session (prefill).
#include "kernels.h"

#include <mma.h>

#include <cfloat>

namespace rwb::cuda {
namespace {

namespace wmma = nvcuda::wmma;

constexpr int kRows = 64;     // query rows per block: 16 per warp
constexpr int kThreads = 128; // four warps

// KEYS: cache positions per K/V tile, 64, or 32 where a block may not take the shared memory of
// 64 (head_dim 128 needs 110 KB with 64 and 81 KB with 32; sm_86 and sm_89 allow 99 KB).
template <int HD, int KEYS>
struct Layout {
    static constexpr int ldh = HD + 8;   // halves per row of the Q, K and V tiles
    static constexpr int ldo = HD + 4;   // floats per row of a warp's output accumulator
    static constexpr int lds = KEYS + 4; // floats per row of a warp's scores
    static constexpr int ldp = KEYS + 8; // halves per row of a warp's probabilities
    static constexpr size_t q = 0;
    static constexpr size_t k = q + size_t(kRows) * ldh * 2;
    static constexpr size_t v = k + size_t(KEYS) * ldh * 2;
    static constexpr size_t s = v + size_t(KEYS) * ldh * 2;
    static constexpr size_t p = s + size_t(kRows) * lds * 4;
    static constexpr size_t o = p + size_t(kRows) * ldp * 2;
    static constexpr size_t bytes = o + size_t(kRows) * ldo * 4;
};

template <int HD, int KEYS>
__global__ void __launch_bounds__(kThreads)
    prefill_attention_kernel(const float* __restrict__ q, const RowKv* __restrict__ rows, int n,
                             float* __restrict__ out, AttentionArgs a) {
    using L = Layout<HD, KEYS>;
    constexpr int kKeys = KEYS, kLdS = L::lds, kLdP = L::ldp;
    extern __shared__ __align__(128) unsigned char smem[];
    __half* qs = reinterpret_cast<__half*>(smem + L::q);
    __half* ks = reinterpret_cast<__half*>(smem + L::k);
    __half* vs = reinterpret_cast<__half*>(smem + L::v);
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    float* sw = reinterpret_cast<float*>(smem + L::s) + warp * 16 * kLdS;
    __half* pw = reinterpret_cast<__half*>(smem + L::p) + warp * 16 * kLdP;
    float* ow = reinterpret_cast<float*>(smem + L::o) + warp * 16 * L::ldo;

    // The tiles with the most positions (the prompt's end) start first.
    const int row0 = (int(gridDim.x) - 1 - int(blockIdx.x)) * kRows, head = blockIdx.y;
    const int64_t kvh = head / (a.n_head / a.n_head_kv);
    const RowKv r0 = rows[row0];
    const int64_t base = (a.layer * a.n_head_kv + kvh) * int64_t(r0.n_ctx) * HD;
    const __half* K = r0.k + base;
    const __half* V = r0.v + base;

    // The last position any row of the block attends to.
    __shared__ int last;
    if (threadIdx.x == 0) last = -1;
    __syncthreads();
    if (threadIdx.x < kRows && row0 + int(threadIdx.x) < n)
        atomicMax(&last, rows[row0 + threadIdx.x].pos);

    // Q tile, scaled, as F16 (rows past n as zeros).
    for (int i = threadIdx.x; i < kRows * HD / 4; i += kThreads) {
        const int r = i / (HD / 4), c = 4 * (i % (HD / 4));
        float4 v4 = make_float4(0.f, 0.f, 0.f, 0.f);
        if (row0 + r < n)
            v4 = *reinterpret_cast<const float4*>(q + (int64_t(row0 + r) * a.n_head + head) * HD +
                                                  c);
        __half2* d = reinterpret_cast<__half2*>(qs + r * L::ldh + c);
        d[0] = __floats2half2_rn(v4.x * a.scale, v4.y * a.scale);
        d[1] = __floats2half2_rn(v4.z * a.scale, v4.w * a.scale);
    }
    // Lanes 2i and 2i+1 of a warp own its row i: half the scores and half the output each.
    const int rr = lane >> 1, half = lane & 1;
    const int my_row = row0 + warp * 16 + rr;
    const int my_pos = my_row < n ? rows[my_row].pos : -1;
    for (int i = lane; i < 16 * L::ldo; i += 32) ow[i] = 0.f;
    float m = -FLT_MAX, l = 0.f;
    __syncthreads();
    const int end = last;

    for (int kv0 = 0; kv0 <= end; kv0 += kKeys) {
        __syncthreads(); // every warp is done with the previous K and V
        for (int i = threadIdx.x; i < kKeys * HD / 8; i += kThreads) {
            const int p = i / (HD / 8), c = 8 * (i % (HD / 8));
            uint4 kk = make_uint4(0u, 0u, 0u, 0u), vv = kk;
            if (kv0 + p <= end) {
                kk = *reinterpret_cast<const uint4*>(K + int64_t(kv0 + p) * HD + c);
                vv = *reinterpret_cast<const uint4*>(V + int64_t(kv0 + p) * HD + c);
            }
            *reinterpret_cast<uint4*>(ks + p * L::ldh + c) = kk;
            *reinterpret_cast<uint4*>(vs + p * L::ldh + c) = vv;
        }
        __syncthreads();

        // S = Q K^T for the warp's 16 rows and the tile's positions.
#pragma unroll
        for (int j = 0; j < kKeys / 16; ++j) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
            wmma::fill_fragment(acc, 0.f);
#pragma unroll
            for (int kk = 0; kk < HD / 16; ++kk) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> fb;
                wmma::load_matrix_sync(fa, qs + (warp * 16) * L::ldh + kk * 16, L::ldh);
                wmma::load_matrix_sync(fb, ks + (j * 16) * L::ldh + kk * 16, L::ldh);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(sw + j * 16, acc, kLdS, wmma::mem_row_major);
        }
        __syncwarp();

        // Online softmax of the lane's half of the row's scores (positions past the row's own
        // are masked).
        constexpr int kHalf = kKeys / 2;
        const float* srow = sw + rr * kLdS + half * kHalf;
        const int p0 = kv0 + half * kHalf;
        float tmax = -FLT_MAX;
#pragma unroll
        for (int i = 0; i < kHalf; ++i)
            if (p0 + i <= my_pos) tmax = fmaxf(tmax, srow[i]);
        tmax = fmaxf(tmax, __shfl_xor_sync(0xffffffffu, tmax, 1));
        const float mn = fmaxf(m, tmax);
        // Nothing seen yet (a row past n, or a tile wholly after the row): no weights, no scaling.
        const bool none = mn == -FLT_MAX;
        const float corr = none ? 1.f : __expf(m - mn);
        float sum = 0.f;
        __half* prow = pw + rr * kLdP + half * kHalf;
#pragma unroll
        for (int i = 0; i < kHalf; i += 2) {
            const float e0 = (!none && p0 + i <= my_pos) ? __expf(srow[i] - mn) : 0.f;
            const float e1 = (!none && p0 + i + 1 <= my_pos) ? __expf(srow[i + 1] - mn) : 0.f;
            const __half2 h = __floats2half2_rn(e0, e1);
            *reinterpret_cast<__half2*>(prow + i) = h;
            sum += __low2float(h) + __high2float(h); // the weights the product will use
        }
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        l = l * corr + sum;
        m = mn;
        float* orow = ow + rr * L::ldo + half * (HD / 2);
#pragma unroll 8
        for (int d = 0; d < HD / 2; ++d) orow[d] *= corr;
        __syncwarp();

        // O += P V.
#pragma unroll
        for (int d = 0; d < HD / 16; ++d) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
            wmma::load_matrix_sync(acc, ow + d * 16, L::ldo, wmma::mem_row_major);
#pragma unroll
            for (int kk = 0; kk < kKeys / 16; ++kk) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb;
                wmma::load_matrix_sync(fa, pw + kk * 16, kLdP);
                wmma::load_matrix_sync(fb, vs + (kk * 16) * L::ldh + d * 16, L::ldh);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(ow + d * 16, acc, L::ldo, wmma::mem_row_major);
        }
        __syncwarp();
    }
    if (my_row >= n) return;
    const float inv = l > 0.f ? 1.f / l : 0.f;
    const float* orow = ow + rr * L::ldo + half * (HD / 2);
    float* dst = out + (int64_t(my_row) * a.n_head + head) * HD + half * (HD / 2);
    for (int d = 0; d < HD / 2; d += 4)
        *reinterpret_cast<float4*>(dst + d) =
            make_float4(orow[d] * inv, orow[d + 1] * inv, orow[d + 2] * inv, orow[d + 3] * inv);
}

template <int HD, int KEYS>
bool launch_keys(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a,
                 cudaStream_t s) {
    using L = Layout<HD, KEYS>;
    // False where the device's opt-in limit is below the layout (the caller then tries less).
    static const bool ready = cudaFuncSetAttribute(prefill_attention_kernel<HD, KEYS>,
                                                   cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                   int(L::bytes)) == cudaSuccess;
    if (!ready) {
        cudaGetLastError();
        return false;
    }
    const dim3 grid(unsigned((n + kRows - 1) / kRows), unsigned(a.n_head));
    prefill_attention_kernel<HD, KEYS><<<grid, kThreads, L::bytes, s>>>(q, rows, n, out, a);
    return true;
}

template <int HD>
bool launch(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a, int keys,
            cudaStream_t s) {
    if (keys != 32 && launch_keys<HD, 64>(q, rows, n, out, a, s)) return true;
    return keys != 64 && launch_keys<HD, 32>(q, rows, n, out, a, s);
}

} // namespace

bool attention_prefill(const float* q, const RowKv* rows, int n, float* out, const AttentionArgs& a,
                       cudaStream_t s, int keys) {
    if (n < 1 || a.n_head % a.n_head_kv != 0) return false;
    switch (a.head_dim) {
    case 64:
        return launch<64>(q, rows, n, out, a, keys, s);
    case 128:
        return launch<128>(q, rows, n, out, a, keys, s);
    case 256:
        return launch<256>(q, rows, n, out, a, keys, s);
    default:
        return false;
    }
}

} // namespace rwb::cuda
