// rwb bench -m FILE [-p 512] [-n 128] [-r 5] [-t N] [--json]: llama-bench style speeds.
// pp: one batch of p tokens from an empty cache; tg: n tokens one at a time from an empty cache.
// Each test runs once as warm-up, then r times; mean and sample standard deviation of t/s.
#include "cli_args.h"
#include "commands.h"
#include "tool_common.h"

#include "backends/cpu/cpu_matmul.h"
#include "model/model_data.h"
#include "rwb/model.h"
#include "rwb/session.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <random>
#include <thread>

namespace rwb::cli {
namespace {

struct TestResult {
    int64_t n_prompt = 0, n_gen = 0;
    std::vector<double> ts;
    double mean() const {
        double s = 0;
        for (double v : ts) s += v;
        return ts.empty() ? 0 : s / double(ts.size());
    }
    double stddev() const {
        if (ts.size() < 2) return 0;
        const double m = mean();
        double s = 0;
        for (double v : ts) s += (v - m) * (v - m);
        return std::sqrt(s / double(ts.size() - 1));
    }
};

// tg with several sessions: each step appends one token to every session at once (batched on
// the GPU); the rate counts the tokens of all sessions.
Result<double> time_batch(const std::vector<Session*>& ss, const std::vector<TokenId>& toks) {
    for (Session* s : ss) s->clear();
    std::vector<TokenId> step(ss.size());
    const auto t0 = std::chrono::steady_clock::now();
    for (TokenId id : toks) {
        for (size_t i = 0; i < ss.size(); ++i) step[i] = TokenId(id + TokenId(i)) % 64;
        if (Status st = Session::append_batch(ss, step); !st) return st;
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return double(toks.size() * ss.size()) / sec;
}

// tg with several sessions as the app runs them (--concurrent): one thread per session, each
// generating n tokens greedily with Session::generate from a one-token prompt, all released at
// once; sessions of one GPU model meet in its decode batcher instead of an explicit batch. The
// rate counts the tokens of all sessions over the wall time of the slowest.
Result<double> time_concurrent(const std::vector<Session*>& ss, const std::vector<TokenId>& toks) {
    std::vector<Status> errors(ss.size(), Status::ok());
    std::vector<int64_t> made(ss.size(), 0);
    std::latch start(std::ptrdiff_t(ss.size()) + 1);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < ss.size(); ++i) {
        ss[i]->clear();
        threads.emplace_back([&, i] {
            GenerationParams gp;
            gp.sampler = SamplerParams::greedy();
            gp.max_tokens = int64_t(toks.size());
            gp.start_in_thought = false;
            gp.split_reasoning = false;
            const TokenId prompt[1] = {toks[i % toks.size()]};
            start.arrive_and_wait();
            auto st = ss[i]->generate(prompt, gp, nullptr);
            if (!st)
                errors[i] = st.status();
            else
                made[i] = st->generated_tokens;
        });
    }
    start.arrive_and_wait();
    const auto t0 = std::chrono::steady_clock::now();
    for (auto& t : threads) t.join();
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    int64_t total = 0;
    for (size_t i = 0; i < ss.size(); ++i) {
        if (!errors[i]) return errors[i];
        total += made[i];
    }
    return double(total) / sec;
}

// Bytes of weights one decode step reads: every 2-D matrix except the embedding table (one row).
uint64_t weight_bytes_per_token(const Model& m) {
    const auto& w = m.data().weights;
    auto b = [](const cpu::WeightMatrix& x) { return uint64_t(x.rows) * uint64_t(x.row_bytes); };
    uint64_t t = b(w.output);
    for (const auto& L : w.layers)
        t += b(L.wq) + b(L.wk) + b(L.wv) + b(L.wo) + b(L.ffn_gate) + b(L.ffn_up) + b(L.ffn_down);
    return t;
}

Result<double> time_one(Session& s, const std::vector<TokenId>& toks, bool one_by_one) {
    s.clear();
    const auto t0 = std::chrono::steady_clock::now();
    if (one_by_one) {
        for (TokenId id : toks)
            if (Status st = s.append(std::span<const TokenId>(&id, 1)); !st) return st;
    } else if (Status st = s.prefill(toks); !st) {
        return st;
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return double(toks.size()) / sec;
}

} // namespace

int cmd_bench(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"-m", "--model"}, true, "GGUF model file", "FILE"},
        {{"-p", "--n-prompt"}, true, "prompt tokens (default 512; 0 skips)", "N"},
        {{"-n", "--n-gen"}, true, "generated tokens (default 128; 0 skips)", "N"},
        {{"-r", "--repetitions"}, true, "repetitions after one warm-up (default 5)", "N"},
        {{"-t", "--threads"}, true, "worker threads (default: physical cores)", "N"},
        {{"--sessions"}, true, "sessions decoding at once in tg (default 1)", "N"},
        {{"--concurrent"},
         false,
         "tg sessions generate on threads of their own, as the app runs them (default: one "
         "explicit batched step for all)",
         ""},
        {{"--json"}, false, "print a JSON array (llama-bench -o json style)", ""},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    std::vector<OptionSpec> all_specs = specs;
    add_backend_options(all_specs);
    auto args = CliArgs::parse(argc, argv, all_specs);
    if (!args) return fail("bench", args.message());
    if (args->has("--help")) {
        std::printf("%s", format_help("rwb bench -m FILE [options]", all_specs).c_str());
        return 0;
    }
    if (!args->positional().empty())
        return fail("bench", "unexpected argument '" + args->positional()[0] + "'");
    if (!args->has("--model")) return fail("bench", "-m FILE is required");
    auto np = args->get_int("--n-prompt", 512);
    auto ng = args->get_int("--n-gen", 128);
    auto reps = args->get_int("--repetitions", 5);
    if (!np || *np < 0 || *np > 1 << 20) return fail("bench", "-p must be a number from 0");
    if (!ng || *ng < 0 || *ng > 1 << 20) return fail("bench", "-n must be a number from 0");
    if (!reps || *reps < 1 || *reps > 1000) return fail("bench", "-r must be from 1 to 1000");
    if (*np == 0 && *ng == 0) return fail("bench", "nothing to measure (-p 0 and -n 0)");
    auto threads = parse_threads(*args);
    if (!threads) return fail("bench", threads.message());

