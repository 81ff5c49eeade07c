// Matrix-vector products for decode (up to kMaxMatvecRows activation rows): the staged kernel
// (matvec_staged.cu) where the activations fit in shared memory, else the warp kernel here. Both
// give one warp per weight row, lanes striding over the row's 32-element units, each unit's
// packed blocks read once for every activation row (a batch of sessions reads the weights once
// per step), bias and residual adds fused into the store.
//
// The warp kernel reads the activations from global memory and unpacks every weight to a float:
// each warp load of activations touches 32 cache lines (at the 1.5B shapes that set the time:
// the same ~19 us for an 8960 x 1536 product in F16 and in Q4_K), and the K-quants' unpacking
// makes it instruction-bound. It remains for inputs too wide to stage and as
// RWB_CUDA_MATVEC=warp (to compare, or to rule the staged kernel out).
#include "dispatch.h"
#include "matvec_dot.cuh"

namespace rwb::cuda {
namespace {

constexpr int kWarpsPerBlock = 4;

template <uint32_t T, int NB>
__global__ void __launch_bounds__(32 * kWarpsPerBlock)
    matvec_kernel(const uint8_t* __restrict__ W, int64_t rows, int64_t cols, int64_t stride,
                  const float* __restrict__ X, int64_t ldx, float* __restrict__ Y, int64_t ldy,
                  const float* __restrict__ bias, int accumulate) {
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int64_t r = int64_t(blockIdx.x) * kWarpsPerBlock + warp;
    if (r >= rows) return;
    const uint8_t* row = W + r * stride;
    const int units = int(cols >> 5);
    float acc[NB];
#pragma unroll
    for (int m = 0; m < NB; ++m) acc[m] = 0.f;
        // Two units per lane in flight: the second unit's loads issue before the first is consumed.
#pragma unroll 2
    for (int u = lane; u < units; u += 32) {
        float v[32];
        unit_values<T>(row, u, v);
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            const float4* xp = reinterpret_cast<const float4*>(X + m * ldx) + 8 * u;
            float s = 0.f;
#pragma unroll
            for (int i = 0; i < 8; ++i) {
                const float4 x = __ldg(xp + i);
                s += v[4 * i] * x.x + v[4 * i + 1] * x.y + v[4 * i + 2] * x.z + v[4 * i + 3] * x.w;
            }
            acc[m] += s;
        }
    }
    store_row<NB>(acc, lane, r, Y, ldy, bias, accumulate);
}

template <uint32_t T>
void launch_warp(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
                 const float* bias, bool acc, cudaStream_t s) {
    const dim3 grid(unsigned((W.rows + kWarpsPerBlock - 1) / kWarpsPerBlock));
    const dim3 block(32 * kWarpsPerBlock);
    with_rows(n, [&](auto nb) {
        matvec_kernel<T, decltype(nb)::value><<<grid, block, 0, s>>>(
            W.data, W.rows, W.cols, W.stride, X, ldx, Y, ldy, bias, acc ? 1 : 0);
        return true;
    });
}

} // namespace

bool type_supported(uint32_t type) {
    return with_weight_type(type, [](auto) { return true; });
}

void matvec_warp(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
                 const float* bias, bool accumulate, cudaStream_t s) {
    with_weight_type(W.type, [&](auto t) {
        launch_warp<decltype(t)::value>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
        return true;
    });
}

void matvec(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
            const float* bias, bool accumulate, cudaStream_t s) {
    const MatvecJob job{W, Y, ldy, bias, accumulate};
    if (!matvec_fused(&job, 1, false, X, n, ldx, nullptr, 0.f, s))
        matvec_warp(W, X, n, ldx, Y, ldy, bias, accumulate, s);
}

} // namespace rwb::cuda
