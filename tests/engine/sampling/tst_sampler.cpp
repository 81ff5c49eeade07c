// tst_sampler: each stage of the sampler chain on tiny hand-made distributions, checked against
// probabilities computed here from the textbook formulas; greedy; seed reproducibility; draw
// frequencies against the exact distribution (chi-square bound, fixed seed); the top-p partial
// sort against a full sort on a 152k vocabulary; penalties and their window; parameter checks.
#include "rwb/sampling.h"
#include "sampling/fast_exp.h"
#include "sampling/sampling_stages.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace rwb;
using sampling::Candidate;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<double> softmax_ref(const std::vector<double>& logits) {
    const double m = *std::max_element(logits.begin(), logits.end());
    std::vector<double> p(logits.size());
    double total = 0;
    for (size_t i = 0; i < logits.size(); ++i) total += (p[i] = std::exp(logits[i] - m));
    for (double& v : p) v /= total;
    return p;
}

std::vector<Candidate> candidates(const std::vector<float>& logits, float temperature = 1.0f) {
    std::vector<Candidate> c;
    sampling::fill_candidates(logits, temperature, c);
    return c;
}

// Draws n tokens and returns the chi-square statistic against the expected probabilities.
double chi_square(Sampler& s, const std::vector<float>& logits, const std::vector<double>& p,
                  int n) {
    std::vector<int> counts(p.size(), 0);
    for (int i = 0; i < n; ++i) {
        const TokenId id = s.sample(logits);
        if (id < 0 || size_t(id) >= p.size()) return 1e300;
        ++counts[size_t(id)];
    }
    double chi = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == 0) {
            if (counts[i] != 0) return 1e300; // a filtered-out token was drawn
            continue;
        }
        const double e = p[i] * n;
        chi += (counts[i] - e) * (counts[i] - e) / e;
    }
    return chi;
}

Sampler make(SamplerParams p, int32_t n_vocab) {
    auto r = Sampler::create(p, n_vocab);
    if (!r) qFatal("%s", r.message().c_str());
    return std::move(r).value();
}

} // namespace

class TestSampler : public QObject {
    Q_OBJECT

private slots:
    void r1Preset() {
        const SamplerParams p = SamplerParams::r1_default();
        QCOMPARE(p.temperature, 0.6f);
        QCOMPARE(p.top_p, 0.95f);
        QCOMPARE(p.top_k, 0);
        QCOMPARE(p.min_p, 0.0f);
        QCOMPARE(p.repetition_penalty, 1.0f);
        QVERIFY(p.validate().is_ok());
        QCOMPARE(SamplerParams::greedy().temperature, 0.0f);
    }

    void fastExpAgainstLibm() {
        double worst = 0;
        for (int i = 0; i < 870000; ++i) {
            const float x = -float(i) * 1e-4f;
            const double ref = std::exp(double(x));
            const double got = sampling::fast_exp_nonpositive(x);
            worst = std::max(worst, std::abs(got - ref) / ref);
        }
        QVERIFY2(worst < 4e-7, qPrintable(QString::number(worst)));
        QCOMPARE(sampling::fast_exp_nonpositive(0.0f), 1.0f);
        QCOMPARE(sampling::fast_exp_nonpositive(-kInf), 0.0f);
        QCOMPARE(sampling::fast_exp_nonpositive(NAN), 0.0f);
        QCOMPARE(sampling::fast_exp_nonpositive(-200.0f), 0.0f);
    }

    void softmaxAndTemperature() {
        const std::vector<float> logits = {1.0f, 2.0f, 3.0f, 0.5f};
        for (float t : {1.0f, 0.6f, 2.0f}) {
            auto c = candidates(logits, t);
            sampling::softmax(c);
            std::vector<double> scaled;
            for (float l : logits) scaled.push_back(double(l) / t);
            const auto ref = softmax_ref(scaled);
            for (size_t i = 0; i < c.size(); ++i) {
                QCOMPARE(c[i].id, TokenId(i));
                QVERIFY(std::abs(c[i].p - ref[i]) < 1e-6);
            }
        }
    }

