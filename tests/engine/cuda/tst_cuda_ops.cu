// tst_cuda_ops: every kernel launcher of the CUDA module (engine/backends/cuda/kernels.h), called
// directly, against the CPU engine's own implementation of the same op on fresh random inputs of
// many shapes: mat-vec for every weight type (cuda_ops_matvec.cu) and its fused form with
// RMSNorm, several products and SwiGLU (cuda_ops_fused.cu), dequantization to F16
// (cuda_ops_dequantize.cu), RMSNorm, SwiGLU, F16 conversion and bias adds
// (cuda_ops_elementwise.cu), RoPE with the KV-cache write and attention (cuda_ops_attention.cu),
// and the sampling reductions (argmax, top-k, nucleus prefilter) against the CPU sampler's stages
// (cuda_ops_sample.cu).
//
// A plain program (the GPU machine has no Qt): one PASS/FAIL line per group with its worst
// error; exit 0 = pass, 1 = fail, 77 = skipped (no CUDA device; CTest's SKIP_RETURN_CODE).
// The inputs are new on every run (std::random_device); the seed is printed, and RWB_TEST_SEED=N
// repeats a run exactly.
#include "cuda_ops_common.h"

#include <cstdio>
#include <cstdlib>
#include <random>

int main() {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
        std::printf("SKIP tst_cuda_ops: no CUDA device\n");
        return 77;
    }
    cudaDeviceProp prop{};
    cuda_ops::must(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
    unsigned seed = 0;
    if (const char* s = std::getenv("RWB_TEST_SEED"))
        seed = unsigned(std::strtoul(s, nullptr, 10));
    else
        seed = std::random_device{}();
    std::printf("tst_cuda_ops on %s (sm_%d%d), seed %u (RWB_TEST_SEED=%u repeats this run)\n",
                prop.name, prop.major, prop.minor, seed, seed);
    std::fflush(stdout);

    // Each group draws from its own generator so that one group's inputs do not depend on how
    // many values another drew (a group can be debugged alone with the same seed).
    bool ok = true;
    cuda_ops::Rng r1(seed), r2(seed + 1), r3(seed + 2), r4(seed + 3), r5(seed + 4), r6(seed + 5);
    ok &= cuda_ops::run_matvec(r1);
    ok &= cuda_ops::run_fused(r5);
    ok &= cuda_ops::run_dequantize(r2);
    ok &= cuda_ops::run_elementwise(r3);
    ok &= cuda_ops::run_attention(r4);
    ok &= cuda_ops::run_sample(r6);
    std::printf("%s tst_cuda_ops (seed %u)\n", ok ? "PASS" : "FAIL", seed);
    return ok ? 0 : 1;
}
