// Sampler: picks the next token from a row of logits through a fixed chain
//   penalties (repetition / presence / frequency over the last N accepted tokens)
//   -> temperature -> top-k -> top-p -> min-p -> seeded draw,
// or greedy (argmax after penalties) when temperature is 0. The draw uses std::mt19937_64 (its
// output is fixed by the C++ standard) and our own integer-to-double mapping and cumulative walk
// in a fixed candidate order, so a seed gives the same tokens on every platform.
// Cheap on a 152k vocabulary: top-k selects with nth_element; top-p sorts only as long a prefix
// as the nucleus needs.
//
// Thinking budget: a small policy that tells the generation loop when to force "</think>" (id
// from the vocabulary, given by the caller) because the thought is too long or the user asked to
// wrap up, after which the model answers normally.
#pragma once

#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace rwb {

struct SamplerParams {
    float temperature = 0.6f;        // 0: greedy
    int32_t top_k = 0;               // 0: off
    float top_p = 0.95f;             // 1: off; keeps the smallest top set with mass >= top_p
    float min_p = 0.0f;              // 0: off; keeps p >= min_p * p_max
    float repetition_penalty = 1.0f; // 1: off; positive logits /= r, negative *= r (CTRL style)
    float presence_penalty = 0.0f;   // 0: off; logit -= presence if the token occurred
    float frequency_penalty = 0.0f;  // 0: off; logit -= frequency * occurrences
    int32_t penalty_last_n = 64;     // the window of accepted tokens the penalties look at
    uint64_t seed = 0;

    // DeepSeek's recommendation for the R1 distills: temperature 0.6, top-p 0.95.
    static SamplerParams r1_default() { return SamplerParams{}; }
    static SamplerParams greedy() {
        SamplerParams p;
        p.temperature = 0.0f;
        p.top_p = 1.0f;
        return p;
    }
    // Rejects NaN, negative temperature, top_p or min_p outside [0, 1], top_k or
    // penalty_last_n < 0, repetition_penalty <= 0; one line naming the field.
    Status validate() const;
};

class Sampler {
public:
    static Result<Sampler> create(const SamplerParams& params, int32_t n_vocab);

    // The next token for this row of logits (n_vocab values; NaN counts as -inf). Does not
    // change the penalty history: call accept() with whatever token is fed to the model.
    // A wrong-sized row gives -1.
    TokenId sample(std::span<const float> logits);
    // Records a token (sampled, forced, or from the prompt if its tokens should be penalised).
    void accept(TokenId id);
    // Clears the history and restarts the random stream from seed.
    void reset(uint64_t seed);

    const SamplerParams& params() const { return params_; }
    int32_t n_vocab() const { return n_vocab_; }

    struct Candidate {
        TokenId id;
        float logit; // after penalties and temperature
        float p;     // probability within the final set (sums to 1)
    };
    // The candidates the last sample() drew from, in the order of the cumulative walk: best
    // first when top-k or top-p is active, else by id (for the UI's "alternatives" and for
    // tests). Empty after a greedy sample.
    const std::vector<Candidate>& last_candidates() const { return candidates_; }

    // Sampling from a reduced row (the CUDA backend reduces the row on the device and downloads
    // only this). What the next sample needs of the row:
    struct Reduction {
        enum class Kind { Argmax, TopK, Nucleus };
        Kind kind = Kind::Argmax;
        float temperature = 1.0f;         // TopK, Nucleus: logits are divided by it
        int32_t top_k = 0;                // TopK: the k best (0 < k < n_vocab)
        float top_p = 1.0f, min_p = 0.0f; // Nucleus: softmax_prefiltered's parameters
        // Penalties, applied to the row before the reduction (none when penalty_ids is empty):
        // the distinct ids of the window within the vocabulary, ascending, with their counts;
        // logit -> (repetition: positive / r, else * r), then - (frequency * count + presence).
        std::vector<TokenId> penalty_ids;
        std::vector<float> penalty_counts;
        float repetition = 1.0f, presence = 0.0f, frequency = 0.0f;
    };
    // The reduced row (after the Reduction's penalties):
    // - Argmax: argmax, the best token (lowest id on ties, NaN never wins).
    // - TopK: candidates, the k best of logits / temperature (NaN as -inf), best first by logit
    //   then lower id; p unused.
    // - Nucleus: max_logit = max(logits) / temperature (finite), total = the sum over the row of
    //   exp(logit / temperature - max_logit), and candidates: at least every token with
    //   p >= (1 - top_p) / n_vocab and p >= min_p * p_max (others may come too), in any order.
    struct Reduced {
        TokenId argmax = -1;
        std::vector<Candidate> candidates;
        float max_logit = 0.0f;
        double total = 0.0;
    };
    // What the next sample needs, or nullopt when it needs the whole row (top-p 1 and min-p 0,
    // where every token stays).
    std::optional<Reduction> reduction() const;
    // The same token, last_candidates() and random draws as sample() on the row `r` was reduced
    // from per reduction(): exactly, for the nucleus given the same max_logit and total. -1 when
    // reduction() is nullopt or r cannot be such a reduction.
    TokenId sample_reduced(const Reduced& r);

private:
    Sampler(const SamplerParams& params, int32_t n_vocab);
    // top-p -> min-p -> draw over candidates_.
    TokenId finish();
    bool penalises() const;
    bool top_k_active() const;

    SamplerParams params_;
    int32_t n_vocab_ = 0;
    std::mt19937_64 rng_;
    std::vector<TokenId> history_;   // ring buffer of the last penalty_last_n accepted ids
    size_t history_next_ = 0;        // where the next accepted id goes once the ring is full
    std::vector<float> work_logits_; // penalised copy of the row
    std::vector<Candidate> candidates_;
    std::vector<float> scratch_; // per-token exponentials of the softmax
};

struct ThinkingBudgetConfig {
    int32_t max_thinking_tokens = 0;     // 0: unlimited
    std::vector<TokenId> close_sequence; // forced when the budget ends: usually {</think> id}
    TokenId think_close = -1;            // the "</think>" id: the model closing by itself
    TokenId think_open = -1; // the "<think>" id (-1: unused); opens a thought as the first token
    bool start_in_thought = true; // the prompt ended with "<think>\n"
};

// Per generation. Before sampling each token ask forced_token(); if it has a value, feed that
// token instead of sampling. After every token fed (sampled or forced) call on_token().
class ThinkingBudget {
public:
    explicit ThinkingBudget(ThinkingBudgetConfig config);

    std::optional<TokenId> forced_token() const;
    void on_token(TokenId id);
    // The user asked to stop thinking ("wrap up"): the close sequence is forced next, if the
    // model is still thinking.
    void request_wrap_up();

    bool thinking() const { return thinking_; }
    int32_t thinking_tokens() const { return thinking_tokens_; }
    // Whether the thought was (or is being) closed by force rather than by the model.
    bool forced_close() const { return forcing_ || forced_done_; }

private:
    ThinkingBudgetConfig config_;
    bool thinking_ = false;
    int32_t thinking_tokens_ = 0;
    int32_t tokens_seen_ = 0;
    bool wrap_up_requested_ = false;
    bool forcing_ = false;     // inside the close sequence
    size_t forced_next_ = 0;   // index into close_sequence
    bool forced_done_ = false; // a forced close completed
};

} // namespace rwb
