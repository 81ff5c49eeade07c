// What bench_cuda_ops.cu and bench_cuda_other.cu share: the model shapes, the options, and how an
// op is timed (captured into a CUDA graph and replayed) and reported.
#pragma once

#include "backends/cuda/kernels.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace rwb::cuda_bench {

struct ModelShape {
    const char* name;
    int64_t embd, ff, heads, kv_heads, head_dim, vocab, layers;
};
const ModelShape kShapes[] = {
    {"1.5b", 1536, 8960, 12, 2, 128, 151936, 28},
    {"7b", 3584, 18944, 28, 4, 128, 152064, 28},
};

struct Args {
    std::vector<std::string> shapes{"1.5b", "7b"};
    std::vector<std::string> types{"f16", "q8_0", "q4_k", "q6_k"};
    std::vector<int> ctx{128, 1024, 4096, 16384};
    int rows = 1;
};

bool ok(cudaError_t e, const char* what);
// Fills bytes with small finite halves / floats from a hash of the index and seed.
void fill(void* p, uint64_t bytes, uint32_t seed);
// One report line: time, GB/s of `bytes`, and that as a share of copy_bw.
void row(const char* op, const char* shape, double t, double bytes, double copy_bw);

// Seconds per call of `op`, captured `reps` times into one graph and replayed.
template <class Op>
double time_op(cudaStream_t s, int reps, Op op) {
    // RWB_BENCH_ONCE: each op launched once, directly (for a profiler such as ncu); no times.
    if (std::getenv("RWB_BENCH_ONCE")) {
        op(0);
        cudaStreamSynchronize(s);
        return 1.0;
    }
    cudaGraph_t g = nullptr;
    cudaGraphExec_t exec = nullptr;
    cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal);
    for (int i = 0; i < reps; ++i) op(i);
    if (!ok(cudaStreamEndCapture(s, &g), "capture") ||
        !ok(cudaGraphInstantiate(&exec, g, 0), "instantiate"))
        return -1;
    cudaEvent_t a, b;
    cudaEventCreate(&a);
    cudaEventCreate(&b);
    cudaGraphLaunch(exec, s); // warm-up
    std::vector<float> ms;
    for (int t = 0; t < 5; ++t) {
        cudaEventRecord(a, s);
        cudaGraphLaunch(exec, s);
        cudaEventRecord(b, s);
        cudaEventSynchronize(b);
        float m = 0;
        cudaEventElapsedTime(&m, a, b);
        ms.push_back(m);
    }
    std::sort(ms.begin(), ms.end());
    cudaEventDestroy(a);
    cudaEventDestroy(b);
    cudaGraphExecDestroy(exec);
    cudaGraphDestroy(g);
    return ms[ms.size() / 2] / 1e3 / reps; // median
}

// Norm, SwiGLU, RoPE + KV write, attention at each context; sampling over the vocabulary.
void bench_other(const ModelShape& m, const Args& a, cudaStream_t s, double copy_bw);
void bench_sampling(const ModelShape& m, cudaStream_t s, double copy_bw);

} // namespace rwb::cuda_bench
