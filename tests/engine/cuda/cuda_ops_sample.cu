// Sampling group: the device reductions of sample_select.cu against the CPU sampler's stages
// (engine/sampling/sampling_stages.h) on fresh random rows of 1 .. 152k tokens, with ties
// (values on a coarse grid), NaN, -inf and rows with nothing finite.
// What must hold (each a count of mismatching cases or values, bound 0):
// - apply_penalties: bit for bit sampling::apply_penalties (window with repeats and ids outside
//   the vocabulary, repetition above and below 1, presence and frequency of either sign).
// - select_argmax: the same id as sampling::argmax.
// - select_top_k: the same ids and bit-identical logits, in the same order, as
//   sampling::select_top_k (k up to 1024, also k > n).
// - select_nucleus: the same row maximum, a total within 1e-10 relative of the CPU's e sum (the
//   same float exponentials, summed in double in another order: ~1e-14 typical, while one ulp of
//   difference in the exponentials would show as ~1e-7), a candidate set holding every token that
//   softmax_prefiltered keeps (or "more than the capacity" when that many pass the device's
//   slightly lower threshold), and sampling::finish_prefiltered over it, given the CPU's total,
//   equal to softmax_prefiltered (ids, logits and p bitwise).
#include "cuda_ops_common.h"

#include "backends/cuda/kernels.h"
#include "sampling/fast_exp.h"
#include "sampling/sampling_stages.h"

#include <cstring>
#include <limits>
#include <string>