    void topK() {
        const std::vector<float> logits = {0.1f, 2.0f, -1.0f, 2.0f, 1.5f};
        auto c = candidates(logits);
        sampling::top_k(c, 3);
        sampling::softmax(c);
        QCOMPARE(c.size(), size_t(3));
        // best first; the tie 2.0/2.0 goes to the lower id
        QCOMPARE(c[0].id, 1);
        QCOMPARE(c[1].id, 3);
        QCOMPARE(c[2].id, 4);
        const auto ref = softmax_ref({2.0, 2.0, 1.5});
        for (size_t i = 0; i < 3; ++i) QVERIFY(std::abs(c[i].p - ref[i]) < 1e-6);

        auto all = candidates(logits);
        sampling::top_k(all, 0);
        QCOMPARE(all.size(), logits.size());
        sampling::top_k(all, 99);
        QCOMPARE(all.size(), logits.size());
    }

    void topP() {
        // p = 0.5, 0.3, 0.15, 0.05 (given as log-probabilities, listed out of order)
        const std::vector<float> logits = {std::log(0.15f), std::log(0.5f), std::log(0.05f),
                                           std::log(0.3f)};
        struct Case {
            float top_p;
            std::vector<TokenId> ids;
            std::vector<double> p;
        };
        const std::vector<Case> cases = {
            {0.4f, {1}, {1.0}},
            {0.75f, {1, 3}, {0.5 / 0.8, 0.3 / 0.8}},
            {0.85f, {1, 3, 0}, {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95}},
            {0.99f, {1, 3, 0, 2}, {0.5, 0.3, 0.15, 0.05}},
            {0.0f, {1}, {1.0}},
        };
        for (const Case& k : cases) {
            auto c = candidates(logits);
            sampling::softmax(c);
            sampling::top_p(c, k.top_p);
            QCOMPARE(c.size(), k.ids.size());
            for (size_t i = 0; i < c.size(); ++i) {
                QCOMPARE(c[i].id, k.ids[i]);
                QVERIFY2(std::abs(c[i].p - k.p[i]) < 1e-6, qPrintable(QString::number(k.top_p)));
            }
        }
        auto off = candidates(logits);
        sampling::softmax(off);
        sampling::top_p(off, 1.0f);
        QCOMPARE(off.size(), logits.size());
        QCOMPARE(off[0].id, 0); // untouched: id order
    }

