// Sampler stages (see sampling_stages.h). Probability sums run in double so that a 152k-entry
// softmax does not lose the tail mass that top-p looks at.
#include "sampling/sampling_stages.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rwb::sampling {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

void renormalise(std::vector<Candidate>& cands) {
    double total = 0.0;
    for (const Candidate& c : cands) total += c.p;
    if (total <= 0.0) {
        for (Candidate& c : cands) c.p = 1.0f / static_cast<float>(cands.size());
        return;
    }
    for (Candidate& c : cands) c.p = static_cast<float>(c.p / total);
}

} // namespace

void apply_penalties(std::span<float> logits, std::span<const TokenId> window, float repetition,
                     float presence, float frequency) {
    if (window.empty()) return;
    std::vector<TokenId> ids(window.begin(), window.end());
    std::sort(ids.begin(), ids.end());
    for (size_t i = 0; i < ids.size();) {
        size_t j = i;
        while (j < ids.size() && ids[j] == ids[i]) ++j;
        const TokenId id = ids[i];
        const auto count = static_cast<float>(j - i);
        i = j;
        if (id < 0 || static_cast<size_t>(id) >= logits.size()) continue;
        float& l = logits[static_cast<size_t>(id)];
        if (repetition != 1.0f) l = l > 0.0f ? l / repetition : l * repetition;
        l -= frequency * count + presence;
    }
}

TokenId argmax(std::span<const float> logits) {
    TokenId best = -1;
    float best_value = kNegInf;
    for (size_t i = 0; i < logits.size(); ++i) {
        const float v = logits[i];
        if (std::isnan(v)) continue;
        if (best < 0 || v > best_value) {
            best = static_cast<TokenId>(i);
            best_value = v;
        }
    }
    return best < 0 && !logits.empty() ? 0 : best; // all NaN: as if all -inf
}

void fill_candidates(std::span<const float> logits, float temperature,
                     std::vector<Candidate>& out) {
    out.resize(logits.size());
    const float inv_t = 1.0f / temperature;
    for (size_t i = 0; i < logits.size(); ++i) {
        const float v = logits[i];
        out[i] = {static_cast<TokenId>(i), std::isnan(v) ? kNegInf : v * inv_t, 0.0f};
    }
}

void softmax(std::vector<Candidate>& cands) {
    if (cands.empty()) return;
    float max_logit = kNegInf;
    for (const Candidate& c : cands) max_logit = std::max(max_logit, c.logit);
    if (max_logit == kNegInf) {
        for (Candidate& c : cands) c.p = 1.0f / static_cast<float>(cands.size());
        return;
    }
    double total = 0.0;
    for (Candidate& c : cands) {
        c.p = std::exp(c.logit - max_logit);
        total += c.p;
    }
    const double inv = 1.0 / total;
    for (Candidate& c : cands) c.p = static_cast<float>(c.p * inv);
}

void top_k(std::vector<Candidate>& cands, int32_t k) {
    if (k <= 0 || static_cast<size_t>(k) >= cands.size()) return;
    std::nth_element(cands.begin(), cands.begin() + k, cands.end(), better);
    cands.resize(static_cast<size_t>(k));
    std::sort(cands.begin(), cands.end(), better);
}

void top_p(std::vector<Candidate>& cands, float p) {
    if (p >= 1.0f || cands.empty()) return;
    // Sort a growing prefix: nth_element brings the next chunk of best candidates forward,
    // sort orders just that chunk. The nucleus is usually a few dozen tokens of 152k.
    double mass = 0.0;
    size_t sorted = 0;
    size_t keep = cands.size();
    const auto first = cands.begin();
    while (sorted < cands.size()) {
        const size_t end = std::min(cands.size(), std::max<size_t>(64, sorted * 4));
        if (end < cands.size()) std::nth_element(first + sorted, first + end, cands.end(), better);
        std::sort(first + sorted, first + end, better);
        for (size_t i = sorted; i < end; ++i) {
            mass += cands[i].p;
            if (mass >= p) {
                keep = i + 1;
                break;
            }
        }
        if (keep != cands.size()) break;
        sorted = end;
    }
    cands.resize(keep);
    renormalise(cands);
}

void min_p(std::vector<Candidate>& cands, float m) {
    if (m <= 0.0f || cands.empty()) return;
    float max_p = 0.0f;
    for (const Candidate& c : cands) max_p = std::max(max_p, c.p);
    const float threshold = m * max_p;
    std::erase_if(cands, [threshold](const Candidate& c) { return c.p < threshold; });
    renormalise(cands);
}

double uniform01(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

size_t draw_index(const std::vector<Candidate>& cands, double u) {
    double total = 0.0;
    for (const Candidate& c : cands) total += c.p;
    const double target = u * total;
    double acc = 0.0;
    for (size_t i = 0; i < cands.size(); ++i) {
        acc += cands[i].p;
        if (target < acc) return i;
    }
    // Rounding left target at the very top: the last candidate with any mass.
    for (size_t i = cands.size(); i > 0; --i) {
        if (cands[i - 1].p > 0.0f) return i - 1;
    }
    return 0;
}

} // namespace rwb::sampling
