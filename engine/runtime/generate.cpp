// Session::generate: prefill (with prefix reuse), then sample -> callback -> evaluate, one token
// at a time. The sampler and thinking budget come from rwb/sampling.h, the text from the
// tokenizer's pieces through Utf8StreamDecoder, the thought/answer split from ReasoningSplitter.
#include "rwb/session.h"

#include "backends/backend.h"

#include <algorithm>
#include <chrono>

namespace rwb {
namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

Result<GenerationStats> Session::generate(std::span<const TokenId> prompt,
                                          const GenerationParams& params,
                                          const TokenCallback& on_token) {
    using R = Result<GenerationStats>;
    const int64_t n_vocab = model_->info().n_vocab;
    auto sampler = Sampler::create(params.sampler, int32_t(n_vocab));
    if (!sampler) return sampler.status();
    if (params.thinking_budget < 0) return R::error("thinking budget must not be negative");
    const Tokenizer* tok = model_->tokenizer();

    TokenId close = params.think_close, open = params.think_open;
    if (tok && close < 0)
        if (auto id = tok->find_token("</think>")) close = *id;
    if (tok && open < 0)
        if (auto id = tok->find_token("<think>")) open = *id;
    if (close >= n_vocab || open >= n_vocab)
        return R::error("think token id outside the vocabulary");
    ThinkingBudgetConfig budget_cfg;
    budget_cfg.max_thinking_tokens = close >= 0 ? params.thinking_budget : 0;
    if (close >= 0) budget_cfg.close_sequence = {close};
    budget_cfg.think_close = close;
    budget_cfg.think_open = open;
    budget_cfg.start_in_thought = params.start_in_thought;
    ThinkingBudget budget(budget_cfg);

    GenerationStats stats;
    stats.prompt_tokens = int64_t(prompt.size());
    {
        size_t common = 0;
        while (common < prompt.size() && common < tokens_.size() &&
               prompt[common] == tokens_[common])
            ++common;
        stats.reused_tokens = int64_t(std::min(common, prompt.empty() ? 0 : prompt.size() - 1));
    }
    const auto t_prompt = std::chrono::steady_clock::now();
    Status ps = prefill(prompt);
    stats.prompt_seconds = seconds_since(t_prompt);
    if (!ps) {
        if (cancelled()) {
            stats.stop = StopReason::Cancelled;
            return stats;
        }
        return ps;
    }

    Utf8StreamDecoder decoder;
    ReasoningSplitter splitter(ReasoningSplitterOptions{params.start_in_thought, true});
    std::vector<ReasoningChunk> chunks;
    bool thinking = params.start_in_thought;
    // Sampling on the device where the executor offers it for these sampler settings (the kind
    // of reduction does not change during a generation; only penalties join it).
    const auto reduction = sampler->reduction();
    const bool device_sampling =
        executor_->device_sampling() && reduction && executor_->can_select(*reduction);
    // After a step the device could not reduce (more nucleus candidates than it returns: a flat
    // distribution), the next 1, 2, 4 .. 64 steps (doubling while it goes on) download their rows
    // as before, so a run of flat rows rarely pays for the attempt; a reduced step resets it.
    int device_skip = 0, device_backoff = 1;
    const auto t_gen = std::chrono::steady_clock::now();
    for (;;) {
        if (cancelled()) {
            stats.stop = StopReason::Cancelled;
            break;
        }
        if (params.max_tokens >= 0 && stats.generated_tokens >= params.max_tokens) {
            stats.stop = StopReason::MaxTokens;
            break;
        }
        const std::optional<TokenId> forced = budget.forced_token();
        TokenId id = forced ? *forced : -1;
        if (!forced) {
            const int64_t reduced_before = stats.device_sampled_tokens;
            bool declined = false;
            if (Status ss = sample_next(*sampler, stats, &id, &declined); !ss) return ss;
            if (declined) {
                device_skip = device_backoff;
                device_backoff = std::min(device_backoff * 2, 64);
            } else if (stats.device_sampled_tokens > reduced_before) {
                device_backoff = 1;
            }
        }
        if (id < 0) return R::error("sampling failed");
        if (!forced && tok && tok->is_end_of_generation(id)) {
            stats.stop = StopReason::EndOfGeneration;
            break;
        }
        sampler->accept(id);
        budget.on_token(id);

        GeneratedToken g;
        g.id = id;
        g.index = stats.generated_tokens;
        g.forced = forced.has_value();
        if (!thinking && id == open && open >= 0 && stats.generated_tokens == 0) thinking = true;
        g.thinking = thinking;
        if (thinking && id == close) thinking = false; // the closing tag belongs to the thought
        (g.thinking ? stats.thinking_tokens : stats.answer_tokens)++;

        std::string text;
        if (tok) text = decoder.push(tok->piece(id));
        chunks.clear();
        if (params.split_reasoning && !text.empty()) chunks = splitter.push(text);
        g.text = text;
        g.chunks = chunks;
        ++stats.generated_tokens;
        if (on_token && !on_token(g)) {
            stats.stop = StopReason::Callback;
            break;
        }
        if (n_past() >= options_.n_ctx) {
            stats.stop = StopReason::ContextFull;
            break;
        }
        // Sampling on the device (CUDA, all layers on the GPU): the logits stay there and the
        // next sample_next() downloads only the reduction the sampler needs.
        const TokenId one[1] = {id};
        const bool keep = device_sampling && device_skip == 0;
        if (device_skip > 0) --device_skip;
        Status s = keep ? evaluate_keep(id) : evaluate(std::span<const TokenId>(one, 1), nullptr);
        if (!s) {
            if (cancelled()) {
                stats.stop = StopReason::Cancelled;
                break;
            }
            return s;
        }
    }
    stats.generation_seconds = seconds_since(t_gen);
    stats.forced_think_close = budget.forced_close();

    // Held-back bytes and a possible partial tag: one last call with id -1.
    std::string rest = decoder.flush();
    chunks.clear();
    if (params.split_reasoning) {
        if (!rest.empty()) chunks = splitter.push(rest);
        for (auto& c : splitter.flush()) chunks.push_back(std::move(c));
    }
    if (on_token && (!rest.empty() || !chunks.empty())) {
        GeneratedToken g;
        g.index = stats.generated_tokens;
        g.thinking = thinking;
        g.text = rest;
        g.chunks = chunks;
        on_token(g);
    }
    return stats;
}

} // namespace rwb
