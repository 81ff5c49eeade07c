// bench_sampler: time per sample() on a 152,064-entry row (R1-Distill-Qwen's vocabulary) for
// the presets the app uses. Not a test: run it by hand, e.g.
//   build/tests/engine/sampling/bench_sampler [iterations]
// Reports thread CPU time per token (less sensitive to a busy machine than wall time).
#include "rwb/sampling.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>

namespace {

double thread_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// A row shaped like a real model's: a broad normal body and a few strong candidates.
std::vector<float> peaked_row(int n, uint64_t seed) {
    std::mt19937_64 g(seed);
    std::vector<float> row(size_t(n), 0.0f);
    for (float& v : row) {
        // Irwin-Hall approximation of N(0, 1) from our own draws (portable).
        double s = 0;
        for (int k = 0; k < 12; ++k) s += double(g() >> 11) * 0x1.0p-53;
        v = float((s - 6.0) * 2.5);
    }
    for (int i = 0; i < 20; ++i) row[g() % uint64_t(n)] += 12.0f;
    return row;
}

} // namespace

int main(int argc, char** argv) {
    const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 300;
    const int n = 152064;
    const std::vector<float> row = peaked_row(n, 1);

    struct Preset {
        const char* name;
        rwb::SamplerParams params;
    };
    const rwb::SamplerParams r1 = rwb::SamplerParams::r1_default();
    rwb::SamplerParams top_k = r1;
    top_k.top_k = 40;
    rwb::SamplerParams penalised = r1;
    penalised.repetition_penalty = 1.1f;
    penalised.penalty_last_n = 256;
    rwb::SamplerParams min_p = r1;
    min_p.top_p = 1.0f;
    min_p.min_p = 0.05f;
    rwb::SamplerParams flat = r1;
    flat.temperature = 1.5f;
    const Preset presets[] = {
        {"greedy", rwb::SamplerParams::greedy()},
        {"r1 (t 0.6, top-p 0.95)", r1},
        {"r1 + top-k 40", top_k},
        {"r1 + repetition 1.1/256", penalised},
        {"t 0.6, min-p 0.05", min_p},
        {"t 1.5, top-p 0.95 (flat)", flat},
    };
    std::printf("vocab %d, %d iterations\n", n, iterations);
    for (const Preset& p : presets) {
        auto made = rwb::Sampler::create(p.params, n);
        if (!made) {
            std::fprintf(stderr, "%s\n", made.message().c_str());
            return 1;
        }
        rwb::Sampler s = std::move(made).value();
        for (int i = 0; i < 256; ++i) s.accept(rwb::TokenId((i * 7919) % n));
        long checksum = 0;
        const double t0 = thread_seconds();
        for (int i = 0; i < iterations; ++i) checksum += s.sample(row);
        const double t1 = thread_seconds();
        std::printf("%-28s %9.1f us/token  (final set %zu, checksum %ld)\n", p.name,
                    (t1 - t0) / iterations * 1e6, s.last_candidates().size(), checksum);
    }
    return 0;
}
