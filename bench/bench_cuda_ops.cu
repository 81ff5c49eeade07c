// bench_cuda_ops: every decode op of the CUDA backend at the real shapes of R1-Distill-Qwen-1.5B
// and -7B, timed on the device: time per call, GB/s of the bytes the op must read, and that as a
// share of the device-to-device copy bandwidth measured in the same run. Each op is captured 64
// times into a CUDA graph (as the decode step is) over rotating copies of its weights that
// together exceed the L2 cache, so every call reads from memory as in a real decode step.
//
// usage: bench_cuda_ops [--shape 1.5b|7b|all] [--types f16,bf16,q8_0,q4_0,q4_k,q5_k,q6_k]
//                       [--ctx 128,1024,4096,16384] [--rows N]
// --rows N (1..8): the products run on N activation rows at once, as a batched decode step of N
// sessions does (the weights are read once for all of them).
#include "bench_cuda_common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace rwb::cuda;
using namespace rwb::cuda_bench;

namespace rwb::cuda_bench {

bool ok(cudaError_t e, const char* what) {
    if (e == cudaSuccess) return true;
    std::fprintf(stderr, "bench_cuda_ops: %s: %s\n", what, cudaGetErrorString(e));
    return false;
}

__global__ void fill_kernel(uint32_t* p, int64_t words, uint32_t seed) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < words;
         i += int64_t(gridDim.x) * blockDim.x) {
        uint32_t x = uint32_t(i) * 2654435761u ^ seed;
        x ^= x >> 15, x *= 2246822519u, x ^= x >> 13;
        // Keep halves and floats finite and small: clear the top exponent bits of each half.
        p[i] = x & 0x3bff3bffu;
    }
}

void fill(void* p, uint64_t bytes, uint32_t seed) {
    fill_kernel<<<1024, 256>>>(static_cast<uint32_t*>(p), int64_t(bytes / 4), seed);
}

void row(const char* op, const char* shape, double t, double bytes, double copy_bw) {
    const double gbs = bytes / t / 1e9;
    std::printf("%-28s %-22s %9.2f us %8.0f GB/s %5.0f%%\n", op, shape, t * 1e6, gbs,
                100.0 * bytes / t / copy_bw);
}

} // namespace rwb::cuda_bench

namespace {

struct TypeInfo {
    const char* name;
    uint32_t id;
    int block_elems, block_bytes;
};
const TypeInfo kTypes[] = {
    {"f16", kF16, 1, 2},       {"bf16", kBF16, 1, 2},     {"q8_0", kQ8_0, 32, 34},
    {"q4_0", kQ4_0, 32, 18},   {"q4_k", kQ4_K, 256, 144}, {"q5_k", kQ5_K, 256, 176},
    {"q6_k", kQ6_K, 256, 210},
};

__global__ void copy_kernel(const float4* __restrict__ a, float4* __restrict__ b, int64_t n) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += int64_t(gridDim.x) * blockDim.x)
        b[i] = a[i];
}

// Device-to-device copy bandwidth (bytes read + written per second): the better of the copy
// engines (cudaMemcpyAsync) and a plain copy kernel; on the H200 the kernel is the faster.
double copy_bandwidth(cudaStream_t s, double& by_memcpy, double& by_kernel) {
    const uint64_t bytes = 2ull << 30;
    void *a = nullptr, *b = nullptr;
    if (!ok(cudaMalloc(&a, bytes), "malloc") || !ok(cudaMalloc(&b, bytes), "malloc")) return 0;
    fill(a, bytes, 1);
    const double t1 =
        time_op(s, 8, [&](int) { cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, s); });
    const double t2 = time_op(s, 8, [&](int) {
        copy_kernel<<<132 * 16, 256, 0, s>>>(static_cast<const float4*>(a), static_cast<float4*>(b),
                                             int64_t(bytes / 16));
    });
    cudaFree(a);
    cudaFree(b);
    by_memcpy = 2.0 * double(bytes) / t1;
    by_kernel = 2.0 * double(bytes) / t2;
    return std::max(by_memcpy, by_kernel);
}

std::vector<std::string> split(const char* s) {
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = s;; ++p) {
        if (*p == ',' || *p == 0) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
            if (!*p) break;
        } else {
            cur += *p;
        }
    }
    return out;
}

// " xN" in an op's name when it runs on N > 1 rows.
const char* rows_tag(int n) {
    static char tag[16];
    if (n <= 1) return "";
    std::snprintf(tag, sizeof tag, " x%d", n);
    return tag;
}

