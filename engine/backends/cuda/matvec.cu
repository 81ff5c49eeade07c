// Quantized matrix-vector products for decode: one warp per weight row, lanes stride over the
// row's 32-element units, each unit decoded once from its packed blocks and multiplied with up
// to kMaxMatvecRows activation rows (so a batch of sessions reads the weights once per step).
// The bias add and the residual add (accumulate) are fused into the store.
#include "kernels.h"
#include "quant_units.cuh"

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
#pragma unroll
    for (int m = 0; m < NB; ++m) {
        const float s = warp_sum(acc[m]);
        if (lane == 0) {
            float out = s + (bias ? bias[r] : 0.f);
            float* y = Y + m * ldy + r;
            *y = accumulate ? *y + out : out;
        }
    }
}

template <uint32_t T>
void launch_type(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
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

void matvec(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
            const float* bias, bool accumulate, cudaStream_t s) {
    switch (W.type) {
    case kF32:
        return launch_type<kF32>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kF16:
        return launch_type<kF16>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kBF16:
        return launch_type<kBF16>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ8_0:
        return launch_type<kQ8_0>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ4_0:
        return launch_type<kQ4_0>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ4_K:
        return launch_type<kQ4_K>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ5_K:
        return launch_type<kQ5_K>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    case kQ6_K:
        return launch_type<kQ6_K>(W, X, n, ldx, Y, ldy, bias, accumulate, s);
    default:
        return;
    }
}

} // namespace rwb::cuda
