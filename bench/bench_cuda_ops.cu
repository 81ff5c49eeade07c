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
#include "backends/cuda/kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace rwb::cuda;

namespace {

struct ModelShape {
    const char* name;
    int64_t embd, ff, heads, kv_heads, head_dim, vocab, layers;
};
const ModelShape kShapes[] = {
    {"1.5b", 1536, 8960, 12, 2, 128, 151936, 28},
    {"7b", 3584, 18944, 28, 4, 128, 152064, 28},
};

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

void row(const char* op, const char* shape, double t, double bytes, double copy_bw) {
    const double gbs = bytes / t / 1e9;
    std::printf("%-28s %-22s %9.2f us %8.0f GB/s %5.0f%%\n", op, shape, t * 1e6, gbs,
                100.0 * bytes / t / copy_bw);
}

struct Args {
    std::vector<std::string> shapes{"1.5b", "7b"};
    std::vector<std::string> types{"f16", "q8_0", "q4_k", "q6_k"};
    std::vector<int> ctx{128, 1024, 4096, 16384};
    int rows = 1;
};

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

void bench_other(const ModelShape& m, const Args& a, cudaStream_t s, double copy_bw) {
    const int64_t qd = m.heads * m.head_dim, kd = m.kv_heads * m.head_dim;
    const int max_ctx = *std::max_element(a.ctx.begin(), a.ctx.end());
    float *x, *w, *out, *q, *k, *v, *att, *partial;
    double* inv_freq;
    __half *kc, *vc;
    RowKv* rows;
    ok(cudaMalloc(&x, m.ff * 4), "malloc");
    ok(cudaMalloc(&w, m.ff * 4), "malloc");
    ok(cudaMalloc(&out, m.ff * 4), "malloc");
    ok(cudaMalloc(&q, qd * 4), "malloc");
    ok(cudaMalloc(&k, kd * 4), "malloc");
    ok(cudaMalloc(&v, kd * 4), "malloc");
    ok(cudaMalloc(&att, qd * 4), "malloc");
    ok(cudaMalloc(&partial, uint64_t(m.heads) * kMaxSplits * (m.head_dim + 2) * 4), "malloc");
    ok(cudaMalloc(&inv_freq, m.head_dim * 8), "malloc");
    ok(cudaMalloc(&kc, uint64_t(kd) * max_ctx * 2), "malloc");
    ok(cudaMalloc(&vc, uint64_t(kd) * max_ctx * 2), "malloc");
    ok(cudaMalloc(&rows, sizeof(RowKv)), "malloc");
    int* counters;
    ok(cudaMalloc(&counters, m.heads * 4), "malloc");
    cudaMemset(counters, 0, m.heads * 4);
    fill(x, m.ff * 4, 3), fill(w, m.ff * 4, 4), fill(q, qd * 4, 5), fill(k, kd * 4, 6);
    fill(v, kd * 4, 8), fill(kc, uint64_t(kd) * max_ctx * 2, 9),
        fill(vc, uint64_t(kd) * max_ctx * 2, 10);
    std::vector<double> freq(size_t(m.head_dim / 2));
    for (size_t i = 0; i < freq.size(); ++i)
        freq[i] = std::pow(10000.0, -2.0 * double(i) / double(m.head_dim));
    cudaMemcpy(inv_freq, freq.data(), freq.size() * 8, cudaMemcpyHostToDevice);
    char shape[64];

    std::snprintf(shape, sizeof shape, "1 x %lld", (long long)m.embd);
    row("rms_norm", shape, time_op(s, 64, [&](int) { rms_norm(x, w, out, 1, m.embd, 1e-6f, s); }),
        double(m.embd) * 12, copy_bw);
    std::snprintf(shape, sizeof shape, "1 x %lld", (long long)m.ff);
    row("swiglu", shape, time_op(s, 64, [&](int) { swiglu(out, x, m.ff, s); }), double(m.ff) * 12,
        copy_bw);

    for (int ctx : a.ctx) {
        RowKv r{kc, vc, ctx - 1, max_ctx};
        cudaMemcpy(rows, &r, sizeof r, cudaMemcpyHostToDevice);
        std::snprintf(shape, sizeof shape, "pos %d", ctx - 1);
        RopeArgs ra{m.heads, m.kv_heads, m.head_dim, m.head_dim, 1, inv_freq, 0};
        if (ctx == a.ctx.front())
            row("rope + kv write", shape,
                time_op(s, 64, [&](int) { rope_kv_store(q, k, v, rows, 1, ra, s); }),
                double(qd + 2 * kd) * 4 + double(kd) * 4, copy_bw);
        const int splits = decode_splits(ctx); // as the decode step chooses
        AttentionArgs aa{m.heads, m.kv_heads, m.head_dim, 0, 0.088f, splits, partial};
        const double t = time_op(s, 64, [&](int) { attention(q, rows, 1, att, aa, s); });
        char op[64];
        std::snprintf(op, sizeof op, "attention (%d splits)", splits);
        row(op, shape, t, double(ctx) * double(kd) * 4, copy_bw);
        AttentionArgs ad = aa; // as the decode step runs it: the last split merges
        ad.counters = counters;
        const double td =
            time_op(s, 64, [&](int) { attention_decode(q, k, v, rows, 1, att, ad, ra, s); });
        std::snprintf(op, sizeof op, "rope+attention (%d splits)", splits);
        row(op, shape, td, double(ctx) * double(kd) * 4, copy_bw);
    }
    for (void* p :
         {(void*)x, (void*)w, (void*)out, (void*)q, (void*)k, (void*)v, (void*)att, (void*)partial,
          (void*)inv_freq, (void*)kc, (void*)vc, (void*)rows, (void*)counters})
        cudaFree(p);
}

// Sampling on the device over one vocabulary row (sample_select.cu), as a decode step with the
// R1 sampler runs it; the bytes are the row's. The logits are 4 * N(0, 1): a peaked row, whose
// nucleus at T 0.6 / top-p 0.95 is a few hundred tokens (a flat row would overflow the 4096
// candidates and go to the whole-row download instead).
void bench_sampling(const ModelShape& m, cudaStream_t s, double copy_bw) {
    std::vector<float> host(size_t(m.vocab));
    uint64_t x = 88172645463325252ull;
    for (float& v : host) { // Box-Muller over a xorshift stream: reproducible, no <random> state
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const double u1 = (double(x >> 11) + 1.0) / 9007199254740993.0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const double u2 = double(x >> 11) / 9007199254740992.0;
        v = float(4.0 * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }
    float* logits = nullptr;
    SelectHeader* head = nullptr;
    SelectCandidate* cands = nullptr;
    SelectWork* work = nullptr;
    if (!ok(cudaMalloc(&logits, host.size() * 4), "malloc") ||
        !ok(cudaMalloc(&head, sizeof(SelectHeader)), "malloc") ||
        !ok(cudaMalloc(&cands, 4096 * sizeof(SelectCandidate)), "malloc") ||
        !ok(cudaMalloc(&work, sizeof(SelectWork)), "malloc"))
        return;
    cudaMemcpy(logits, host.data(), host.size() * 4, cudaMemcpyHostToDevice);
    char shape[64];
    std::snprintf(shape, sizeof shape, "1 x %lld", (long long)m.vocab);
    const double bytes = double(m.vocab) * 4;
    row("sample argmax", shape,
        time_op(s, 64, [&](int) { select_argmax(logits, m.vocab, head, s); }), bytes, copy_bw);
    row("sample top-k 40", shape,
        time_op(s, 64, [&](int) { select_top_k(logits, m.vocab, 1.f / 0.6f, 40, head, cands, s); }),
        bytes, copy_bw);
    const double tn = time_op(s, 64, [&](int) {
        select_nucleus(logits, m.vocab, 1.f / 0.6f, 0.95f, 0.f, 4096, head, cands, work, s);
    });
    SelectHeader h{};
    cudaMemcpy(&h, head, sizeof h, cudaMemcpyDeviceToHost);
    char op[64];
    std::snprintf(op, sizeof op, "sample nucleus (%d kept)", int(h.count));
    row(op, shape, tn, bytes, copy_bw);
    for (void* p : {(void*)logits, (void*)head, (void*)cands, (void*)work}) cudaFree(p);
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
