// bench_compare_concurrency: does running the three demo models at once (as the comparison view
// does) cost throughput beyond sharing the cores? Each model first decodes alone with all the
// machine's threads; then all three decode at the same time with the comparison view's thread
// split (app/compare splitThreads: the threads spread evenly, at least one per model, so three
// models on 2 cores get 1 thread each). The expected concurrent total is the sum of each single
// figure scaled by the model's share of the threads; the ratio measured / expected is printed.
//
// Concurrent rate: only tokens made while all three were still running count (up to the moment
// the first model finished), so a model running alone at the end does not inflate the total.
// Decode only: the prompt is prefilled before the clock starts, tokens are greedy (argmax), a
// fixed count per model. A program, not a test: figures go to docs/performance.md.
//
// usage: bench_compare_concurrency [--models DIR] [--tokens 512] [--threads 2]
#include "rwb/model.h"
#include "rwb/session.h"
#include "rwb/tokenizer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace rwb;
using Clock = std::chrono::steady_clock;

namespace {

const char* kNames[] = {"rwb-demo-small", "rwb-demo-medium", "rwb-demo-large"};
const char* kPrompt = "<｜User｜>What is 4821 + 3967? Explain each column.<｜Assistant｜><think>\n";

struct Run {
    std::vector<Clock::time_point> stamps; // when each token was decoded
    std::string error;
};

// The comparison view's split (app/compare/memory_plan.cpp splitThreads), restated here because
// the bench uses the engine API only.
std::vector<int> split_threads(int total, int models) {
    std::vector<int> out;
    total = std::max(total, models);
    for (int i = 0; i < models; ++i) out.push_back(total / models + (i < total % models ? 1 : 0));
    return out;
}

// Prefills the prompt, then decodes `tokens` greedy tokens, stamping each.
// `start`: when given, waits there after the prefill so all models begin decoding together.
Run decode(const std::shared_ptr<const Model>& model, int threads, int tokens,
           std::latch* start = nullptr) {
    Run run;
    SessionOptions so;
    so.n_threads = threads;
    so.n_ctx = std::min<int64_t>(tokens + 64, model->info().n_ctx_train);
    auto session = Session::create(model, so);
    Status st = session ? (*session)->prefill(model->tokenizer()->encode(kPrompt, true))
                        : Status::error(session.message());
    if (start) start->arrive_and_wait(); // also on failure, so the others are not left waiting
    if (!st) return run.error = st.message(), run;
    run.stamps.reserve(size_t(tokens) + 1);
    run.stamps.push_back(Clock::now());
    for (int i = 0; i < tokens; ++i) {
        const auto logits = (*session)->logits();
        const TokenId next =
            TokenId(std::max_element(logits.begin(), logits.end()) - logits.begin());
        const TokenId one[1] = {next};
        if (auto st = (*session)->append(one); !st) return run.error = st.message(), run;
        run.stamps.push_back(Clock::now());
    }
    return run;
}

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

} // namespace

int main(int argc, char** argv) {
    std::string dir = std::string(RWB_SOURCE_DIR) + "/resources/models";
    int tokens = 512;
    int machine_threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--models"))
            dir = argv[i + 1];
        else if (!std::strcmp(argv[i], "--tokens"))
            tokens = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--threads"))
            machine_threads = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (tokens <= 0 || machine_threads <= 0) {
        std::fprintf(stderr, "--tokens and --threads must be positive\n");
        return 2;
    }
    std::vector<std::shared_ptr<const Model>> models;
    for (const char* name : kNames) {
        auto m = Model::load(dir + "/" + name + ".gguf");
        if (!m) {
            std::fprintf(stderr, "%s: %s\n", name, m.message().c_str());
            return 1;
        }
        models.push_back(*m);
    }
    const int n = int(models.size());

    // Alone, all threads each.
    std::vector<double> single(static_cast<size_t>(n), 0.0);
    for (int i = 0; i < n; ++i) {
        decode(models[size_t(i)], machine_threads, 16); // warm the pages and caches
        const Run r = decode(models[size_t(i)], machine_threads, tokens);
        if (!r.error.empty())
            return std::fprintf(stderr, "%s: %s\n", kNames[i], r.error.c_str()), 1;
        single[size_t(i)] = tokens / seconds(r.stamps.front(), r.stamps.back());
        std::printf("single %-16s %d threads: %8.1f t/s\n", kNames[i], machine_threads,
                    single[size_t(i)]);
    }

    // Stricter baseline: alone with 1 thread (no thread-pool hand-offs), scaled by the core time
    // each of the concurrent models gets (machine threads / all threads running).
    std::vector<double> single1(static_cast<size_t>(n), 0.0);
    for (int i = 0; i < n; ++i) {
        const Run r = decode(models[size_t(i)], 1, tokens);
        if (!r.error.empty())
            return std::fprintf(stderr, "%s: %s\n", kNames[i], r.error.c_str()), 1;
        single1[size_t(i)] = tokens / seconds(r.stamps.front(), r.stamps.back());
        std::printf("single %-16s 1 thread:  %8.1f t/s\n", kNames[i], single1[size_t(i)]);
    }

    // All at once with the comparison view's split.
    const auto split = split_threads(machine_threads, n);
    std::vector<Run> runs(static_cast<size_t>(n));
    {
        std::latch start(n);
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&, i] {
                runs[size_t(i)] = decode(models[size_t(i)], split[size_t(i)], tokens, &start);
            });
        for (auto& t : threads) t.join();
    }
    for (int i = 0; i < n; ++i)
        if (!runs[size_t(i)].error.empty())
            return std::fprintf(stderr, "%s: %s\n", kNames[i], runs[size_t(i)].error.c_str()), 1;
    // The window in which all three were decoding: the latest start to the earliest end.
    Clock::time_point begin = runs[0].stamps.front(), end = runs[0].stamps.back();
    for (const Run& r : runs) {
        begin = std::max(begin, r.stamps.front());
        end = std::min(end, r.stamps.back());
    }
    const double window = seconds(begin, end);
    double total = 0, expected = 0;
    const int thread_sum = std::max(machine_threads, [&] {
        int s = 0;
        for (int t : split) s += t;
        return s;
    }());
    for (int i = 0; i < n; ++i) {
        const auto& st = runs[size_t(i)].stamps;
        const auto made = std::count_if(st.begin() + 1, st.end(),
                                        [&](Clock::time_point t) { return t > begin && t <= end; });
        const double rate = window > 0 ? double(made) / window : 0;
        const double share = double(split[size_t(i)]) / thread_sum; // of the machine
        total += rate;
        expected += single[size_t(i)] * share;
        std::printf("concurrent %-12s %d thread(s): %8.1f t/s (share %.3f, single-scaled %.1f)\n",
                    kNames[i], split[size_t(i)], rate, share, single[size_t(i)] * share);
    }
    double expected1 = 0;
    for (int i = 0; i < n; ++i)
        expected1 += single1[size_t(i)] * split[size_t(i)] * machine_threads / thread_sum;
    std::printf("stricter: expected %.1f t/s from 1-thread singles, ratio %.3f\n", expected1,
                expected1 > 0 ? total / expected1 : 0);
    std::printf("concurrent window %.3f s, %d tokens per model\n", window, tokens);
    std::printf("concurrent total %.1f t/s, expected %.1f t/s, ratio %.3f\n", total, expected,
                expected > 0 ? total / expected : 0);
    return 0;
}
