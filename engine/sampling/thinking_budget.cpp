// Thinking budget: tracks, token by token, whether the model is inside its thought and how long
// it has thought, and hands out the close sequence when the budget is spent or the user asked
// to wrap up. Counting ids (not text) keeps it independent of the decoder and the splitter.
#include "rwb/sampling.h"

#include <utility>

namespace rwb {

ThinkingBudget::ThinkingBudget(ThinkingBudgetConfig config)
    : config_(std::move(config)), thinking_(config_.start_in_thought) {}

void ThinkingBudget::request_wrap_up() {
    wrap_up_requested_ = true;
}

std::optional<TokenId> ThinkingBudget::forced_token() const {
    if (forcing_) return config_.close_sequence[forced_next_];
    if (!thinking_ || config_.close_sequence.empty()) return std::nullopt;
    const bool over_budget =
        config_.max_thinking_tokens > 0 && thinking_tokens_ >= config_.max_thinking_tokens;
    if (over_budget || wrap_up_requested_) return config_.close_sequence.front();
    return std::nullopt;
}

void ThinkingBudget::on_token(TokenId id) {
    const bool first = tokens_seen_ == 0;
    ++tokens_seen_;

    const std::optional<TokenId> forced = forced_token();
    if (forced && *forced == id) {
        forcing_ = true;
        if (id == config_.think_close) thinking_ = false;
        if (++forced_next_ == config_.close_sequence.size()) {
            forcing_ = false;
            forced_done_ = true;
            thinking_ = false;
        }
        return;
    }

    if (thinking_) {
        if (id == config_.think_close) {
            thinking_ = false;
        } else {
            ++thinking_tokens_;
        }
    } else if (first && config_.think_open >= 0 && id == config_.think_open && !forced_done_) {
        thinking_ = true;
    }
}

} // namespace rwb
