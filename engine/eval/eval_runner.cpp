// One evaluation sample on a Session (see rwb/eval_runner.h).
#include "rwb/eval_runner.h"

#include "rwb/chat.h"
#include "rwb/eval_grading.h"

#include <chrono>

namespace rwb::eval {
namespace {

uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

} // namespace

uint64_t sample_seed(uint64_t base_seed, uint64_t problem_index, uint64_t sample) {
    return splitmix64(base_seed ^ splitmix64((problem_index << 20) ^ sample));
}

Result<SampleRun> run_sample(Session& session, const Problem& problem,
                             const GenerationParams& params, const TokenCallback& on_token) {
    using R = Result<SampleRun>;
    const Tokenizer* tok = session.model().tokenizer();
    if (!tok) return R::error("the model has no usable tokenizer");
    const ChatMessage message{ChatRole::User, problem.problem};
    auto prompt = tokenize_r1_chat(*tok, std::span(&message, 1));
    if (!prompt) return R::error("cannot use the R1 chat template (" + prompt.message() + ")");
    if (int64_t(prompt->size()) >= session.n_ctx())
        return R::error("problem " + problem.id + " (" + std::to_string(prompt->size()) +
                        " tokens) does not fit the context of " + std::to_string(session.n_ctx()) +
                        " tokens");

    GenerationParams gp = params;
    gp.start_in_thought = true;
    gp.split_reasoning = true;
    session.clear();

    SampleRun run;
    const auto t0 = std::chrono::steady_clock::now();
    auto since = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    auto stats = session.generate(*prompt, gp, [&](const GeneratedToken& g) {
        if (run.seconds_to_first_token < 0) run.seconds_to_first_token = since();
        for (const ReasoningChunk& c : g.chunks) {
            if (c.kind == ReasoningChunk::Kind::Thinking) run.thinking += c.text;
            if (c.kind == ReasoningChunk::Kind::Answer) {
                if (run.seconds_to_first_answer_token < 0 && !c.text.empty())
                    run.seconds_to_first_answer_token = since();
                run.answer += c.text;
            }
        }
        return on_token ? on_token(g) : true;
    });
    if (!stats) return stats.status();
    run.stats = *stats;
    run.wall_seconds = since();
    run.extracted = extract_answer(run.answer);
    run.correct = answers_match(run.extracted, problem.answer);
    return run;
}

SampleOutcome to_outcome(const SampleRun& run) {
    SampleOutcome o;
    o.answer = run.extracted;
    o.normalized = run.extracted.empty() ? std::string() : normalize_answer(run.extracted);
    o.correct = run.correct;
    o.thinking_tokens = run.stats.thinking_tokens;
    o.answer_tokens = run.stats.answer_tokens;
    o.generated_tokens = run.stats.generated_tokens;
    o.generation_seconds = run.stats.generation_seconds;
    o.wall_seconds = run.wall_seconds;
    return o;
}

} // namespace rwb::eval