    void minP() {
        const std::vector<float> logits = {std::log(0.15f), std::log(0.5f), std::log(0.05f),
                                           std::log(0.3f)};
        auto c = candidates(logits);
        sampling::softmax(c);
        sampling::min_p(c, 0.2f); // threshold 0.1: drops the 0.05
        QCOMPARE(c.size(), size_t(3));
        const std::vector<TokenId> ids = {0, 1, 3}; // order kept
        const std::vector<double> p = {0.15 / 0.95, 0.5 / 0.95, 0.3 / 0.95};
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(c[i].id, ids[i]);
            QVERIFY(std::abs(c[i].p - p[i]) < 1e-6);
        }
        auto one = candidates(logits);
        sampling::softmax(one);
        sampling::min_p(one, 1.0f);
        QCOMPARE(one.size(), size_t(1));
        QCOMPARE(one[0].id, 1);
    }

    // The chain in order: top-k, then top-p on the renormalised top-k set, then min-p.
    void chainOrder() {
        // p = 0.4, 0.3, 0.2, 0.1
        const std::vector<float> logits = {std::log(0.1f), std::log(0.4f), std::log(0.2f),
                                           std::log(0.3f)};
        SamplerParams params;
        params.temperature = 1.0f;
        params.top_k = 3;    // {0.4, 0.3, 0.2} -> /0.9
        params.top_p = 0.7f; // 0.444, 0.333 (0.777 >= 0.7) -> {0.4, 0.3} / 0.7
        params.min_p = 0.8f; // 0.571, 0.428: threshold 0.457 drops the second
        Sampler s = make(params, 4);
        QCOMPARE(s.sample(logits), 1);
        QCOMPARE(s.last_candidates().size(), size_t(1));
        params.min_p = 0.0f;
        Sampler s2 = make(params, 4);
        (void)s2.sample(logits);
        const auto& c = s2.last_candidates();
        QCOMPARE(c.size(), size_t(2));
        QCOMPARE(c[0].id, 1);
        QCOMPARE(c[1].id, 3);
        QVERIFY(std::abs(c[0].p - 4.0 / 7.0) < 1e-6);
        QVERIFY(std::abs(c[1].p - 3.0 / 7.0) < 1e-6);
    }

    void greedy() {
        Sampler s = make(SamplerParams::greedy(), 5);
        QCOMPARE(s.sample(std::vector<float>{0.1f, 3.0f, -2.0f, 3.0f, 2.9f}), 1); // tie: lower id
        QCOMPARE(s.sample(std::vector<float>{NAN, -1.0f, NAN, -0.5f, -kInf}), 3);
        QCOMPARE(s.sample(std::vector<float>{-kInf, -kInf, 5.0f, -kInf, -kInf}), 2);
        QVERIFY(s.last_candidates().empty());
        QCOMPARE(s.sample(std::vector<float>{1.0f, 2.0f}), -1); // wrong row size
    }

    // argmax on long rows (its lanes) against a plain first-maximum scan.
    void argmaxLongRows() {
        std::mt19937_64 g(3);
        for (int trial = 0; trial < 200; ++trial) {
            const size_t n = 1 + g() % 300;
            std::vector<float> row(n);
            for (float& v : row) v = float(int(g() % 7)) - 3.0f; // many ties
            if (trial % 3 == 0) row[g() % n] = NAN;
            if (trial % 5 == 0) row[g() % n] = kInf;
            if (trial % 7 == 0) std::fill(row.begin(), row.end(), -kInf);
            TokenId ref = 0;
            float best = -kInf;
            for (size_t i = 0; i < n; ++i) {
                if (row[i] > best) {
                    best = row[i];
                    ref = TokenId(i);
                }
            }
            QCOMPARE(sampling::argmax(row), ref);
        }
        QCOMPARE(sampling::argmax(std::vector<float>{}), -1);
        QCOMPARE(sampling::argmax(std::vector<float>(20, NAN)), 0);
    }

    void penalties() {
        std::vector<float> logits = {2.0f, -2.0f, 0.5f, 1.0f, 3.0f};
        const std::vector<TokenId> window = {0, 0, 1, 3, 99, -1};
        sampling::apply_penalties(logits, window, 2.0f, 0.5f, 0.1f);
        QCOMPARE(logits[0], 2.0f / 2.0f - (0.1f * 2 + 0.5f));
        QCOMPARE(logits[1], -2.0f * 2.0f - (0.1f * 1 + 0.5f));
        QCOMPARE(logits[2], 0.5f); // not in the window
        QCOMPARE(logits[3], 1.0f / 2.0f - (0.1f + 0.5f));
        QCOMPARE(logits[4], 3.0f);
    }

    // Only the last penalty_last_n accepted tokens count.
    void penaltyWindow() {
        SamplerParams p = SamplerParams::greedy();
        p.presence_penalty = 10.0f;
        p.penalty_last_n = 2;
        Sampler s = make(p, 4);
        const std::vector<float> logits = {5.0f, 4.0f, 3.0f, 2.0f};
        QCOMPARE(s.sample(logits), 0);
        s.accept(0);
        QCOMPARE(s.sample(logits), 1);
        s.accept(1);
        QCOMPARE(s.sample(logits), 2); // 0 and 1 penalised
        s.accept(2);                   // window is now {1, 2}: 0 is free again
        QCOMPARE(s.sample(logits), 0);
        s.reset(0);
        QCOMPARE(s.sample(logits), 0);
        s.accept(0);
        p.penalty_last_n = 0; // off
        Sampler off = make(p, 4);
        off.accept(0);
        QCOMPARE(off.sample(logits), 0);
    }

    void seedReproducibility() {
        std::vector<float> logits(1000);
        std::mt19937_64 g(7);
        for (float& l : logits) l = float(g() % 1000) / 250.0f;
        SamplerParams p = SamplerParams::r1_default();
        p.seed = 42;
        Sampler a = make(p, 1000), b = make(p, 1000);
        p.seed = 43;
        Sampler c = make(p, 1000);
        std::vector<TokenId> ra, rb, rc;
        for (int i = 0; i < 500; ++i) {
            ra.push_back(a.sample(logits));
            rb.push_back(b.sample(logits));
            rc.push_back(c.sample(logits));
        }
        QVERIFY(ra == rb);
        QVERIFY(ra != rc);
        a.reset(42);
        for (int i = 0; i < 500; ++i) QCOMPARE(a.sample(logits), ra[size_t(i)]);
    }

    // The random stream is std::mt19937_64, whose 10000th output from the default seed is fixed
    // by the C++ standard; uniform01 uses its top 53 bits.
    void portableRandomStream() {
        std::mt19937_64 g;
        g.discard(9999);
        QCOMPARE(g(), 9981545732273789042ull);
        std::mt19937_64 h;
        h.discard(9999);
        QCOMPARE(sampling::uniform01(h), double(9981545732273789042ull >> 11) * 0x1.0p-53);
        std::vector<Candidate> c = {{0, 0, 0.25f}, {1, 0, 0.5f}, {2, 0, 0.25f}};
        QCOMPARE(sampling::draw_index(c, 0.0), size_t(0));
        QCOMPARE(sampling::draw_index(c, 0.2499), size_t(0));
        QCOMPARE(sampling::draw_index(c, 0.25), size_t(1));
        QCOMPARE(sampling::draw_index(c, 0.7499), size_t(1));
        QCOMPARE(sampling::draw_index(c, 0.75), size_t(2));
        QCOMPARE(sampling::draw_index(c, 0.9999999), size_t(2));
    }

    // Frequencies over many draws against the exact distribution. With 3 degrees of freedom
    // P(chi2 > 16.27) = 0.001; the seed is fixed, so the test is deterministic.
    void drawFrequencies() {
        const std::vector<double> p = {0.5, 0.25, 0.125, 0.125};
        std::vector<float> logits;
        for (double v : p) logits.push_back(float(std::log(v)));
        SamplerParams params;
        params.temperature = 1.0f;
        params.top_p = 1.0f;
        params.seed = 1234;
        Sampler s = make(params, 4);
        QVERIFY(chi_square(s, logits, p, 100000) < 16.27);

        // Temperature 0.5 squares and renormalises: 16:4:1:1 / 22; top-k 3 then drops one 1.
        params.temperature = 0.5f;
        params.top_k = 3;
        Sampler t = make(params, 4);
        QVERIFY(chi_square(t, logits, {16.0 / 21, 4.0 / 21, 1.0 / 21, 0.0}, 100000) < 13.82);
    }

    // top-p's growing partial sort keeps exactly the nucleus a full sort gives, on a 152k row.
    void topPLargeVocabMatchesFullSort() {
        const int n = 152064;
        std::mt19937_64 g(99);
        std::vector<float> logits(n);
        for (float& l : logits) l = float(double(g() >> 11) * 0x1.0p-53 * 12.0 - 6.0);
        for (float top_p : {0.5f, 0.95f, 0.999f}) {
            for (float temp : {0.6f, 1.5f}) {
                auto c = candidates(logits, temp);
                sampling::softmax(c);
                auto ref = c;
                std::sort(ref.begin(), ref.end(), sampling::better);
                double mass = 0;
                size_t keep = 0;
                while (keep < ref.size()) {
                    mass += ref[keep].p;
                    ++keep;
                    if (mass >= top_p) break;
                }
                sampling::top_p(c, top_p);
                QCOMPARE(c.size(), keep);
                QVERIFY(keep > 64); // the chunked path was exercised
                for (size_t i = 0; i < keep; ++i) QCOMPARE(c[i].id, ref[i].id);
                double total = 0;
                for (const Candidate& x : c) total += x.p;
                QVERIFY(std::abs(total - 1.0) < 1e-5);
            }
        }
    }

    // Sampler's fast first stages (k-heap, prefiltered softmax) keep the same candidates with the
    // same probabilities as the plain chain of stage functions, on a 152k row.
    void fastPathMatchesPlainChain() {
        const int n = 152064;
        std::mt19937_64 g(5);
        std::vector<float> logits(n);
        for (float& l : logits) l = float(double(g() >> 11) * 0x1.0p-53 * 8.0 - 4.0);
        for (int i = 0; i < 30; ++i) logits[g() % n] += 10.0f; // a few strong tokens
        logits[17] = NAN;
        logits[18] = -kInf;
        struct P {
            float t, p, m;
            int32_t k;
        };
        for (const P& c :
             {P{0.6f, 0.95f, 0.0f, 0}, P{1.0f, 0.999f, 0.0f, 0}, P{2.0f, 0.9f, 0.0f, 0},
              P{0.6f, 1.0f, 0.05f, 0}, P{1.0f, 0.95f, 0.01f, 0}, P{0.6f, 0.95f, 0.0f, 40},
              P{1.0f, 1.0f, 0.0f, 1000}, P{1.0f, 1.0f, 0.0f, 0}}) {
            SamplerParams params;
            params.temperature = c.t;
            params.top_p = c.p;
            params.min_p = c.m;
            params.top_k = c.k;
            Sampler s = make(params, n);
            (void)s.sample(logits);
            const auto& fast = s.last_candidates();

            auto ref = candidates(logits, c.t);
            sampling::top_k(ref, c.k);
            sampling::softmax(ref);
            sampling::top_p(ref, c.p);
            sampling::min_p(ref, c.m);
            std::erase_if(ref, [](const Candidate& x) { return x.id == 17; }); // NaN: p = 0

            QCOMPARE(fast.size(), ref.size());
            for (size_t i = 0; i < ref.size(); ++i) {
                QCOMPARE(fast[i].id, ref[i].id);
                QVERIFY(std::abs(fast[i].p - ref[i].p) <= 1e-6f * std::max(1.0f, ref[i].p * 1e3f));
            }
        }
    }

    void validation() {
        auto bad = [](auto mutate, const char* field) {
            SamplerParams p;
            mutate(p);
            const Status st = p.validate();
            QVERIFY(!st.is_ok());
            QVERIFY2(st.message().find(field) != std::string::npos, st.message().c_str());
            QVERIFY(!Sampler::create(p, 10).is_ok());
        };
        bad([](SamplerParams& p) { p.temperature = -0.1f; }, "temperature");
        bad([](SamplerParams& p) { p.temperature = NAN; }, "temperature");
        bad([](SamplerParams& p) { p.top_k = -1; }, "top_k");
        bad([](SamplerParams& p) { p.top_p = 1.5f; }, "top_p");
        bad([](SamplerParams& p) { p.top_p = NAN; }, "top_p");
        bad([](SamplerParams& p) { p.min_p = -0.5f; }, "min_p");
        bad([](SamplerParams& p) { p.repetition_penalty = 0.0f; }, "repetition_penalty");
        bad([](SamplerParams& p) { p.presence_penalty = kInf; }, "presence_penalty");
        bad([](SamplerParams& p) { p.frequency_penalty = NAN; }, "frequency_penalty");
        bad([](SamplerParams& p) { p.penalty_last_n = -1; }, "penalty_last_n");
        QVERIFY(!Sampler::create(SamplerParams{}, 0).is_ok());
        QVERIFY(Sampler::create(SamplerParams{}, 152064).is_ok());
    }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
