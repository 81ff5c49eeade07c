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
#include "kernels.h"
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
#define RWB_MV(NB)                                                                                 \
    case NB:                                                                                       \
        matvec_kernel<T, NB><<<grid, block, 0, s>>>(W.data, W.rows, W.cols, W.stride, X, ldx, Y,   \
                                                    ldy, bias, acc ? 1 : 0);                       \
        break;
    switch (n) {
        RWB_MV(1)
        RWB_MV(2)
        RWB_MV(3)
        RWB_MV(4)
        RWB_MV(5)
        RWB_MV(6)
        RWB_MV(7)
        RWB_MV(8)
    default:
        break;
    }
#undef RWB_MV
}

} // namespace

bool type_supported(uint32_t type) {
    switch (type) {
    case kF32:
    case kF16:
    case kBF16:
    case kQ8_0:
    case kQ4_0:
    case kQ4_K:
    case kQ5_K:
    case kQ6_K:
        return true;
    default:
        return false;
    }
}

void matvec_warp(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
                 const float* bias, bool accumulate, cudaStream_t s) {
    switch (W.type) {
    case kF32:
        return launch_warp<kF32>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kF16:
        return launch_warp<kF16>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kBF16:
        return launch_warp<kBF16>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ8_0:
        return launch_warp<kQ8_0>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ4_0:
        return launch_warp<kQ4_0>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ4_K:
        return launch_warp<kQ4_K>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ5_K:
        return launch_warp<kQ5_K>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ6_K:
        return launch_warp<kQ6_K>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    default:
        return;
    }
}

void matvec(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
            const float* bias, bool accumulate, cudaStream_t s) {
    const MatvecJob job{W, Y, ldy, bias, accumulate};
    if (!matvec_fused(&job, 1, false, X, n, ldx, nullptr, 0.f, s))
        matvec_warp(W, X, n, ldx, Y, ldy, bias, accumulate, s);
}

} // namespace rwb::cuda
