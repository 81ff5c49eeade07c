// Shared device helpers of the CUDA module: ggml type ids, per-row KV descriptors, warp sums.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace rwb::cuda {

// ggml type ids (gguf/ggml_types.h) of the weight types the kernels read.
enum : uint32_t {
    kF32 = 0,
    kF16 = 1,
    kQ4_0 = 2,
    kQ8_0 = 8,
    kQ4_K = 12,
    kQ5_K = 13,
    kQ6_K = 14,
    kBF16 = 30,
};

// One activation row's view of its session's KV cache: every row of a batch may belong to a
// different session (batched decode) or to the same one at consecutive positions (prefill).
// k, v: the session's cache base, laid out [layer][kv_head][n_ctx][head_dim] in F16.
struct RowKv {
    __half* k;
    __half* v;
    int32_t pos;   // this row's position (it attends to 0 .. pos)
    int32_t n_ctx; // positions the cache holds per (layer, head)
};

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Programmatic dependent launch (sm_90 on; no-ops before, and in a kernel launched without the
// attribute). pdl_wait: block until the kernel before this one in the stream has finished and
// its writes are visible. pdl_trigger: let the next kernel's blocks start (their own pdl_wait
// still holds them before they read anything this kernel writes), so its prologue (the L2
// prefetch of its weights, RoPE angles) overlaps this kernel's tail.
__device__ __forceinline__ void pdl_wait() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}
__device__ __forceinline__ void pdl_trigger() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

} // namespace rwb::cuda