void bench_matvecs(const ModelShape& m, const TypeInfo& t, cudaStream_t s, double copy_bw,
                   const float* x, float* y, int n) {
    struct Mat {
        const char* name;
        int64_t rows, cols;
    };
    const int64_t kv = m.kv_heads * m.head_dim;
    const Mat mats[] = {{"attn_q", m.embd, m.embd}, {"attn_k", kv, m.embd},
                        {"attn_v", kv, m.embd},     {"attn_output", m.embd, m.embd},
                        {"ffn_gate", m.ff, m.embd}, {"ffn_up", m.ff, m.embd},
                        {"ffn_down", m.embd, m.ff}, {"output", m.vocab, m.embd}};
    double layer_s = 0, layer_bytes = 0;
    for (const Mat& mat : mats) {
        if (mat.cols % t.block_elems) continue;
        const int64_t row_bytes = mat.cols / t.block_elems * t.block_bytes;
        const int64_t stride = (row_bytes + 15) / 16 * 16;
        const uint64_t bytes = uint64_t(stride) * uint64_t(mat.rows);
        // Enough copies to defeat the 50 MB L2: at least 256 MB in all, at most 16 copies.
        const int copies = int(std::clamp<uint64_t>((256ull << 20) / bytes + 1, 2, 16));
        uint8_t* w = nullptr;
        if (!ok(cudaMalloc(&w, bytes * copies), "malloc weights")) return;
        fill(w, bytes * copies, 7);
        const double sec = time_op(s, 64, [&](int i) {
            DevMatrix d{t.id, w + bytes * uint64_t(i % copies), mat.rows, mat.cols, stride};
            matvec(d, x, n, mat.cols, y, mat.rows, nullptr, false, s);
        });
        cudaFree(w);
        char op[64], shape[64];
        std::snprintf(op, sizeof op, "matvec %s %s%s", t.name, mat.name, rows_tag(n));
        std::snprintf(shape, sizeof shape, "%lld x %lld", (long long)mat.rows, (long long)mat.cols);
        row(op, shape, sec, double(bytes), copy_bw);
        if (std::strcmp(mat.name, "output") != 0) layer_s += sec, layer_bytes += double(bytes);
    }
    char op[64];
    std::snprintf(op, sizeof op, "matvecs of one layer %s", t.name);
    row(op, "sum of the seven", layer_s, layer_bytes, copy_bw);
}

