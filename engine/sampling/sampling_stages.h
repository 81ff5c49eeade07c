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

// Index of the best logit (lowest id on ties); NaN never wins. -1 for an empty row.
TokenId argmax(std::span<const float> logits);

// All ids of the row, logit / temperature (temperature > 0), NaN as -inf, p = 0, in id order.
void fill_candidates(std::span<const float> logits, float temperature, std::vector<Candidate>& out);

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