    auto n_sessions = args->get_int("--sessions", 1);
    if (!n_sessions || *n_sessions < 1 || *n_sessions > 64)
        return fail("bench", "--sessions must be from 1 to 64");
    ModelOptions mo;
    mo.load_tokenizer = false;
    mo.plan_n_ctx = std::max<int64_t>(*np, *ng);
    mo.plan_max_batch = std::max<int64_t>(*np, 1);
    if (Status st = apply_backend_options(*args, mo); !st) return fail("bench", st.message());
    auto model = Model::load(args->get("--model"), mo);
    if (!model) return fail("bench", model.message());
    print_backend_notice(**model);
    const ModelInfo& info = (*model)->info();
    SessionOptions so;
    so.n_ctx = std::max<int64_t>(*np, *ng);
    so.n_batch = std::max<int64_t>(*np, 1);
    so.n_threads = *threads;
    if (so.n_ctx > info.n_ctx_train) return fail("bench", "test longer than the model's context");
    auto session = Session::create(*model, so);
    if (!session) return fail("bench", session.message());
    std::vector<std::unique_ptr<Session>> extra;
    std::vector<Session*> tg_sessions{session->get()};
    for (int64_t i = 1; i < *n_sessions; ++i) {
        SessionOptions eo = so;
        eo.n_batch = 1;
        auto e = Session::create(*model, eo);
        if (!e) return fail("bench", e.message());
        tg_sessions.push_back(e->get());
        extra.push_back(std::move(*e));
    }
    const std::string backend = (*session)->backend_name() == "cpu" ? "CPU" : "CUDA";
    const int n_threads = *threads > 0 ? *threads : cpu::ThreadPool::physical_cores();