// The products of one decode layer as the decode step launches them: q/k/v in one staged launch
// with the attention RMSNorm fused, the attention output, gate/up with the norm and SwiGLU
// fused, and down; the bytes are the layer's weights.
void bench_fused_layer(const ModelShape& m, const TypeInfo& t, cudaStream_t s, double copy_bw,
                       const float* x, float* y, const float* norm_w, int n) {
    const int64_t kv = m.kv_heads * m.head_dim;
    const int64_t shapes[7][2] = {{m.embd, m.embd}, {kv, m.embd},   {kv, m.embd},  {m.embd, m.embd},
                                  {m.ff, m.embd},   {m.ff, m.embd}, {m.embd, m.ff}};
    int64_t stride[7], offset[8] = {0};
    for (int i = 0; i < 7; ++i) {
        if (shapes[i][1] % t.block_elems) return;
        stride[i] = (shapes[i][1] / t.block_elems * t.block_bytes + 15) / 16 * 16;
        offset[i + 1] = offset[i] + (stride[i] * shapes[i][0] + 255) / 256 * 256;
    }
    const uint64_t bytes = uint64_t(offset[7]);
    const int copies = int(std::clamp<uint64_t>((256ull << 20) / bytes + 1, 2, 16));
    uint8_t* w = nullptr;
    if (!ok(cudaMalloc(&w, bytes * copies), "malloc weights")) return;
    fill(w, bytes * copies, 11);
    auto mat = [&](int i, int c) {
        return DevMatrix{t.id, w + bytes * uint64_t(c) + offset[i], shapes[i][0], shapes[i][1],
                         stride[i]};
    };
    // n rows of each output, one after another.
    float *q = y, *k = q + n * m.embd, *v = k + n * kv, *gate = v + n * kv, *up = gate + n * m.ff;
    float* res = up + n * m.ff;
    // Where the staged kernel is off (RWB_CUDA_MATVEC=warp) the parts run as the decode step
    // then runs them: the norm, then one product each.
    float* xn = res + n * m.embd;
    auto qkv = [&](int c) {
        const MatvecJob jobs[3] = {{mat(0, c), q, m.embd}, {mat(1, c), k, kv}, {mat(2, c), v, kv}};
        if (matvec_fused(jobs, 3, false, x, n, m.embd, norm_w, 1e-6f, s)) return;
        rms_norm(x, norm_w, xn, n, m.embd, 1e-6f, s);
        for (const MatvecJob& j : jobs) matvec(j.W, xn, n, m.embd, j.Y, j.ldy, nullptr, false, s);
    };
    auto gate_up = [&](int c) {
        const MatvecJob jobs[2] = {{mat(4, c), gate, m.ff}, {mat(5, c), up, m.ff}};
        if (matvec_fused(jobs, 2, true, x, n, m.embd, norm_w, 1e-6f, s)) return;
        rms_norm(x, norm_w, xn, n, m.embd, 1e-6f, s);
        matvec(jobs[0].W, xn, n, m.embd, gate, m.ff, nullptr, false, s);
        matvec(jobs[1].W, xn, n, m.embd, up, m.ff, nullptr, false, s);
        swiglu(gate, up, int64_t(n) * m.ff, s);
    };
    auto attn_out = [&](int c) { matvec(mat(3, c), x, n, m.embd, res, m.embd, nullptr, true, s); };
    auto down = [&](int c) { matvec(mat(6, c), gate, n, m.ff, res, m.embd, nullptr, true, s); };
    auto part = [&](int i0, int i1) { return double(offset[i1] - offset[i0]); };
    char op[64];
    std::snprintf(op, sizeof op, "fused %s q+k+v (+norm)%s", t.name, rows_tag(n));
    row(op, "one launch", time_op(s, 64, [&](int i) { qkv(i % copies); }), part(0, 3), copy_bw);
    std::snprintf(op, sizeof op, "fused %s gate+up (+norm,swiglu)%s", t.name, rows_tag(n));
    row(op, "one launch", time_op(s, 64, [&](int i) { gate_up(i % copies); }), part(4, 6), copy_bw);
    std::snprintf(op, sizeof op, "fused %s layer products%s", t.name, rows_tag(n));
    row(op, "four launches",
        time_op(s, 64,
                [&](int i) {
                    const int c = i % copies;
                    qkv(c), attn_out(c), gate_up(c), down(c);
                }),
        double(bytes), copy_bw);
    cudaFree(w);
}

} // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 < argc && arg == "--shape") {
            const std::string v = argv[++i];
            a.shapes = v == "all" ? std::vector<std::string>{"1.5b", "7b"} : split(v.c_str());
        } else if (i + 1 < argc && arg == "--types") {
            a.types = split(argv[++i]);
        } else if (i + 1 < argc && arg == "--ctx") {
            a.ctx.clear();
            for (const std::string& c : split(argv[++i]))
                a.ctx.push_back(std::max(1, std::atoi(c.c_str())));
        } else if (i + 1 < argc && arg == "--rows") {
            a.rows = std::clamp(std::atoi(argv[++i]), 1, int(kMaxMatvecRows));
        } else {
            std::fprintf(stderr,
                         "usage: bench_cuda_ops [--shape 1.5b|7b|all] [--types f16,q8_0,...] "
                         "[--ctx 128,1024,...] [--rows N]\n");
            return 2;
        }
    }
    int dev = 0;
    cudaDeviceProp prop{};
    if (!ok(cudaGetDevice(&dev), "no CUDA device") ||
        !ok(cudaGetDeviceProperties(&prop, dev), "device"))
        return 1;
    matvec_prepare();
    cudaStream_t s;
    cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    double by_memcpy = 0, by_kernel = 0;
    const double copy_bw = copy_bandwidth(s, by_memcpy, by_kernel);
    std::printf("device %s, L2 %d MiB; device-to-device copy (read + write) %.0f GB/s by "
                "cudaMemcpy, %.0f GB/s by a copy kernel; shares below are of %.0f GB/s\n",
                prop.name, prop.l2CacheSize >> 20, by_memcpy / 1e9, by_kernel / 1e9, copy_bw / 1e9);
    std::printf("%-28s %-22s %12s %13s %6s\n", "op", "shape", "time", "bandwidth", "share");
    float *x, *y;
    ok(cudaMalloc(&x, 32768 * 4), "malloc");
    ok(cudaMalloc(&y, 160000 * 4 * kMaxMatvecRows), "malloc"); // vocab-sized rows
    fill(x, 32768 * 4, 2);
    // Norm weights near 1 (random bytes would make NaNs of the staged rows).
    float* norm_w;
    ok(cudaMalloc(&norm_w, 32768 * 4), "malloc");
    {
        std::vector<float> ones(32768, 1.f);
        cudaMemcpy(norm_w, ones.data(), ones.size() * 4, cudaMemcpyHostToDevice);
    }
    for (const ModelShape& m : kShapes) {
        if (std::find(a.shapes.begin(), a.shapes.end(), m.name) == a.shapes.end()) continue;
        std::printf("== R1-Distill-Qwen-%s shape\n", m.name);
        for (const std::string& tn : a.types)
            for (const TypeInfo& t : kTypes)
                if (tn == t.name) {
                    bench_matvecs(m, t, s, copy_bw, x, y, a.rows);
                    bench_fused_layer(m, t, s, copy_bw, x, y, norm_w, a.rows);
                }
        bench_other(m, a, s, copy_bw);
        bench_sampling(m, s, copy_bw);
    }
    return ok(cudaDeviceSynchronize(), "run") ? 0 : 1;
}
