// The staged mat-vec kernel: each block stages the activation rows once in shared memory
// (matvec_stage.cuh: the layer's RMSNorm applied there; 8-bit units for the quantized types,
// whose dot products run as dp4a on the packed bytes, bank-padded floats for F32/F16/BF16), then
// its warps walk weight rows. One launch serves up to three products of the same input (q, k and
// v of a layer), or a gate/up pair whose store applies the SwiGLU, so a decode layer launches
// five kernels where it launched twelve: at ~3 us of launch gap each, that mattered more than
// the weight bytes for the 1.5B model.
#include "dispatch.h"
#include "launch_tuning.h"
#include "matvec_rows.cuh"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

namespace rwb::cuda {
namespace {

constexpr int kWarps = kStageThreads / 32;
// Batches up to this many rows walk two weight rows per warp in a single product (more would
// spill registers).
constexpr int kTwoRowsMax = 4;
constexpr int64_t kTwoRowsBytes = int64_t(8) << 20; // and matrices of at least 8 MiB

struct JobArgs {
    const uint8_t* W;
    int64_t rows, stride;
    float* Y;
    int64_t ldy;
    const float* bias;
    uint32_t type;
    int accumulate;
    int block0, nblocks; // this job's blocks of the grid
};

struct FusedArgs {
    JobArgs job[3];
    int njobs, silu_pair;
    int two_rows; // a single product: each warp walks rows r and r + step together
    int wpr;      // warps per weight row: 1, 2, 4 or 8
    const float* X;
    int64_t ldx, cols;
    const float* norm_w;
    float eps;
    int ahead; // passes whose weight rows are prefetched into L2 ahead of the current one
    int early; // trigger the next kernel once this one's inputs are ready
};

// Starts fetching a weight row into L2 (one 128-byte line per lane).
__device__ __forceinline__ void prefetch_row(const uint8_t* row, int64_t bytes, int first,
                                             int stride) {
    for (int64_t o = int64_t(first) * 128; o < bytes; o += int64_t(stride) * 128)
        asm volatile("prefetch.global.L2 [%0];" ::"l"(row + o));
}

// The block's warp's weight row r of job J (and of the pair's second matrix), into L2.
__device__ __forceinline__ void prefetch_rows(const FusedArgs& a, const JobArgs& J, int64_t r,
                                              int first) {
    if (r >= J.rows) return;
    prefetch_row(J.W + r * J.stride, J.stride, first, 32 * a.wpr);
    if (a.silu_pair) prefetch_row(a.job[1].W + r * a.job[1].stride, J.stride, first, 32 * a.wpr);
}

// One kernel per staging kind and row count, the weight type read at run time. Keep it that way
// for every row count: kernels compiled per weight type with 48 registers (tried) gave results
// that differed in the last bits from these (the compiled code fuses multiply-adds differently),
// and a batched row then no longer equalled the same row run alone.
template <int K, int NB>
__global__ void __launch_bounds__(kStageThreads, K != kStageFloat ? (NB == 1 ? 4 : 3) : 2)
    staged_kernel(const FusedArgs a) {
    extern __shared__ __align__(16) unsigned char smem[];
    int j = 0; // the job whose rows this block walks
    if (!a.silu_pair)
        while (j + 1 < a.njobs && int(blockIdx.x) >= a.job[j + 1].block0) ++j;
    const JobArgs& J = a.job[j];
    const int pf_first = (int(threadIdx.x >> 5) % a.wpr) * 32 + int(threadIdx.x & 31);
    const int64_t pf_step = int64_t(J.nblocks) * (kWarps / a.wpr);
    const int64_t pf_row =
        int64_t(int(blockIdx.x) - J.block0) * (kWarps / a.wpr) + int(threadIdx.x >> 5) / a.wpr;
    // Launched as a programmatic dependent (launch()), this block may start while the previous
    // kernel still runs: the weights do not depend on it, so the rows of its first passes are
    // fetched now; everything else waits for that kernel's results.
    for (int i = 0; i <= a.ahead; ++i) prefetch_rows(a, J, pf_row + i * pf_step, pf_first);
    pdl_wait();
    if (a.early) pdl_trigger();
    if constexpr (K == kStageQ8_0)
        stage_q8_0<NB>(a.X, a.ldx, a.cols, a.norm_w, a.eps, reinterpret_cast<XUnit*>(smem));
    else if constexpr (K == kStageQ8_K)
        stage_q8_k<NB>(a.X, a.ldx, a.cols, a.norm_w, a.eps, reinterpret_cast<XUnit*>(smem));
    else
        stage_float<NB>(a.X, a.ldx, a.cols, a.norm_w, a.eps, reinterpret_cast<float*>(smem));
    __syncthreads();
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int units = int(a.cols >> 5);
    // wpr warps share a row, splitting its units, where the rows are too few for every resident
    // warp to get one (the 1.5B down product: 1536 rows for ~4200 warps); their sums meet in
    // shared memory. The loop is the same for the whole block (it synchronises inside).
    const int wpr = a.wpr, sub = warp % wpr, per_block = kWarps / wpr;
    const int64_t step = int64_t(J.nblocks) * per_block;
    __shared__ float red[kWarps][2][NB];
    const bool two = NB <= kTwoRowsMax && a.two_rows; // rows r and r + step per warp
    for (int64_t base = int64_t(int(blockIdx.x) - J.block0) * per_block; base < J.rows;
         base += two ? 2 * step : step) {
        const int64_t r = base + warp / wpr, rr = min(r, J.rows - 1);
        const int64_t r2 = r + step; // two_rows: the warp's second row
        // The pass `ahead` + 1 after this one into L2 (the ones before were fetched already),
        // so each pass's loads find their lines on the way instead of in DRAM.
        if (a.ahead > 0) prefetch_rows(a, J, r + (a.ahead + 1) * step, pf_first);
        float out[2][NB];
        if (a.silu_pair || two) { // two rows at once: gate and up (silu_pair), or r and r2
            const uint8_t* rows[2] = {J.W + rr * J.stride,
                                      a.silu_pair ? a.job[1].W + rr * a.job[1].stride
                                                  : J.W + min(r2, J.rows - 1) * J.stride};
            float acc[2][NB];
            rows_dot<K, NB, 2>(J.type, rows, units, smem, sub * 32 + lane, 32 * wpr, acc);
#pragma unroll
            for (int m = 0; m < NB; ++m)
                out[0][m] = warp_sum(acc[0][m]), out[1][m] = warp_sum(acc[1][m]);
        } else {
            const uint8_t* rows[1] = {J.W + rr * J.stride};
            float acc[1][NB];
            rows_dot<K, NB, 1>(J.type, rows, units, smem, sub * 32 + lane, 32 * wpr, acc);
#pragma unroll
            for (int m = 0; m < NB; ++m) out[0][m] = warp_sum(acc[0][m]), out[1][m] = 0.f;
        }
        if (wpr > 1) {
            if (lane == 0)
#pragma unroll
                for (int m = 0; m < NB; ++m)
                    red[warp][0][m] = out[0][m], red[warp][1][m] = out[1][m];
            __syncthreads();
            if (sub == 0)
#pragma unroll
                for (int m = 0; m < NB; ++m) {
                    float g = 0.f, h = 0.f;
                    for (int w = 0; w < wpr; ++w)
                        g += red[warp + w][0][m], h += red[warp + w][1][m];
                    out[0][m] = g, out[1][m] = h;
                }
            __syncthreads();
        }
        if (sub != 0 || lane != 0 || r >= J.rows) continue;
#pragma unroll
        for (int m = 0; m < NB; ++m) {
            float* y = J.Y + m * J.ldy + r;
            if (a.silu_pair) {
                *y = out[0][m] / (1.0f + expf(-out[0][m])) * out[1][m];
            } else {
                const float v = out[0][m] + (J.bias ? J.bias[r] : 0.f);
                *y = J.accumulate ? *y + v : v;
                if (two && r2 < J.rows) { // the warp's second row
                    float* y2 = J.Y + m * J.ldy + r2;
                    const float v2 = out[1][m] + (J.bias ? J.bias[r2] : 0.f);
                    *y2 = J.accumulate ? *y2 + v2 : v2;
                }
            }
        }
    }
}

// Largest dynamic shared memory a block may use (opt-in limit less a margin), and whether the
// staged kernel is wanted at all.
struct StagedConfig {
    size_t limit = 0;
    bool enabled = true;
};

const StagedConfig& config() {
    static const StagedConfig c = [] {
        StagedConfig r;
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

template <int K, int NB>
bool raise_smem_limit() {
    static const bool raised =
        cudaFuncSetAttribute(staged_kernel<K, NB>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             int(config().limit)) == cudaSuccess;
    return raised;
}

template <int K>
void raise_kind() {
    for (int n = 1; n <= kMaxMatvecRows; ++n)
        with_rows(n, [](auto nb) { return raise_smem_limit<K, decltype(nb)::value>(); });
}

template <int K, int NB>
bool launch(const FusedArgs& a, int blocks, size_t bytes, cudaStream_t s) {
    // matvec_prepare() raised the limit before any graph capture began.
    if (!raise_smem_limit<K, NB>() && bytes > 48 * 1024) return false;
    cudaLaunchConfig_t cfg{};
    cfg.gridDim = dim3(unsigned(blocks));
    cfg.blockDim = dim3(kStageThreads);
    cfg.dynamicSmemBytes = bytes;
    cfg.stream = s;
    cudaLaunchAttribute attr;
    set_pdl(cfg, attr);
    return cudaLaunchKernelEx(&cfg, staged_kernel<K, NB>, a) == cudaSuccess;
}

template <int K>
bool launch_rows(const FusedArgs& a, int n, int blocks, size_t bytes, cudaStream_t s) {
    return with_rows(n,
                     [&](auto nb) { return launch<K, decltype(nb)::value>(a, blocks, bytes, s); });
}

// Blocks of this kernel that run at once on the whole GPU. A launch is sized to one such wave
// (rows beyond loop inside the blocks), so each block pays the staging once: launching one
// block per eight rows made the 1.5B gate/up product run in two waves, staging twice.
template <int K>
int resident_blocks(int n, size_t bytes) {
    static thread_local std::map<std::pair<int, size_t>, int> cache;
    const auto key = std::make_pair(n, bytes);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    int per_sm = 0;
    cudaError_t e = cudaErrorInvalidValue;
    with_rows(n, [&](auto nb) {
        e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &per_sm, staged_kernel<K, decltype(nb)::value>, kStageThreads, bytes);
        return true;
    });
    if (e != cudaSuccess || per_sm < 1) per_sm = 1, cudaGetLastError();
    return cache[key] = per_sm * launch_tuning().sms;
}

int resident(int kind, int n, size_t bytes) {
    switch (kind) {
    case kStageQ8_0:
        return resident_blocks<kStageQ8_0>(n, bytes);
    case kStageQ8_K:
        return resident_blocks<kStageQ8_K>(n, bytes);
    default:
        return resident_blocks<kStageFloat>(n, bytes);
    }
}

// The staging a weight type's products need; -1 where the staged kernel has no dot product.
int stage_kind(uint32_t t) {
    switch (t) {
    case kF32:
    case kF16:
    case kBF16:
        return kStageFloat;
    case kQ8_0:
    case kQ4_0:
        return kStageQ8_0;
    case kQ4_K:
    case kQ5_K:
    case kQ6_K:
        return kStageQ8_K;
    default:
        return -1;
    }
}
bool aligned16(const void* p) {
    return (reinterpret_cast<uintptr_t>(p) & 15) == 0;
}

} // namespace

void matvec_prepare() {
    config();
    raise_kind<kStageFloat>(), raise_kind<kStageQ8_0>(), raise_kind<kStageQ8_K>();
    cudaGetLastError();
}

bool matvec_fused(const MatvecJob* jobs, int njobs, bool silu_pair, const float* X, int n,
                  int64_t ldx, const float* norm_w, float eps, cudaStream_t s) {
    const StagedConfig& c = config();
    if (!c.enabled || n < 1 || n > kMaxMatvecRows || njobs < 1 || njobs > 3) return false;
    const int64_t cols = jobs[0].W.cols;
    const int kind = stage_kind(jobs[0].W.type);
    for (int j = 0; j < njobs; ++j)
        if (stage_kind(jobs[j].W.type) != kind || jobs[j].W.cols != cols) return false;
    if (silu_pair && (njobs != 2 || jobs[0].W.type != jobs[1].W.type ||
                      jobs[0].W.rows != jobs[1].W.rows || jobs[0].bias || jobs[1].bias))
        return false;
    // Staging reads the rows (and the norm weights) four floats at a time.
    if (kind < 0 || cols % (kind == kStageQ8_K ? 256 : 32) != 0 || ldx % 4 != 0 || !aligned16(X) ||
        (norm_w && !aligned16(norm_w)))
        return false;
    const size_t bytes = staged_bytes(kind != kStageFloat, n, cols);
    if (bytes > c.limit) return false;
    // Warps per row (wpr): doubling it doubles the blocks a pass needs, so it stops where the
    // next doubling would no longer fit one resident wave (a second, partial pass costs a whole
    // load latency; against giving every resident warp a row: 1.5B Q4_K_M tg128 738 -> 750 t/s,
    // 7B 294 -> 298), and while each warp still walks a row's units in at least 1.5 passes.
    // wpr decides how a row's units are split and summed, so it is chosen for the launch a single
    // row would get (its wave, its rows per warp), whatever the batch: batched rows equal alone.
    const int64_t wave = resident(kind, n, bytes), units = cols / 32;
    const int64_t wave1 = resident(kind, 1, staged_bytes(kind != kStageFloat, 1, cols));
    // A large single product walks two rows per warp (RWB_CUDA_TWO_ROWS=0: one), so each lane
    // has two rows' loads in flight, as the gate/up pairs have. H200, bench_cuda_ops, one run:
    // 7B down -10% (Q4_K) to -15% (Q6_K), outputs -5% to -21%, F16 q/o at 7B -13%; but small
    // products lose warps to latency (1.5B 1536 x 1536 Q4_K +4%, 1.5B Q4_K down (7.7 MB) +3%), so
    // matrices under kTwoRowsBytes keep one row per warp.
    const int64_t matrix_bytes = jobs[0].W.rows * jobs[0].W.stride;
    const bool big_single =
        njobs == 1 && !silu_pair && matrix_bytes >= kTwoRowsBytes && launch_tuning().two_rows;
    const int rows_per_warp = big_single && n <= kTwoRowsMax ? 2 : 1;
    // Blocks job j needs for w warps per row and rpw rows per warp.
    auto blocks_of = [&](int j, int w, int rpw) {
        return (jobs[j].W.rows * w + kWarps * rpw - 1) / (kWarps * rpw);
    };
    auto blocks_for = [&](int w, int rpw) {
        int64_t b = 0;
        for (int j = 0; j < (silu_pair ? 1 : njobs); ++j) b += blocks_of(j, w, rpw);
        return b;
    };
    const int rpw1 = big_single ? 2 : 1; // rows per warp of a single row's launch
    int wpr = 1;
    while (wpr < kWarps && blocks_for(2 * wpr, rpw1) <= wave1 && units >= 48 * 2 * wpr) wpr *= 2;
    if (launch_tuning().wpr_balance && kind == kStageQ8_0 && blocks_for(1, rpw1) > wave1) {
        // Rows for more than one wave: a warp walks ceil(rows / warps) rows, so the 7B's 4,608
        // q/k/v rows over 4,224 warps take two passes, the second mostly idle. Split rows over w
        // warps where that shortens the longest warp's walk: ceil(rows * w / warps) part-rows
        // of ceil(units / (32 w)) lane steps each. H200, one run: 7B Q8_0 tg128 290.9 -> 301.1
        // t/s, 1.5B Q8_0 752.1 -> 774.2 (bench_cuda_ops, 7B Q8_0: q+k+v 11.1 -> 10.6 us, gate+up
        // 46.1 -> 43.9 us). Only the Q8_0 / Q4_0 kernel: 7B F16 went 225.9 -> 222.4 t/s, the
        // K-quants' Q6_K gate+up 45.8 -> 47.8 us (Q4_K unchanged).
        int64_t rows = 0;
        for (int j = 0; j < (silu_pair ? 1 : njobs); ++j) rows += jobs[j].W.rows;
        const int64_t warps = wave1 * kWarps * rpw1;
        auto cost = [&](int w) {
            return (rows * w + warps - 1) / warps * ((units + 32 * w - 1) / (32 * w));
        };
        for (int w = 2; w <= 4; w *= 2)
            if (units >= 32 * w && cost(w) < cost(wpr)) wpr = w;
    }
    // Blocks per job: one per kWarps / wpr rows, scaled down together to one resident wave.
    int64_t needed[3] = {0, 0, 0}, total = 0;
    for (int j = 0; j < (silu_pair ? 1 : njobs); ++j)
        total += needed[j] = blocks_of(j, wpr, rows_per_warp);
    FusedArgs a{};
    int blocks = 0;
    for (int j = 0; j < njobs; ++j) {
        const MatvecJob& m = jobs[j];
        JobArgs& J = a.job[j];
        J = {m.W.data, m.W.rows, m.W.stride,           m.Y,    m.ldy,
             m.bias,   m.W.type, m.accumulate ? 1 : 0, blocks, 0};
        if (silu_pair && j == 1) break; // the pair's rows are walked by job 0's blocks
        J.nblocks = int(total <= wave ? needed[j] : std::max<int64_t>(1, needed[j] * wave / total));
        blocks += J.nblocks;
    }
    a.njobs = njobs, a.silu_pair = silu_pair ? 1 : 0, a.wpr = wpr;
    a.two_rows = rows_per_warp == 2 ? 1 : 0;
    a.X = X, a.ldx = ldx, a.cols = cols, a.norm_w = norm_w, a.eps = eps;
    // Prefetching later passes' rows measured no gain in rwb bench (1.5B Q4_K_M tg128 757 t/s
    // either way) and cost 7B Q4_K_M 1-6% (303 -> 299 / 286 t/s), so it is off unless asked.
    a.ahead = launch_tuning().prefetch_ahead;
    a.early = launch_tuning().early_trigger ? 1 : 0;
    switch (kind) {
    case kStageQ8_0:
        return launch_rows<kStageQ8_0>(a, n, blocks, bytes, s);
    case kStageQ8_K:
        return launch_rows<kStageQ8_K>(a, n, blocks, bytes, s);
    default:
        return launch_rows<kStageFloat>(a, n, blocks, bytes, s);
    }
}

} // namespace rwb::cuda