    std::mt19937 rng(42);
    std::uniform_int_distribution<TokenId> pick(0, TokenId(info.n_vocab - 1));
    std::vector<TestResult> results;
    for (int kind = 0; kind < 2; ++kind) {
        const int64_t n = kind == 0 ? *np : *ng;
        if (n == 0) continue;
        std::vector<TokenId> toks(static_cast<size_t>(n));
        for (auto& t : toks) t = pick(rng);
        const bool one_by_one = kind == 1;
        TestResult r;
        (kind == 0 ? r.n_prompt : r.n_gen) = n;
        // Warm-up (page in the weights, grow buffers); a shorter one for generation.
        std::vector<TokenId> warm(toks.begin(),
                                  toks.begin() + std::min<int64_t>(n, one_by_one ? 8 : n));
        const bool batch = one_by_one && tg_sessions.size() > 1;
        const bool threads_each = one_by_one && args->has("--concurrent");
        auto run = [&](const std::vector<TokenId>& t) {
            if (threads_each) return time_concurrent(tg_sessions, t);
            return batch ? time_batch(tg_sessions, t) : time_one(**session, t, one_by_one);
        };
        if (auto w = run(warm); !w) return fail("bench", w.message());
        for (int64_t i = 0; i < *reps; ++i) {
            auto ts = run(toks);
            if (!ts) return fail("bench", ts.message());
            r.ts.push_back(*ts);
        }
        results.push_back(r);
    }

    // RWB_PROFILE=1: where the time went (all tests together), on stderr.
    if (const char* prof = std::getenv("RWB_PROFILE"); prof && *prof && *prof != '0')
        std::fprintf(stderr, "%s", (*session)->profile_report().c_str());
    if (args->has("--json")) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& r : results)
            arr.push_back({{"model_filename", info.path},
                           {"model_type", info.architecture + " " + info.file_type},
                           {"model_size", info.file_size},
                           {"model_n_params", info.n_params},
                           {"backend", backend},
                           {"n_sessions", r.n_gen ? int64_t(tg_sessions.size()) : int64_t(1)},
                           {"concurrent", r.n_gen > 0 && args->has("--concurrent")},
                           {"cpu_isa", cpu::kernel_isa()},
                           {"n_threads", n_threads},
                           {"n_prompt", r.n_prompt},
                           {"n_gen", r.n_gen},
                           {"avg_ts", r.mean()},
                           {"stddev_ts", r.stddev()},
                           {"samples_ts", r.ts}});
        std::printf("%s\n", arr.dump(2).c_str());
        return 0;
    }
    std::printf("| %-32s | %10s | %8s | %-7s | %7s | %8s | %16s |\n", "model", "size", "params",
                "backend", "threads", "test", "t/s");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(34, '-').c_str(),
                std::string(12, '-').c_str(), std::string(10, '-').c_str(),
                std::string(9, '-').c_str(), std::string(9, '-').c_str(),
                std::string(10, '-').c_str(), std::string(18, '-').c_str());
    for (const auto& r : results) {
        const std::string test =
            r.n_prompt ? "pp" + std::to_string(r.n_prompt) : "tg" + std::to_string(r.n_gen);
        const std::string model_name = info.architecture + " " + info.file_type;
        char ts[64];
        std::snprintf(ts, sizeof ts, "%.2f ± %.2f", r.mean(), r.stddev());
        std::printf("| %-32s | %6.2f GiB | %6.2f B | %-7s | %7d | %8s | %16s |\n",
                    model_name.c_str(), double(info.file_size) / (1u << 30),
                    double(info.n_params) / 1e9, backend.c_str(), n_threads, test.c_str(), ts);
    }
    // On the GPU, decode is judged by bandwidth: weight bytes per step times steps per second.
    if (backend != "CPU")
        for (const auto& r : results)
            if (r.n_gen) {
                const double steps = r.mean() / double(tg_sessions.size());
                std::printf("tg%lld x %zu session(s)%s: %.1f GB of weights per step, %.0f GB/s "
                            "effective (%s, %d of %lld layers on the GPU)\n",
                            (long long)r.n_gen, tg_sessions.size(),
                            args->has("--concurrent") ? " on threads" : "",
                            double(weight_bytes_per_token(**model)) / 1e9,
                            steps * double(weight_bytes_per_token(**model)) / 1e9,
                            info.device.c_str(), info.gpu_layers, (long long)info.n_layer);
            }
    return 0;
}

} // namespace rwb::cli
