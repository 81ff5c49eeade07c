// Sampler stages (see sampling_stages.h). Probability sums run in double so that a 152k-entry
// softmax does not lose the tail mass that top-p looks at.
#include "sampling/sampling_stages.h"

#include "sampling/fast_exp.h"

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

void window_counts(std::span<const TokenId> window, size_t n_vocab, std::vector<TokenId>& ids,
                   std::vector<float>& counts) {
    ids.assign(window.begin(), window.end());
    counts.clear();
    std::sort(ids.begin(), ids.end());
    size_t kept = 0;
    for (size_t i = 0; i < ids.size();) {
        size_t j = i;
        while (j < ids.size() && ids[j] == ids[i]) ++j;
        const TokenId id = ids[i];
        const auto count = static_cast<float>(j - i);
        i = j;
        if (id < 0 || static_cast<size_t>(id) >= n_vocab) continue;
        ids[kept++] = id;
        counts.push_back(count);
    }
    ids.resize(kept);
}

void apply_penalties(std::span<float> logits, std::span<const TokenId> window, float repetition,
                     float presence, float frequency) {
    if (window.empty()) return;
    std::vector<TokenId> ids;
    std::vector<float> counts;
    window_counts(window, logits.size(), ids, counts);
    for (size_t i = 0; i < ids.size(); ++i) {
        float& l = logits[static_cast<size_t>(ids[i])];
        l = penalised(l, counts[i], repetition, presence, frequency);
    }
}

TokenId argmax(std::span<const float> logits) {
    if (logits.empty()) return -1;
    // Eight lanes, each keeping its first maximum (strictly greater replaces), merged with ties
    // going to the lower id: the first maximum of the row. NaN never wins; a row with nothing
    // above -inf gives 0 (NaN counts as -inf, and all tie).
    constexpr size_t kLanes = 8;
    const size_t n = logits.size();
    float best[kLanes];
    size_t at[kLanes];
    for (size_t k = 0; k < kLanes; ++k) {
        best[k] = kNegInf;
        at[k] = n;
    }
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (size_t k = 0; k < kLanes; ++k) {
            const bool take = logits[i + k] > best[k];
            best[k] = take ? logits[i + k] : best[k];
            at[k] = take ? i + k : at[k];
        }
    }
    for (; i < n; ++i) {
        if (logits[i] > best[0]) {
            best[0] = logits[i];
            at[0] = i;
        }
    }
    float best_value = kNegInf;
    size_t best_at = n;
    for (size_t k = 0; k < kLanes; ++k) {
        if (at[k] == n) continue;
        if (best_at == n || best[k] > best_value || (best[k] == best_value && at[k] < best_at)) {
            best_value = best[k];
            best_at = at[k];
        }
    }
    return best_at == n ? 0 : static_cast<TokenId>(best_at);
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

void select_top_k(std::span<const float> logits, float temperature, int32_t k,
                  std::vector<Candidate>& out) {
    out.clear();
    if (k <= 0) return;
    const float inv_t = 1.0f / temperature;
    // A heap whose front is the worst kept candidate (std heaps put the "largest" by the
    // comparator first, and better() orders best as smallest).
    for (size_t i = 0; i < logits.size(); ++i) {
        const float v = logits[i];
        const Candidate c{static_cast<TokenId>(i), std::isnan(v) ? kNegInf : v * inv_t, 0.0f};
        if (out.size() < static_cast<size_t>(k)) {
            out.push_back(c);
            std::push_heap(out.begin(), out.end(), better);
        } else if (better(c, out.front())) {
            std::pop_heap(out.begin(), out.end(), better);
            out.back() = c;
            std::push_heap(out.begin(), out.end(), better);
        }
    }
    std::sort(out.begin(), out.end(), better);
    softmax(out);
}

void softmax_prefiltered(std::span<const float> logits, float temperature, float top_p, float min_p,
                         std::vector<Candidate>& out, std::vector<float>& scratch) {
    out.clear();
    const size_t n = logits.size();
    if (n == 0) return;
    const float inv_t = 1.0f / temperature;
    // max(v) * inv_t == max(v * inv_t): scaling by a positive number keeps the order.
    // Eight independent lanes: one running maximum would chain every compare on the last.
    float max_lanes[8] = {kNegInf, kNegInf, kNegInf, kNegInf, kNegInf, kNegInf, kNegInf, kNegInf};
    size_t m = 0;
    for (; m + 8 <= n; m += 8) {
        for (size_t k = 0; k < 8; ++k) {
            const float v = logits[m + k];
            max_lanes[k] = v > max_lanes[k] ? v : max_lanes[k]; // NaN: skipped
        }
    }
    for (; m < n; ++m) max_lanes[0] = logits[m] > max_lanes[0] ? logits[m] : max_lanes[0];
    float max_value = kNegInf;
    for (const float v : max_lanes) max_value = v > max_value ? v : max_value;
    const float max_logit = max_value * inv_t;
    if (max_logit == kNegInf) { // nothing finite: uniform, as softmax() does
        fill_candidates(logits, temperature, out);
        softmax(out);
        return;
    }
    // e = exp(l - max) = p * total, in [0, 1]; NaN logits give 0. A plain loop: it vectorises.
    scratch.resize(n);
    float* e = scratch.data();
    for (size_t i = 0; i < n; ++i) e[i] = fast_exp_nonpositive(logits[i] * inv_t - max_logit);
    // Fixed-order sum in eight lanes (the same on every platform), in double for a 152k row.
    double lanes[8] = {};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (size_t k = 0; k < 8; ++k) lanes[k] += e[i + k];
    }
    for (; i < n; ++i) lanes[0] += e[i];
    double total = 0.0;
    for (const double l : lanes) total += l;

    const double inv_total = 1.0 / total;
    const float keep_from = prefilter_keep_from(total, n, top_p, min_p);
    for (size_t t = 0; t < n; ++t) {
        if (e[t] >= keep_from && !std::isnan(logits[t])) {
            out.push_back(
                {static_cast<TokenId>(t), logits[t] * inv_t, static_cast<float>(e[t] * inv_total)});
        }
    }
}

float prefilter_keep_from(double total, size_t n, float top_p, float min_p) {
    double threshold = 0.0;
    if (top_p < 1.0f) threshold = (1.0 - top_p) / static_cast<double>(n) * total;
    if (min_p > 0.0f) threshold = std::max(threshold, static_cast<double>(min_p));
    // Rounded down to float, the comparison can only keep more; top_p()/min_p() decide exactly.
    return std::nextafter(static_cast<float>(threshold), 0.0f);
}

void finish_prefiltered(std::span<const Candidate> superset, float max_logit, double total,
                        size_t n, float top_p, float min_p, std::vector<Candidate>& out) {
    out.assign(superset.begin(), superset.end());
    std::sort(out.begin(), out.end(),
              [](const Candidate& a, const Candidate& b) { return a.id < b.id; });
    const double inv_total = 1.0 / total;
    const float keep_from = prefilter_keep_from(total, n, top_p, min_p);
    // The same e, threshold and p as softmax_prefiltered: c.logit is its logits[t] * inv_t.
    std::erase_if(out, [&](Candidate& c) {
        const float e = fast_exp_nonpositive(c.logit - max_logit);
        c.p = static_cast<float>(e * inv_total);
        return !(e >= keep_from) || std::isnan(c.logit);
    });
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
        c.p = fast_exp_nonpositive(c.logit - max_logit);
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
