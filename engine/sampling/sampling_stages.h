// The sampler's stages as plain functions over a candidate list, so each can be tested on a
// tiny hand-made distribution. Sampler (rwb/sampling.h) runs them in the fixed order
// penalties -> temperature -> top-k -> top-p -> min-p -> draw.
//
// Ordering: "better" means a higher logit, ties broken by the lower id. It is a total order,
// so the kept set and its order never depend on the standard library's nth_element/sort.
#pragma once

#include "rwb/sampling.h"

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace rwb::sampling {

using Candidate = Sampler::Candidate;

inline bool better(const Candidate& a, const Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

// Penalises logits of the tokens in `window` (ids out of range are ignored): repetition first
// (positive / r, negative * r, once per distinct token), then
// logit -= frequency * count + presence.
void apply_penalties(std::span<float> logits, std::span<const TokenId> window, float repetition,
                     float presence, float frequency);
// The distinct ids of `window` within [0, n_vocab), ascending, and how often each occurs.
void window_counts(std::span<const TokenId> window, size_t n_vocab, std::vector<TokenId>& ids,
                   std::vector<float>& counts);
// One penalised logit (what apply_penalties does to a token seen `count` times). The CUDA
// kernel (sample_select.cu) repeats these float operations one by one.
inline float penalised(float l, float count, float repetition, float presence, float frequency) {
    if (repetition != 1.0f) l = l > 0.0f ? l / repetition : l * repetition;
    return l - (frequency * count + presence);
}

// Index of the best logit (lowest id on ties); NaN never wins. -1 for an empty row.
TokenId argmax(std::span<const float> logits);

// All ids of the row, logit / temperature (temperature > 0), NaN as -inf, p = 0, in id order.
void fill_candidates(std::span<const float> logits, float temperature, std::vector<Candidate>& out);

// Fast first stage for a whole vocabulary row (what Sampler uses):
// select_top_k: the k best of logits / temperature, best first, p = softmax over those k; one
// pass with a k-sized heap, no copy of the row.
void select_top_k(std::span<const float> logits, float temperature, int32_t k,
                  std::vector<Candidate>& out);
// softmax_prefiltered: p = softmax over the WHOLE row (logits / temperature), but only the
// candidates that can survive top_p and min_p are kept (id order): those with
// p >= min_p * p_max, and those with p >= (1 - top_p) / n, since everything below that has less
// than 1 - top_p mass in total and so lies after the point where the nucleus is complete.
// Feeding the result to top_p() then min_p() gives the same set and probabilities as the full
// chain fill_candidates -> softmax -> top_p -> min_p.
// scratch: a reusable buffer (one float per token).
void softmax_prefiltered(std::span<const float> logits, float temperature, float top_p, float min_p,
                         std::vector<Candidate>& out, std::vector<float>& scratch);

// The threshold on e = exp(logit / temperature - max) (in [0, 1]) from which
// softmax_prefiltered keeps a token of a row of n tokens whose e sum to total.
float prefilter_keep_from(double total, size_t n, float top_p, float min_p);
// softmax_prefiltered's result rebuilt from a reduced row (sampling on the device): superset
// holds at least every token it keeps, in any order, with logit = logits[id] / temperature as
// softmax_prefiltered computes it (p unused); max_logit and total are the row's maximum and e sum.
// Given the same max_logit and total, out is exactly softmax_prefiltered's (ids, logits, p).
void finish_prefiltered(std::span<const Candidate> superset, float max_logit, double total,
                        size_t n, float top_p, float min_p, std::vector<Candidate>& out);

// p = softmax of the logits over the current set (order unchanged). An all -inf set gets a
// uniform distribution.
void softmax(std::vector<Candidate>& cands);

// Keeps the k best, sorted best first (k <= 0 or >= size: unchanged). Uses nth_element, no
// full sort. Probabilities are not touched: call softmax() after.
void top_k(std::vector<Candidate>& cands, int32_t k);

// Needs p (softmax). Keeps the smallest best-first prefix whose mass reaches top_p (at least
// one), sorted best first, p renormalised. Sorts only as much of the list as it needs.
// top_p >= 1: unchanged.
void top_p(std::vector<Candidate>& cands, float top_p);

// Needs p. Keeps candidates with p >= min_p * max p (order kept), p renormalised.
// min_p <= 0: unchanged.
void min_p(std::vector<Candidate>& cands, float min_p);

// A double uniform in [0, 1) from the top 53 bits of one 64-bit draw (the same on every
// platform, unlike std::uniform_real_distribution).
double uniform01(std::mt19937_64& rng);

// Index of the candidate where the cumulative p (in list order) first exceeds u * total.
size_t draw_index(const std::vector<Candidate>& cands, double u);

} // namespace rwb::sampling
