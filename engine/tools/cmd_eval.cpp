// rwb eval -m MODEL [-m MODEL ...] --set FILE.jsonl [options]: runs every problem of a set through
// each model in the R1 chat template, grades the final answer (last \boxed{} of the answer part,
// else its last number) by normalised exact match, and prints per model: accuracy (pass@1) with
// a 95% Wilson interval, pass@k and cons@k when --samples k > 1, mean thinking and answer tokens,
// decoding tokens per second and wall time. Models run one after another, each with all threads.
#include "cli_args.h"
#include "commands.h"
#include "tool_common.h"

#include "rwb/eval_runner.h"
#include "rwb/model.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace rwb::cli {
namespace {

struct ModelResult {
    std::string model;
    eval::EvalSummary summary;
    double wall_seconds = 0;
};

struct EvalConfig {
    std::vector<eval::Problem> problems;
    GenerationParams params;
    uint64_t seed = 0;
    int samples = 1;
    int64_t n_ctx = 4096;
    int threads = 0;
    bool progress = false; // a progress line on stderr (TTY only)
};

Result<ModelResult> evaluate_model(const std::string& path, const EvalConfig& cfg) {
    const auto t0 = std::chrono::steady_clock::now();
    auto model = Model::load(path);
    if (!model) return model.status();
    if (!(*model)->tokenizer())
        return Result<ModelResult>::error(
            path + ": no usable tokenizer: " + (*model)->tokenizer_status().message());
    SessionOptions so;
    so.n_ctx = std::min<int64_t>(cfg.n_ctx, (*model)->info().n_ctx_train);
    so.n_threads = cfg.threads;
    auto session = Session::create(*model, so);
    if (!session) return session.status().with_context(path);

    std::vector<eval::ProblemOutcome> outcomes;
    outcomes.reserve(cfg.problems.size());
    for (size_t i = 0; i < cfg.problems.size(); ++i) {
        eval::ProblemOutcome po;
        po.reference = cfg.problems[i].answer;
        for (int k = 0; k < cfg.samples; ++k) {
            GenerationParams gp = cfg.params;
            gp.sampler.seed = eval::sample_seed(cfg.seed, i, uint64_t(k));
            auto run = eval::run_sample(**session, cfg.problems[i], gp);
            if (!run) return run.status().with_context(path);
            po.samples.push_back(eval::to_outcome(*run));
        }
        outcomes.push_back(std::move(po));
        if (cfg.progress)
            std::fprintf(stderr, "\r%s: %zu/%zu", path.c_str(), i + 1, cfg.problems.size());
    }
    if (cfg.progress) std::fprintf(stderr, "\n");
    ModelResult r;
    r.model = path;
    r.summary = eval::summarize(outcomes, cfg.samples);
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

nlohmann::json to_json(const ModelResult& r, const EvalConfig& cfg) {
    const eval::EvalSummary& s = r.summary;
    nlohmann::json o;
    o["model"] = r.model;
    o["n"] = s.n;
    o["samples"] = s.samples;
    o["accuracy"] = s.accuracy;
    o["accuracy_ci95"] = {s.accuracy_ci.low, s.accuracy_ci.high};
    o["pass_at_k"] = s.pass_at_k;
    o["cons_at_k"] = s.cons_at_k;
    o["mean_thinking_tokens"] = s.mean_thinking_tokens;
    o["mean_answer_tokens"] = s.mean_answer_tokens;
    o["tokens_per_second"] = s.tokens_per_second;
    o["mean_seconds_per_problem"] = s.mean_seconds_per_problem;
    o["wall_seconds"] = r.wall_seconds;
    o["seed"] = cfg.seed;
    o["temperature"] = cfg.params.sampler.temperature;
    o["thinking_budget"] = cfg.params.thinking_budget;
    return o;
}

void print_table(const std::vector<ModelResult>& results, int samples) {
    const bool k = samples > 1;
    std::printf("%-32s %6s %9s %15s", "model", "n", "accuracy", "95% CI");
    if (k)
        std::printf(" %8s %8s", ("pass@" + std::to_string(samples)).c_str(),
                    ("cons@" + std::to_string(samples)).c_str());
    std::printf(" %10s %10s %9s %9s\n", "think tok", "answer tok", "tok/s", "wall s");
    for (const ModelResult& r : results) {
        const eval::EvalSummary& s = r.summary;
        const std::string name = std::filesystem::path(r.model).filename().string();
        std::printf("%-32s %6lld %9.3f  [%.3f, %.3f]", name.c_str(), (long long)s.n, s.accuracy,
                    s.accuracy_ci.low, s.accuracy_ci.high);
        if (k) std::printf(" %8.3f %8.3f", s.pass_at_k, s.cons_at_k);
        std::printf(" %10.1f %10.1f %9.1f %9.1f\n", s.mean_thinking_tokens, s.mean_answer_tokens,
                    s.tokens_per_second, r.wall_seconds);
    }
}

} // namespace

int cmd_eval(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"-m", "--model"}, true, "GGUF model file (repeat for several models)", "FILE"},
        {{"--set"}, true, "problem set: JSONL with \"problem\" and \"answer\"", "FILE.jsonl"},
        {{"--limit"}, true, "only the first N problems", "N"},
        {{"--samples"}, true, "samples per problem (default 1): pass@k, cons@k", "K"},
        {{"--temp"}, true, "temperature (default 0.6; 0 = greedy)", "T"},
        {{"--top-p"}, true, "top-p (default 0.95)", "P"},
        {{"--seed"}, true, "base random seed (default 0)", "N"},
        {{"--think-budget"}, true, "force </think> after N thought tokens (default 0 = none)", "N"},
        {{"-n", "--n-predict"}, true, "most tokens per sample (default: until context full)", "N"},
        {{"-c", "--ctx"}, true, "context size (default 4096, at most the model's)", "N"},
        {{"-t", "--threads"}, true, "worker threads (default: physical cores)", "N"},
        {{"--json"}, false, "print a JSON array, one object per model", ""},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    auto args = CliArgs::parse(argc, argv, specs);
    if (!args) return fail("eval", args.message());
    if (args->has("--help")) {
        std::printf(
            "%s", format_help("rwb eval -m MODEL [-m MODEL ...] --set FILE.jsonl [options]", specs)
                      .c_str());
        return 0;
    }
    if (!args->positional().empty())
        return fail("eval", "unexpected argument '" + args->positional()[0] + "'");
    const std::vector<std::string> models = args->get_all("--model");
    if (models.empty()) return fail("eval", "-m MODEL is required");
    if (!args->has("--set")) return fail("eval", "--set FILE.jsonl is required");

    auto limit = args->get_int("--limit", 0);
    auto samples = args->get_int("--samples", 1);
    auto temp = args->get_double("--temp", 0.6);
    auto top_p = args->get_double("--top-p", 0.95);
    auto seed = args->get_int("--seed", 0);
    auto budget = args->get_int("--think-budget", 0);
    auto n_predict = args->get_int("--n-predict", -1);
    auto ctx = args->get_int("--ctx", 4096);
    auto threads = parse_threads(*args);
    for (const Status* s : {&limit.status(), &samples.status(), &temp.status(), &top_p.status(),
                            &seed.status(), &budget.status(), &n_predict.status(), &ctx.status()})
        if (!s->is_ok()) return fail("eval", s->message());
    if (!threads) return fail("eval", threads.message());
    if (*limit < 0) return fail("eval", "--limit must be 0 (all) or more");
    if (*samples < 1 || *samples > 1024) return fail("eval", "--samples must be from 1 to 1024");
    if (*seed < 0) return fail("eval", "--seed must not be negative");
    if (*budget < 0 || *budget > INT32_MAX) return fail("eval", "--think-budget must be 0 or more");
    if (*n_predict == 0 || *n_predict < -1) return fail("eval", "--n-predict must be positive");
    if (*ctx <= 0) return fail("eval", "--ctx must be positive");

    EvalConfig cfg;
    cfg.params.sampler.temperature = float(*temp);
    cfg.params.sampler.top_p = float(*top_p);
    if (Status s = cfg.params.sampler.validate(); !s) return fail("eval", s.message());
    cfg.params.thinking_budget = int32_t(*budget);
    cfg.params.max_tokens = *n_predict;
    cfg.seed = uint64_t(*seed);
    cfg.samples = int(*samples);
    cfg.n_ctx = *ctx;
    cfg.threads = *threads;
    cfg.progress = isatty(fileno(stderr)) != 0;

    auto problems = eval::read_problem_set(args->get("--set"));
    if (!problems) return fail("eval", problems.message());
    cfg.problems = std::move(*problems);
    if (*limit > 0 && size_t(*limit) < cfg.problems.size()) cfg.problems.resize(size_t(*limit));
    for (const std::string& m : models) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(m, ec)) return fail("eval", "cannot read model " + m);
    }

    std::vector<ModelResult> results;
    for (const std::string& m : models) {
        auto r = evaluate_model(m, cfg);
        if (!r) return fail("eval", r.message());
        results.push_back(std::move(*r));
    }
    if (args->has("--json")) {
        nlohmann::json arr = nlohmann::json::array();
        for (const ModelResult& r : results) arr.push_back(to_json(r, cfg));
        std::printf("%s\n", arr.dump(2).c_str());
    } else {
        print_table(results, cfg.samples);
    }
    return 0;
}

} // namespace rwb::cli
