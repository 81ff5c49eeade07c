// rwb run -m FILE -p PROMPT [options]: one R1 chat turn in the terminal. The thought streams
// dimmed under a "Thinking…" line on a TTY, or between plain <think> / </think> lines when the
// output is a pipe; statistics go to stderr at the end. --raw feeds the prompt without template.
// Ctrl-C cancels the generation (the session's cancel() is safe to call from a signal handler).
#include "cli_args.h"
#include "commands.h"
#include "tool_common.h"

#include "rwb/chat.h"
#include "rwb/model.h"
#include "rwb/resources.h"
#include "rwb/session.h"

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace rwb::cli {
namespace {

Session* g_running = nullptr;
extern "C" void on_sigint(int) {
    if (g_running) g_running->cancel();
}

struct Printer {
    bool tty = false;
    bool in_thought = false;
    void thinking_started() {
        in_thought = true;
        std::fputs(tty ? "\033[2mThinking…\n" : "<think>\n", stdout);
    }
    void thinking_ended() {
        in_thought = false;
        std::fputs(tty ? "\033[0m\n\n" : "\n</think>\n\n", stdout);
    }
    void text(const std::string& s) {
        std::fwrite(s.data(), 1, s.size(), stdout);
        std::fflush(stdout);
    }
    void finish() {
        if (in_thought && tty) std::fputs("\033[0m", stdout);
        std::fputs("\n", stdout);
        std::fflush(stdout);
    }
};

} // namespace

int cmd_run(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"-m", "--model"}, true, "GGUF model file (default: the bundled rwb-demo-medium)", "FILE"},
        {{"-p", "--prompt"}, true, "the user's message (or the raw text with --raw)", "TEXT"},
        {{"--system"}, true, "system message", "TEXT"},
        {{"--raw"}, false, "no chat template: feed the prompt text as is", ""},
        {{"--temp"}, true, "temperature (default 0.6; 0 = greedy)", "T"},
        {{"--top-p"}, true, "top-p (default 0.95)", "P"},
        {{"--top-k"}, true, "top-k (default 0 = off)", "K"},
        {{"--min-p"}, true, "min-p (default 0 = off)", "P"},
        {{"--seed"}, true, "random seed (default 0)", "N"},
        {{"-n", "--n-predict"},
         true,
         "most tokens to generate (default: until the context is full)",
         "N"},
        {{"-c", "--ctx"}, true, "context size (default 4096, at most the model's)", "N"},
        {{"--think-budget"},
         true,
         "force </think> after N thought tokens (default 0 = no limit)",
         "N"},
        {{"-t", "--threads"}, true, "worker threads (default: physical cores)", "N"},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    std::vector<OptionSpec> all_specs = specs;
    add_backend_options(all_specs);
    auto args = CliArgs::parse(argc, argv, all_specs);
    if (!args) return fail("run", args.message());
    if (args->has("--help")) {
        std::printf("%s", format_help("rwb run [-m FILE] -p PROMPT [options]", all_specs).c_str());
        return 0;
    }
    if (!args->positional().empty())
        return fail("run", "unexpected argument '" + args->positional()[0] + "'");
    std::string model_path = args->get("--model");
    if (model_path.empty()) {
        auto bundled = default_model_path();
        if (!bundled) return fail("run", "no model given (-m FILE) and " + bundled.message());
        model_path = *bundled;
    }
    if (!args->has("--prompt")) return fail("run", "-p PROMPT is required");

    GenerationParams gp;
    auto temp = args->get_double("--temp", 0.6);
    auto top_p = args->get_double("--top-p", 0.95);
    auto min_p = args->get_double("--min-p", 0.0);
    auto top_k = args->get_int("--top-k", 0);
    auto seed = args->get_int("--seed", 0);
    auto n_predict = args->get_int("--n-predict", -1);
    auto ctx = args->get_int("--ctx", 4096);
    auto budget = args->get_int("--think-budget", 0);
    auto threads = parse_threads(*args);
    for (const Status* s : {&temp.status(), &top_p.status(), &min_p.status(), &top_k.status(),
                            &seed.status(), &n_predict.status(), &ctx.status(), &budget.status()})
        if (!s->is_ok()) return fail("run", s->message());
    if (!threads) return fail("run", threads.message());
    if (*top_k < 0 || *top_k > INT32_MAX) return fail("run", "--top-k must be 0 or more");
    if (*seed < 0) return fail("run", "--seed must not be negative");
    if (*budget < 0 || *budget > INT32_MAX) return fail("run", "--think-budget must be 0 or more");
    if (*ctx <= 0) return fail("run", "--ctx must be positive");
    gp.sampler.temperature = float(*temp);
    gp.sampler.top_p = float(*top_p);
    gp.sampler.min_p = float(*min_p);
    gp.sampler.top_k = int32_t(*top_k);
    gp.sampler.seed = uint64_t(*seed);
    if (Status s = gp.sampler.validate(); !s) return fail("run", s.message());
    gp.max_tokens = *n_predict;
    gp.thinking_budget = int32_t(*budget);

    ModelOptions mo;
    if (Status st = apply_backend_options(*args, mo); !st) return fail("run", st.message());
    mo.plan_n_ctx = std::min<int64_t>(*ctx, 1 << 20);
    auto model = Model::load(model_path, mo);
    if (!model) return fail("run", model.message());
    print_backend_notice(**model);
    const Tokenizer* tok = (*model)->tokenizer();
    if (!tok) return fail("run", "no usable tokenizer: " + (*model)->tokenizer_status().message());

    const bool raw = args->has("--raw");
    std::vector<TokenId> prompt;
    if (raw) {
        if (tok->add_bos() && tok->bos() >= 0) prompt.push_back(tok->bos());
        auto ids = tok->encode(args->get("--prompt"), /*parse_special=*/true);
        prompt.insert(prompt.end(), ids.begin(), ids.end());
        gp.start_in_thought = false;
    } else {
        std::vector<ChatMessage> msgs;
        if (args->has("--system")) msgs.push_back({ChatRole::System, args->get("--system")});
        msgs.push_back({ChatRole::User, args->get("--prompt")});
        auto ids = tokenize_r1_chat(*tok, msgs);
        if (!ids)
            return fail("run", "cannot use the R1 chat template (" + ids.message() +
                                   "); --raw runs without it");
        prompt = std::move(*ids);
        gp.start_in_thought = true;
    }
    if (prompt.empty()) return fail("run", "the prompt is empty");
    const int64_t n_ctx = std::min<int64_t>(*ctx, (*model)->info().n_ctx_train);
    if (int64_t(prompt.size()) >= n_ctx)
        return fail("run", "prompt of " + std::to_string(prompt.size()) +
                               " tokens does not fit the context (" + std::to_string(n_ctx) +
                               " tokens)");
    SessionOptions so;
    so.n_ctx = n_ctx;
    so.n_threads = *threads;
    auto session = Session::create(*model, so);
    if (!session) return fail("run", session.message());

    Printer out;
    out.tty = isatty(fileno(stdout));
    g_running = session->get();
    std::signal(SIGINT, on_sigint);
    auto stats = (*session)->generate(prompt, gp, [&](const GeneratedToken& g) {
        for (const ReasoningChunk& c : g.chunks) {
            switch (c.kind) {
            case ReasoningChunk::Kind::ThinkingStarted:
                out.thinking_started();
                break;
            case ReasoningChunk::Kind::ThinkingEnded:
                out.thinking_ended();
                break;
            default:
                out.text(c.text);
                break;
            }
        }
        return true;
    });
    std::signal(SIGINT, SIG_DFL);
    g_running = nullptr;
    out.finish();
    if (!stats) return fail("run", stats.message());
    const GenerationStats& st = *stats;
    // Sampling on the device (CUDA): how many steps did not download their logits.
    const std::string on_gpu =
        st.device_sampled_tokens > 0
            ? " (" + std::to_string(st.device_sampled_tokens) + " sampled on the GPU)"
            : std::string();
    std::fprintf(
        stderr,
        "\nprompt: %lld tokens (%lld reused) %.2f t/s | thinking: %lld tokens%s | answer: "
        "%lld tokens | generation: %.2f t/s%s | stop: %s\n",
        (long long)st.prompt_tokens, (long long)st.reused_tokens,
        st.prompt_seconds > 0 ? double(st.prompt_tokens - st.reused_tokens) / st.prompt_seconds
                              : 0.0,
        (long long)st.thinking_tokens, st.forced_think_close ? " (budget reached)" : "",
        (long long)st.answer_tokens,
        st.generation_seconds > 0 ? double(st.generated_tokens) / st.generation_seconds : 0.0,
        on_gpu.c_str(), std::string(stop_reason_name(st.stop)).c_str());
    return st.stop == StopReason::Cancelled ? 130 : 0;
}

} // namespace rwb::cli
