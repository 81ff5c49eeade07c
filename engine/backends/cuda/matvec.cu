// Quantized matrix-vector products for decode: one warp per weight row, lanes stride over the
// row's 32-element units, each unit decoded once from its packed blocks and multiplied with up
// to kMaxMatvecRows activation rows (so a batch of sessions reads the weights once per step).
// The bias add and the residual add (accumulate) are fused into the store.
//
// Two kernels. The first reads the activations from global memory: a lane reads the 128 bytes of
// activations that match its unit, so each warp load touches 32 cache lines, and at the 1.5B
// shapes those L1 transactions, not the weight bytes, set the time (bench_cuda_ops: the same
// ~19 us for an 8960 x 1536 product in F16 and in Q4_K). The second (the default where the
// activations fit in shared memory) stages them once per block, padded to 33 floats per unit so
// the lanes' reads fall in 32 different banks. RWB_CUDA_MATVEC=warp forces the first.
#include "kernels.h"
#include "quant_units.cuh"

#include <cstdlib>
#include <cstring>

namespace rwb::cuda {
namespace {

constexpr int kWarpsPerBlock = 4;

// Row r of each of the NB outputs: the warp's partial sums reduced, the bias and the residual
// (accumulate) added in the store.
template <int NB>
__device__ __forceinline__ void store_row(const float (&acc)[NB], int lane, int64_t r,
                                          float* __restrict__ Y, int64_t ldy,
                                          const float* __restrict__ bias, int accumulate) {
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

constexpr int kSmemWarps = 8;
constexpr int kPad = 33; // floats per staged unit: 32 values + 1, so lanes hit distinct banks

template <uint32_t T, int NB>
__global__ void __launch_bounds__(32 * kSmemWarps)
    matvec_smem_kernel(const uint8_t* __restrict__ W, int64_t rows, int64_t cols, int64_t stride,
                       const float* __restrict__ X, int64_t ldx, float* __restrict__ Y, int64_t ldy,
                       const float* __restrict__ bias, int accumulate) {
    extern __shared__ float xs[]; // [NB][units][kPad]
    const int units = int(cols >> 5);
    for (int m = 0; m < NB; ++m)
        for (int e = threadIdx.x; e < int(cols); e += 32 * kSmemWarps)
            xs[(m * units + (e >> 5)) * kPad + (e & 31)] = X[m * ldx + e];
    __syncthreads();
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    for (int64_t r = int64_t(blockIdx.x) * kSmemWarps + warp; r < rows;
         r += int64_t(gridDim.x) * kSmemWarps) {
        const uint8_t* row = W + r * stride;
        float acc[NB];
#pragma unroll
        for (int m = 0; m < NB; ++m) acc[m] = 0.f;
        for (int u = lane; u < units; u += 32) {
            float v[32];
            unit_values<T>(row, u, v);
#pragma unroll
            for (int m = 0; m < NB; ++m) {
                const float* xp = xs + (m * units + u) * kPad;
                float s = 0.f;
#pragma unroll
                for (int i = 0; i < 32; ++i) s += v[i] * xp[i];
                acc[m] += s;
            }
        }
        store_row<NB>(acc, lane, r, Y, ldy, bias, accumulate);
    }
}

// Largest dynamic shared memory a block may use here (opt-in limit less a margin), and whether
// the staged kernel is wanted at all.
struct SmemConfig {
    size_t limit = 0;
    bool enabled = true;
};

const SmemConfig& smem_config() {
    static const SmemConfig c = [] {
        SmemConfig r;
        const char* e = std::getenv("RWB_CUDA_MATVEC");
        r.enabled = !(e && std::strcmp(e, "warp") == 0);
        int dev = 0, optin = 0;
        if (cudaGetDevice(&dev) == cudaSuccess &&
            cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev) ==
                cudaSuccess)
            r.limit = size_t(optin > 4096 ? optin - 4096 : 0);
        cudaGetLastError();
        return r;
    }();
    return c;
}

template <uint32_t T, int NB>
bool raise_smem_limit() {
    static const bool raised =
        cudaFuncSetAttribute(matvec_smem_kernel<T, NB>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             int(smem_config().limit)) == cudaSuccess;
    return raised;
}

template <uint32_t T>
void raise_type() {
    raise_smem_limit<T, 1>(), raise_smem_limit<T, 2>(), raise_smem_limit<T, 3>();
    raise_smem_limit<T, 4>(), raise_smem_limit<T, 5>(), raise_smem_limit<T, 6>();
    raise_smem_limit<T, 7>(), raise_smem_limit<T, 8>();
}

template <uint32_t T, int NB>
bool launch_smem(const DevMatrix& W, const float* X, int64_t ldx, float* Y, int64_t ldy,
                 const float* bias, bool acc, cudaStream_t s) {
    const SmemConfig& c = smem_config();
    const size_t bytes = size_t(NB) * size_t(W.cols >> 5) * kPad * sizeof(float);
    if (!c.enabled || bytes > c.limit) return false;
    // matvec_prepare() raised the limit before any graph capture began.
    if (!raise_smem_limit<T, NB>() && bytes > 48 * 1024) return false;
    const dim3 grid(unsigned((W.rows + kSmemWarps - 1) / kSmemWarps));
    matvec_smem_kernel<T, NB><<<grid, 32 * kSmemWarps, bytes, s>>>(
        W.data, W.rows, W.cols, W.stride, X, ldx, Y, ldy, bias, acc ? 1 : 0);
    return true;
}

template <uint32_t T>
void launch_type(const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y, int64_t ldy,
                 const float* bias, bool acc, cudaStream_t s) {
    const dim3 grid(unsigned((W.rows + kWarpsPerBlock - 1) / kWarpsPerBlock));
    const dim3 block(32 * kWarpsPerBlock);
#define RWB_MV(NB)                                                                                 \
    case NB:                                                                                       \
        if (launch_smem<T, NB>(W, X, ldx, Y, ldy, bias, acc, s)) break;                            \
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

void matvec_prepare() {
    smem_config();
    raise_type<kF32>(), raise_type<kF16>(), raise_type<kBF16>(), raise_type<kQ8_0>();
    raise_type<kQ4_0>(), raise_type<kQ4_K>(), raise_type<kQ5_K>(), raise_type<kQ6_K>();
    cudaGetLastError();
}

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
