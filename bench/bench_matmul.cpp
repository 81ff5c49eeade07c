// bench_matmul: speed of the CPU matmul kernels at the DeepSeek-R1-Distill-Qwen-1.5B shapes.
// Matrix-vector (M = 1, the generation path): time and effective weight bandwidth (GB/s);
// matrix-matrix (M = 512, prompt processing): time and GFLOP/s. Also the thread pool's dispatch
// latency. A program, not a test: figures go to docs/performance.md.
//
// usage: bench_matmul [--types q4_K,q6_K,q8_0,f16] [--threads 1,2] [--m 1,512] [--reps 7]
//                     [--isa avx2] [--big]   (--big adds the 151936x1536 output matrix at M > 1)
#include "backends/cpu/cpu_matmul.h"
#include "quant/quant.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace rwb;
using Clock = std::chrono::steady_clock;

namespace {

struct Shape {
    const char* name;
    int64_t rows, cols;
};
const Shape kShapes[] = {{"attn_q/o 1536x1536", 1536, 1536},
                         {"attn_k/v 256x1536", 256, 1536},
                         {"ffn_gate/up 8960x1536", 8960, 1536},
                         {"ffn_down 1536x8960", 1536, 8960},
                         {"output 151936x1536", 151936, 1536}};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

bool type_from_name(const std::string& name, GgmlType& t) {
    for (GgmlType c : quant::supported_types())
        if (ggml_type_name(c) == name) {
            t = c;
            return true;
        }
    return false;
}

// Weights: 64 distinct rows quantized by the reference quantizer, repeated (speed does not depend
// on the values, and quantizing 233M values would take minutes).
std::vector<uint8_t> make_weights(GgmlType t, int64_t rows, int64_t cols, size_t& row_bytes) {
    row_bytes = size_t(*ggml_row_bytes(t, uint64_t(cols)));
    std::vector<uint8_t> data(row_bytes * size_t(rows));
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.f, 0.02f);
    std::vector<float> row(static_cast<size_t>(cols));
    const int64_t distinct = std::min<int64_t>(rows, 64);
    for (int64_t r = 0; r < distinct; ++r) {
        for (float& v : row) v = normal(rng);
        (void)quant::quantize_row(t, row.data(), data.data() + size_t(r) * row_bytes, cols);
    }
    for (int64_t r = distinct; r < rows; ++r)
        std::memcpy(data.data() + size_t(r) * row_bytes,
                    data.data() + size_t(r % distinct) * row_bytes, row_bytes);
    return data;
}

// CPU seconds used by the whole process (all pool threads): on a machine shared with other jobs,
// work per CPU-second shows what the kernels would do with the cores to themselves.
double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void bench_dispatch(int threads) {
    cpu::ThreadPool pool(threads);
    std::vector<double> per_call;
    for (int rep = 0; rep < 5; ++rep) {
        const int calls = 2000;
        const auto t0 = Clock::now();
        for (int i = 0; i < calls; ++i) pool.run([](int, int) {});
        per_call.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / calls);
    }
    std::printf("dispatch  threads %d  %.2f us per empty run()\n", threads, median(per_call) * 1e6);
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> types = {"q4_K", "q6_K", "q8_0", "f16"};
    std::vector<int> thread_counts = {1, 2};
    std::vector<int64_t> ms = {1, 512};
    int reps = 7;
    bool big = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const char* next = i + 1 < argc ? argv[i + 1] : "";
        if (arg == "--types")
            types = split(argv[++i]);
        else if (arg == "--threads") {
            thread_counts.clear();
            for (auto& s : split(next)) thread_counts.push_back(std::stoi(s));
            ++i;
        } else if (arg == "--m") {
            ms.clear();
            for (auto& s : split(next)) ms.push_back(std::stoll(s));
            ++i;
        } else if (arg == "--reps")
            reps = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--isa") {
            if (!cpu::set_kernel_isa(argv[++i]).is_ok()) {
                std::fprintf(stderr, "bench_matmul: ISA %s not available\n", argv[i]);
                return 1;
            }
        } else if (arg == "--big")
            big = true;
        else {
            std::fprintf(stderr, "bench_matmul: unknown argument %s\n", arg.c_str());
            return 1;
        }
    }
    std::printf("kernel ISA %s, physical cores %d\n", cpu::kernel_isa(),
                cpu::ThreadPool::physical_cores());
    for (int th : thread_counts) bench_dispatch(th);

    for (const std::string& tn : types) {
        GgmlType t;
        if (!type_from_name(tn, t)) {
            std::fprintf(stderr, "bench_matmul: unknown type %s\n", tn.c_str());
            return 1;
        }
        for (const Shape& s : kShapes) {
            size_t row_bytes = 0;
            const auto data = make_weights(t, s.rows, s.cols, row_bytes);
            const double weight_bytes = double(row_bytes) * double(s.rows);
            // Matrix-vector products cycle through copies totalling >= 512 MB, so every call
            // streams its weights from DRAM as in a real decode step (a lone 2 MB matrix would sit
            // in L2/L3 and report cache bandwidth).
            const size_t copies = std::max<size_t>(1, size_t(512e6 / weight_bytes));
            std::vector<std::vector<uint8_t>> replicas(copies);
            for (auto& r : replicas) r = data;
            for (int64_t M : ms) {
                if (M > 1 && s.rows > 100000 && !big) continue;
                std::vector<float> X(size_t(M * s.cols)), Y(size_t(M * s.rows));
                std::mt19937 rng(1);
                std::normal_distribution<float> normal(0.f, 1.f);
                for (float& v : X) v = normal(rng);
                const size_t in_use = M == 1 ? copies : 1;
                size_t next = 0;
                auto call = [&](cpu::ThreadPool& pool) {
                    const cpu::WeightMatrix W{t, replicas[next].data(), s.rows, s.cols, row_bytes};
                    next = (next + 1) % in_use;
                    (void)cpu::matmul(W, X.data(), M, s.cols, Y.data(), s.rows, pool);
                };
                for (int th : thread_counts) {
                    cpu::ThreadPool pool(th);
                    // warm-up (scratch allocation, page faults), then timed repetitions; small
                    // problems are repeated inside one timing so the clock resolution is moot
                    for (size_t i = 0; i < in_use; ++i) call(pool);
                    const double flops = 2.0 * double(M) * double(s.rows) * double(s.cols);
                    const int inner = std::max(1, int(2e8 / std::max(1.0, flops)));
                    std::vector<double> times, cpu_times;
                    for (int r = 0; r < reps; ++r) {
                        const double c0 = process_cpu_seconds();
                        const auto t0 = Clock::now();
                        for (int i = 0; i < inner; ++i) call(pool);
                        times.push_back(std::chrono::duration<double>(Clock::now() - t0).count() /
                                        inner);
                        cpu_times.push_back((process_cpu_seconds() - c0) / inner);
                    }
                    const double sec = median(times);
                    const double cpu_sec = median(cpu_times);
                    std::printf("%-5s %-24s M %-4lld threads %d  %9.3f ms  %7.2f GB/s  %7.1f "
                                "GFLOP/s  (cpu %.0f%%, %.1f GFLOP per cpu-s)\n",
                                tn.c_str(), s.name, (long long)M, th, sec * 1e3,
                                weight_bytes / sec / 1e9, flops / sec / 1e9, 100.0 * cpu_sec / sec,
                                flops / cpu_sec / 1e9);
                    std::fflush(stdout);
                }
            }
        }
    }
    return 0;
}
