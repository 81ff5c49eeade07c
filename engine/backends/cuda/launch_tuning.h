// How the decode kernels are launched on this device, read once per process: the multiprocessor
// count, programmatic dependent launch and its early trigger, and how many weight rows ahead the
// staged mat-vec prefetches into L2. The environment switches exist for A/B measurements
// (bench_cuda_ops, rwb bench) on the GPU machine; the defaults are the measured best.
#pragma once

#include <cuda_runtime.h>

namespace rwb::cuda {

struct LaunchTuning {
    int sms = 132;
    // RWB_CUDA_PDL=0: no programmatic dependent launch (a kernel starts when the one before it
    // has finished).
    bool pdl = false;
    // RWB_CUDA_PDL_EARLY=0: kernels do not trigger their dependents early, which then start
    // only as the last block of the kernel before them exits.
    bool early_trigger = true;
    // RWB_CUDA_PREFETCH_AHEAD=N (0..4): the staged mat-vec fetches the weight rows of its next
    // N passes into L2 while it works on the current one (0, the default: only the first pass,
    // at start; more measured no gain, see matvec_staged.cu).
    int prefetch_ahead = 0;
    // RWB_CUDA_SPLIT_POSITIONS=N (8..256, a power of two): cache positions one flash-decoding
    // split walks at most (kPositionsPerSplit by default).
    int split_positions = 32;
    // RWB_CUDA_PREFILL_ATTENTION=0: prompts use the decode attention kernel instead of the
    // tensor-core one (attention_prefill.cu).
    bool prefill_flash = true;
    // RWB_CUDA_TWO_ROWS=0: a single staged product walks one weight row per warp at a time
    // instead of two.
    bool two_rows = true;
    // RWB_CUDA_WPR_BALANCE=0: Q8_0 / Q4_0 products with rows for more than one resident wave
    // keep one warp per row instead of splitting rows where that shortens the longest walk
    // (matvec_staged.cu).
    bool wpr_balance = true;
};
const LaunchTuning& launch_tuning();

// Fills attr and cfg's attribute list for a programmatic dependent launch where tuning allows.
void set_pdl(cudaLaunchConfig_t& cfg, cudaLaunchAttribute& attr);

} // namespace rwb::cuda
