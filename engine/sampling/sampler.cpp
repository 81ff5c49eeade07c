// Sampler: parameter checks, the penalty history ring, and the stage chain of rwb/sampling.h.
#include "rwb/sampling.h"

#include "sampling/sampling_stages.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace rwb {

Status SamplerParams::validate() const {
    auto bad = [](const char* field, const std::string& why) {
        return Status::error(std::string("sampler: ") + field + " " + why);
    };
    if (!std::isfinite(temperature) || temperature < 0.0f)
        return bad("temperature", "must be a finite number >= 0");
    if (top_k < 0) return bad("top_k", "must be >= 0 (0 = off)");
    if (!(top_p >= 0.0f && top_p <= 1.0f)) return bad("top_p", "must be in [0, 1]");
    if (!(min_p >= 0.0f && min_p <= 1.0f)) return bad("min_p", "must be in [0, 1]");
    if (!std::isfinite(repetition_penalty) || repetition_penalty <= 0.0f)
        return bad("repetition_penalty", "must be a finite number > 0 (1 = off)");
    if (!std::isfinite(presence_penalty)) return bad("presence_penalty", "must be finite");
    if (!std::isfinite(frequency_penalty)) return bad("frequency_penalty", "must be finite");
    if (penalty_last_n < 0) return bad("penalty_last_n", "must be >= 0");
    return Status::ok();
}

Result<Sampler> Sampler::create(const SamplerParams& params, int32_t n_vocab) {
    RWB_RETURN_IF_ERROR(params.validate());
    if (n_vocab <= 0) return Result<Sampler>::error("sampler: n_vocab must be > 0");
    return Sampler(params, n_vocab);
}

Sampler::Sampler(const SamplerParams& params, int32_t n_vocab)
    : params_(params), n_vocab_(n_vocab), rng_(params.seed) {
    history_.reserve(static_cast<size_t>(std::min(params.penalty_last_n, 1 << 16)));
}

// Whether the penalties change anything, and whether top-k keeps fewer than the whole
// vocabulary: sample() and reduction() take the same paths by these.
bool Sampler::penalises() const {
    return params_.repetition_penalty != 1.0f || params_.presence_penalty != 0.0f ||
           params_.frequency_penalty != 0.0f;
}
bool Sampler::top_k_active() const {
    return params_.top_k > 0 && params_.top_k < n_vocab_;
}

void Sampler::reset(uint64_t seed) {
    rng_.seed(seed);
    history_.clear();
    history_next_ = 0;
    candidates_.clear();
}

void Sampler::accept(TokenId id) {
    const auto window = static_cast<size_t>(params_.penalty_last_n);
    if (window == 0) return;
    if (history_.size() < window) {
        history_.push_back(id);
        return;
    }
    history_[history_next_] = id;
    history_next_ = (history_next_ + 1) % window;
}

TokenId Sampler::sample(std::span<const float> logits) {
    candidates_.clear();
    if (logits.size() != static_cast<size_t>(n_vocab_)) return -1;

    std::span<const float> row = logits;
    if (penalises() && !history_.empty()) {
        work_logits_.assign(logits.begin(), logits.end());
        sampling::apply_penalties(work_logits_, history_, params_.repetition_penalty,
                                  params_.presence_penalty, params_.frequency_penalty);
        row = work_logits_;
    }

    if (params_.temperature <= 0.0f) return sampling::argmax(row);

    if (top_k_active()) {
        sampling::select_top_k(row, params_.temperature, params_.top_k, candidates_);
    } else {
        sampling::softmax_prefiltered(row, params_.temperature, params_.top_p, params_.min_p,
                                      candidates_, scratch_);
    }
    return finish();
}

TokenId Sampler::finish() {
    sampling::top_p(candidates_, params_.top_p);
    sampling::min_p(candidates_, params_.min_p);
    const size_t pick = sampling::draw_index(candidates_, sampling::uniform01(rng_));
    return candidates_[pick].id;
}

std::optional<Sampler::Reduction> Sampler::reduction() const {
    const bool every_token = params_.temperature > 0.0f && !top_k_active() &&
                             params_.top_p >= 1.0f && params_.min_p <= 0.0f;
    if (every_token) return std::nullopt;
    Reduction r;
    if (penalises() && !history_.empty()) {
        sampling::window_counts(history_, static_cast<size_t>(n_vocab_), r.penalty_ids,
                                r.penalty_counts);
        r.repetition = params_.repetition_penalty;
        r.presence = params_.presence_penalty;
        r.frequency = params_.frequency_penalty;
    }
    if (params_.temperature <= 0.0f) return r; // Argmax
    r.temperature = params_.temperature;
    if (top_k_active()) {
        r.kind = Reduction::Kind::TopK;
        r.top_k = params_.top_k;
        return r;
    }
    r.kind = Reduction::Kind::Nucleus;
    r.top_p = params_.top_p;
    r.min_p = params_.min_p;
    return r;
}

TokenId Sampler::sample_reduced(const Reduced& r) {
    candidates_.clear();
    const std::optional<Reduction> how = reduction();
    if (!how) return -1;
    const auto in_vocab = [this](TokenId id) { return id >= 0 && id < n_vocab_; };
    switch (how->kind) {
    case Reduction::Kind::Argmax:
        return in_vocab(r.argmax) ? r.argmax : -1;
    case Reduction::Kind::TopK:
        if (r.candidates.size() != static_cast<size_t>(how->top_k)) return -1;
        candidates_.assign(r.candidates.begin(), r.candidates.end());
        sampling::softmax(candidates_); // as select_top_k ends
        break;
    case Reduction::Kind::Nucleus:
        if (!std::isfinite(r.max_logit) || !(r.total > 0.0)) return -1;
        sampling::finish_prefiltered(r.candidates, r.max_logit, r.total,
                                     static_cast<size_t>(n_vocab_), how->top_p, how->min_p,
                                     candidates_);
        break;
    }
    for (const Candidate& c : candidates_)
        if (!in_vocab(c.id)) {
            candidates_.clear();
            return -1;
        }
    if (candidates_.empty()) return -1; // the row's best token is always kept: not a reduction
    return finish();
}

} // namespace rwb