namespace cuda_ops {
namespace {

using rwb::Sampler;
namespace cu = rwb::cuda;
namespace smp = rwb::sampling;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr int kCapacity = 4096;

// Row kinds: smooth (normal * sigma), grid (few distinct values: many ties), spiky (one or a few
// large logits like a confident model), with NaN / -inf sprinkled in, or nothing finite.
std::vector<float> make_row(Rng& rng, int64_t n, int kind, std::string& what) {
    std::vector<float> row;
    switch (kind) {
    case 0:
        row = normal(rng, size_t(n), 3.0f);
        what = "normal";
        break;
    case 1:
        row = normal(rng, size_t(n), 2.0f);
        for (auto& v : row) v = std::round(v * 2.0f) / 2.0f; // ties everywhere
        what = "grid";
        break;
    case 2: {
        row = normal(rng, size_t(n), 1.0f);
        const int spikes = pick(rng, 1, 4);
        for (int s = 0; s < spikes; ++s) row[size_t(pick(rng, 0, int(n - 1)))] = 20.0f + float(s);
        what = "spiky";
        break;
    }
    case 3:
        row.assign(size_t(n), pick(rng, 0, 1) ? -kInf : std::nanf(""));
        if (n > 2) row[size_t(pick(rng, 0, int(n - 1)))] = -kInf;
        what = "nothing finite";
        return row;
    default:
        row.assign(size_t(n), 1.5f); // all equal
        what = "all equal";
        return row;
    }
    // NaN and -inf at random places (also as the first and last token sometimes).
    const int specials = pick(rng, 0, 6);
    for (int s = 0; s < specials; ++s) {
        const size_t at = s == 0 ? 0 : s == 1 ? size_t(n - 1) : size_t(pick(rng, 0, int(n - 1)));
        row[at] = pick(rng, 0, 1) ? std::nanf("") : -kInf;
    }
    if (specials) what += " +NaN/-inf";
    return row;
}

std::string label(int64_t n, const std::string& kind, const std::string& extra) {
    return std::to_string(n) + " tokens, " + kind + (extra.empty() ? "" : ", " + extra);
}

bool same_bits(float a, float b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

std::vector<int64_t> sizes(Rng& rng) {
    return {1,
            2,
            7,
            31,
            1000,
            int64_t(pick(rng, 2, 5000)),
            int64_t(pick(rng, 5000, 152000)),
            32000,
            151936,
            152064};
}

bool argmax_cases(Rng& rng) {
    Group g("select_argmax (mismatching ids)", 0.0);
    DevBuf<cu::SelectHeader> head(1);
    for (int64_t n : sizes(rng))
        for (int kind = 0; kind < 5; ++kind) {
            std::string what;
            const std::vector<float> row = make_row(rng, n, kind, what);
            DevBuf<float> d(row.size());
            d.upload(row);
            cu::select_argmax(d.p, n, head.p, nullptr);
            sync("select_argmax");
            const cu::SelectHeader h = head.download()[0];
            const rwb::TokenId got = cu::argmax_from_key(h.best_key);
            const rwb::TokenId want = smp::argmax(row);
            g.add(got == want ? 0.0 : 1.0,
                  label(n, what, "id " + std::to_string(got) + " want " + std::to_string(want)));
        }
    return g.report();
}

bool top_k_cases(Rng& rng) {
    Group g("select_top_k (mismatching cases)", 0.0);
    DevBuf<cu::SelectHeader> head(1);
    DevBuf<cu::SelectCandidate> cands(cu::kSelectMaxTopK);
    DevBuf<cu::SelectWork> work(1);
    for (int64_t n : sizes(rng))
        for (int kind = 0; kind < 5; ++kind)
            for (int k : {1, 2, 40, pick(rng, 3, 1023), cu::kSelectMaxTopK})
                for (bool narrowed : {true, false}) { // through the candidates, or one block
                    std::string what;
                    const std::vector<float> row = make_row(rng, n, kind, what);
                    const float temperature =
                        pick(rng, 0, 1) ? 0.6f : uniform(rng, 1, 0.05f, 2.0f)[0];
                    const float inv_t = 1.0f / temperature;
                    DevBuf<float> d(row.size());
                    d.upload(row);
                    cu::select_top_k(d.p, n, inv_t, k, head.p, cands.p, narrowed ? work.p : nullptr,
                                     nullptr);
                    sync("select_top_k");
                    const cu::SelectHeader h = head.download()[0];
                    const std::vector<cu::SelectCandidate> got = cands.download();
                    std::vector<Sampler::Candidate> want;
                    smp::select_top_k(row, temperature, k, want);
                    bool ok = h.count == int32_t(want.size());
                    for (size_t i = 0; ok && i < want.size(); ++i)
                        ok = got[i].id == want[i].id && same_bits(got[i].logit, want[i].logit);
                    g.add(ok ? 0.0 : 1.0,
                          label(n, what,
                                "k " + std::to_string(k) + " T " + std::to_string(temperature) +
                                    (narrowed ? "" : " one block")));
                }
    return g.report();
}

bool nucleus_cases(Rng& rng) {
    Group g("select_nucleus (mismatching cases)", 0.0);
    Group gz("select_nucleus total (rel. error)", 1e-10);
    DevBuf<cu::SelectHeader> head(1);
    DevBuf<cu::SelectCandidate> cands(kCapacity);
    DevBuf<cu::SelectWork> work(1);
    struct Params {
        float t, top_p, min_p;
    };
    for (int64_t n : sizes(rng))
        for (int kind = 0; kind < 5; ++kind)
            for (const Params& p : {Params{0.6f, 0.95f, 0.0f}, Params{1.0f, 0.9f, 0.05f},
                                    Params{0.3f, 1.0f, 0.1f}, Params{1.7f, 0.5f, 0.0f},
                                    Params{uniform(rng, 1, 0.05f, 2.0f)[0],
                                           uniform(rng, 1, 0.0f, 0.999f)[0], 0.0f}}) {
                std::string what;
                const std::vector<float> row = make_row(rng, n, kind, what);
                const float inv_t = 1.0f / p.t;
                DevBuf<float> d(row.size());
                d.upload(row);
                cu::select_nucleus(d.p, n, inv_t, p.top_p, p.min_p, kCapacity, head.p, cands.p,
                                   work.p, nullptr);
                sync("select_nucleus");
                const cu::SelectHeader h = head.download()[0];
                const std::vector<cu::SelectCandidate> got = cands.download();
                std::vector<Sampler::Candidate> want;
                std::vector<float> scratch;
                smp::softmax_prefiltered(row, p.t, p.top_p, p.min_p, want, scratch);
                const std::string where =
                    label(n, what,
                          "T " + std::to_string(p.t) + " top_p " + std::to_string(p.top_p) +
                              " min_p " + std::to_string(p.min_p));
                // The CPU's maximum and total, as softmax_prefiltered computes them.
                float max_value = -kInf;
                for (float v : row) max_value = v > max_value ? v : max_value;
                const float max_logit = max_value * inv_t;
                if (max_logit == -kInf) { // the CPU takes every token: the device must say so
                    g.add(h.count > kCapacity ? 0.0 : 1.0, where + " (must overflow)");
                    continue;
                }
                double total = 0.0;
                for (float v : row) total += smp::fast_exp_nonpositive(v * inv_t - max_logit);
                // The device keeps from 1e-4 below the CPU's threshold (its total differs in the
                // last bits); so many tokens may pass that it must say "more than the capacity".
                const double threshold =
                    std::max(p.top_p < 1.0f ? (1.0 - p.top_p) / double(n) * total : 0.0,
                             p.min_p > 0.0f ? double(p.min_p) : 0.0);
                const float loose_from = float(threshold * (1.0 - 1e-4));
                size_t loose = 0;
                for (float v : row)
                    loose += !std::isnan(v) &&
                             smp::fast_exp_nonpositive(v * inv_t - max_logit) >= loose_from;
                const bool overflow = h.count > kCapacity;
                if (overflow || loose > size_t(kCapacity)) { // allowed only near the capacity
                    g.add(overflow && loose * 10 > size_t(kCapacity) * 9 ? 0.0 : 1.0,
                          where +
                              (overflow ? " says more than the capacity" : " did not overflow") +
                              " with " + std::to_string(loose) + " tokens above its threshold");
                    continue;
                }
                gz.add(std::fabs(h.total - total) / total, where);
                std::vector<Sampler::Candidate> superset;
                for (int i = 0; i < h.count; ++i)
                    superset.push_back({got[size_t(i)].id, got[size_t(i)].logit, 0.0f});
                std::vector<Sampler::Candidate> finished;
                smp::finish_prefiltered(superset, h.max_logit, total, size_t(n), p.top_p, p.min_p,
                                        finished);
                // The maximum: equal (a -0 maximum may come back as +0, which changes nothing).
                bool ok = h.max_logit == max_logit && finished.size() == want.size();
                for (size_t i = 0; ok && i < want.size(); ++i)
                    ok = finished[i].id == want[i].id &&
                         same_bits(finished[i].logit, want[i].logit) &&
                         same_bits(finished[i].p, want[i].p);
                g.add(ok ? 0.0 : 1.0, where + ", " + std::to_string(h.count) + " candidates, " +
                                          std::to_string(want.size()) + " kept by the CPU");
            }
    return g.report() & gz.report();
}

bool penalty_cases(Rng& rng) {
    Group g("apply_penalties (mismatching values)", 0.0);
    for (int64_t n : sizes(rng))
        for (int trial = 0; trial < 4; ++trial) {
            std::string what;
            const std::vector<float> row = make_row(rng, n, trial % 3, what);
            // A window with repeats (drawn from a small pool) and ids outside the vocabulary.
            std::vector<rwb::TokenId> pool(size_t(pick(rng, 1, 40)));
            for (auto& id : pool) id = pick(rng, 0, int(n - 1));
            std::vector<rwb::TokenId> window(size_t(pick(rng, 1, 200)));
            for (auto& id : window) id = pool[size_t(pick(rng, 0, int(pool.size() - 1)))];
            window.push_back(-1);
            window.push_back(rwb::TokenId(n + 3));
            const float reps[] = {1.0f, 1.3f, 0.7f, uniform(rng, 1, 0.5f, 2.0f)[0]};
            const float repetition = reps[trial];
            const float presence = trial == 0 ? 0.0f : uniform(rng, 1, -1.0f, 1.0f)[0];
            const float frequency = trial == 1 ? 0.0f : uniform(rng, 1, -0.5f, 0.5f)[0];
            std::vector<rwb::TokenId> ids;
            std::vector<float> counts;
            smp::window_counts(window, size_t(n), ids, counts);
            DevBuf<float> d(row.size()), work(row.size()), dc(counts.size());
            DevBuf<int32_t> di(ids.size());
            d.upload(row);
            di.upload(std::vector<int32_t>(ids.begin(), ids.end()));
            dc.upload(counts);
            cu::apply_penalties(d.p, work.p, n, di.p, dc.p, int(ids.size()), repetition, presence,
                                frequency, nullptr);
            sync("apply_penalties");
            const std::vector<float> got = work.download();
            std::vector<float> want = row;
            smp::apply_penalties(want, window, repetition, presence, frequency);
            int64_t bad = 0;
            for (size_t i = 0; i < want.size(); ++i)
                bad += !(same_bits(got[i], want[i]) || (std::isnan(got[i]) && std::isnan(want[i])));
            g.add(double(bad),
                  label(n, what,
                        std::to_string(ids.size()) + " ids, r " + std::to_string(repetition) +
                            " p " + std::to_string(presence) + " f " + std::to_string(frequency)));
        }
    return g.report();
}

} // namespace

bool run_sample(Rng& rng) {
    bool ok = penalty_cases(rng);
    ok &= argmax_cases(rng);
    ok &= top_k_cases(rng);
    ok &= nucleus_cases(rng);
    return ok;
}

} // namespace cuda_ops
