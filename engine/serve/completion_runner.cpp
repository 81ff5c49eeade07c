// run_completion (see completion_runner.h).
#include "serve/completion_runner.h"

#include "serve/stop_matcher.h"

#include "rwb/chat.h"

#include <algorithm>
#include <chrono>

namespace rwb::serve {
namespace {

ApiError server_error(std::string message) {
    ApiError e;
    e.http_status = 500;
    e.type = "server_error";
    e.code = "internal_error";
    e.message = std::move(message);
    return e;
}

} // namespace

bool prepare_prompt(const Model& model, const CompletionRequest& request, int64_t n_ctx,
                    int64_t max_tokens_cap, PreparedPrompt& out, ApiError& error) {
    const Tokenizer* tok = model.tokenizer();
    if (!tok) {
        error = server_error("the model has no usable tokenizer");
        return false;
    }
    auto ids = tokenize_r1_chat(*tok, request.messages);
    if (!ids) {
        error = server_error("cannot use the R1 chat template: " + ids.message());
        return false;
    }
    const int64_t n_prompt = int64_t(ids->size());
    if (n_prompt >= n_ctx) {
        error = ApiError{};
        error.code = "context_length_exceeded";
        error.param = "messages";
        error.message = "the prompt has " + std::to_string(n_prompt) +
                        " tokens; this server's context holds " + std::to_string(n_ctx);
        return false;
    }
    const int64_t wanted = request.max_tokens > 0 ? request.max_tokens : max_tokens_cap;
    out.max_tokens = std::min(wanted, n_ctx - n_prompt);
    out.ids = std::move(*ids);
    return true;
}

CompletionOutcome run_completion(Session& session, const CompletionRequest& request,
                                 const PreparedPrompt& prompt, ReasoningFormat format,
                                 const DeltaSink& sink) {
    CompletionOutcome outcome;
    GenerationParams gp;
    gp.sampler = request.sampler;
    gp.max_tokens = prompt.max_tokens;
    gp.thinking_budget = request.thinking_budget;
    gp.start_in_thought = true; // the R1 template ends with "<think>\n"
    gp.split_reasoning = format == ReasoningFormat::Split;

    // Stop sequences apply to the answer (or, raw, to the whole text): a thought that mentions
    // a stop word must not end the reply before it starts.
    StopMatcher stop(request.stop);
    bool first = true;
    auto deliver = [&](const std::string& reasoning, const std::string& content) {
        if (reasoning.empty() && content.empty()) return true;
        if (!sink(reasoning, content)) {
            outcome.client_gone = true;
            return false;
        }
        return true;
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto stats = session.generate(prompt.ids, gp, [&](const GeneratedToken& g) {
        if (stop.stopped()) return false;
        std::string reasoning, content;
        if (format == ReasoningFormat::Raw) {
            if (first) content = "<think>\n"; // the template opened the thought in the prompt
            content += stop.push(g.text);
        } else {
            for (const ReasoningChunk& c : g.chunks) {
                if (c.kind == ReasoningChunk::Kind::Thinking) reasoning += c.text;
                if (c.kind == ReasoningChunk::Kind::Answer) content += stop.push(c.text);
            }
        }
        if (g.id < 0) content += stop.flush(); // the end-of-stream call
        first = false;
        if (!deliver(reasoning, content)) return false;
        return !stop.stopped();
    });
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!stats) {
        outcome.error = server_error(stats.message());
        return outcome;
    }
    if (!outcome.client_gone && !stop.stopped()) deliver("", stop.flush());
    outcome.usage.prompt_tokens = stats->prompt_tokens;
    outcome.usage.completion_tokens = stats->generated_tokens;
    outcome.usage.reasoning_tokens = stats->thinking_tokens;
    switch (stats->stop) {
    case StopReason::MaxTokens:
    case StopReason::ContextFull:
        outcome.finish_reason = "length";
        break;
    case StopReason::Cancelled:
        outcome.client_gone = true;
        outcome.finish_reason = "stop";
        break;
    default:
        outcome.finish_reason = "stop";
        break;
    }
    outcome.ok = !outcome.client_gone;
    if (outcome.client_gone) outcome.error = server_error("cancelled");
    return outcome;
}

} // namespace rwb::serve
