// tst_sampler_reduced: Sampler::sample_reduced (the finish of a sample whose row was reduced on the
// device) against Sampler::sample on the whole row. Two samplers with the same seed walk the same
// random rows, one given the row, one its reduction built here from the row the way the CUDA
// kernels must (argmax; the k best; the row maximum, the e sum and a superset of the prefiltered
// tokens, shuffled and padded with tokens that must be dropped again): every step must give the
// same token and the same last_candidates() bit for bit, so the random streams stay in step.
// With penalties the reduction carries the window's distinct ids and counts, applied here by the
// textbook formula before reducing.
// Rows: 1 .. 152k tokens, smooth, spiky, with ties (a coarse grid of values), NaN and -inf.
#include "rwb/sampling.h"
#include "sampling/fast_exp.h"
#include "sampling/sampling_stages.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace rwb;
using sampling::Candidate;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> random_row(std::mt19937& rng, int32_t n, int kind) {
    std::normal_distribution<float> normal(0.0f, kind == 0 ? 3.0f : 1.5f);
    std::vector<float> row(static_cast<size_t>(n));
    for (float& v : row) v = normal(rng);
    if (kind == 1) // ties everywhere
        for (float& v : row) v = std::round(v * 2.0f) / 2.0f;
    if (kind == 2) // a confident model: a few large logits
        for (int s = 0; s < 3; ++s) row[rng() % size_t(n)] = 18.0f + float(s);
    if (n > 4 && kind != 3)
        for (int s = 0; s < 4; ++s) row[rng() % size_t(n)] = (s & 1) ? -kInf : std::nanf("");
    if (kind == 3) row.assign(size_t(n), 0.25f); // all equal
    return row;
}

// The reduction of `row` as a backend gives it, per `how`.
Sampler::Reduced reduce(std::vector<float> row, const Sampler::Reduction& how, std::mt19937& rng) {
    // Penalties by the textbook formula (CTRL repetition, then OpenAI presence / frequency).
    for (size_t i = 0; i < how.penalty_ids.size(); ++i) {
        float& l = row[size_t(how.penalty_ids[i])];
        if (how.repetition != 1.0f) l = l > 0.0f ? l / how.repetition : l * how.repetition;
        l -= how.frequency * how.penalty_counts[i] + how.presence;
    }
    Sampler::Reduced r;
    switch (how.kind) {
    case Sampler::Reduction::Kind::Argmax:
        r.argmax = sampling::argmax(row);
        break;
    case Sampler::Reduction::Kind::TopK:
        sampling::select_top_k(row, how.temperature, how.top_k, r.candidates);
        for (Candidate& c : r.candidates) c.p = -1.0f; // must not be used
        break;
    case Sampler::Reduction::Kind::Nucleus: {
        const float inv_t = 1.0f / how.temperature;
        float max_value = -kInf;
        for (float v : row) max_value = v > max_value ? v : max_value;
        r.max_logit = max_value * inv_t;
        for (float v : row) r.total += sampling::fast_exp_nonpositive(v * inv_t - r.max_logit);
        // Everything from a tenth of the threshold (a superset), plus a few random tokens.
        const float keep_from =
            sampling::prefilter_keep_from(r.total, row.size(), how.top_p, how.min_p) * 0.1f;
        for (size_t i = 0; i < row.size(); ++i) {
            const float l = row[i] * inv_t;
            const bool extra = rng() % 97 == 0;
            if (!std::isnan(row[i]) &&
                (extra || sampling::fast_exp_nonpositive(l - r.max_logit) >= keep_from))
                r.candidates.push_back({TokenId(i), l, -1.0f});
        }
        std::shuffle(r.candidates.begin(), r.candidates.end(), rng);
        break;
    }
    }
    return r;
}

bool same(const std::vector<Candidate>& a, const std::vector<Candidate>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].id != b[i].id || std::memcmp(&a[i].logit, &b[i].logit, sizeof(float)) != 0 ||
            std::memcmp(&a[i].p, &b[i].p, sizeof(float)) != 0)
            return false;
    return true;
}

} // namespace

class TestSamplerReduced : public QObject {
    Q_OBJECT
private slots:
    void reducedMatchesFullRow_data() {
        QTest::addColumn<float>("temperature");
        QTest::addColumn<int>("topK");
        QTest::addColumn<float>("topP");
        QTest::addColumn<float>("minP");
        QTest::addColumn<int>("kind");
        QTest::addColumn<float>("repetition");
        QTest::addColumn<float>("presence");
        QTest::addColumn<float>("frequency");
        QTest::newRow("greedy") << 0.0f << 0 << 1.0f << 0.0f
                                << int(Sampler::Reduction::Kind::Argmax) << 1.0f << 0.0f << 0.0f;
        QTest::newRow("greedy top-k set")
            << 0.0f << 40 << 0.9f << 0.0f << int(Sampler::Reduction::Kind::Argmax) << 1.0f << 0.0f
            << 0.0f;
        QTest::newRow("top-k 1") << 0.8f << 1 << 1.0f << 0.0f << int(Sampler::Reduction::Kind::TopK)
                                 << 1.0f << 0.0f << 0.0f;
        QTest::newRow("top-k 40") << 0.7f << 40 << 1.0f << 0.0f
                                  << int(Sampler::Reduction::Kind::TopK) << 1.0f << 0.0f << 0.0f;
        QTest::newRow("top-k 1000 top-p")
            << 1.3f << 1000 << 0.9f << 0.02f << int(Sampler::Reduction::Kind::TopK) << 1.0f << 0.0f
            << 0.0f;
        QTest::newRow("r1 default")
            << 0.6f << 0 << 0.95f << 0.0f << int(Sampler::Reduction::Kind::Nucleus) << 1.0f << 0.0f
            << 0.0f;
        QTest::newRow("nucleus 0.5")
            << 1.0f << 0 << 0.5f << 0.0f << int(Sampler::Reduction::Kind::Nucleus) << 1.0f << 0.0f
            << 0.0f;
        QTest::newRow("min-p only")
            << 1.0f << 0 << 1.0f << 0.05f << int(Sampler::Reduction::Kind::Nucleus) << 1.0f << 0.0f
            << 0.0f;
        QTest::newRow("top-p and min-p")
            << 0.4f << 0 << 0.9f << 0.1f << int(Sampler::Reduction::Kind::Nucleus) << 1.0f << 0.0f
            << 0.0f;
        QTest::newRow("top-p 0") << 1.0f << 0 << 0.0f << 0.0f
                                 << int(Sampler::Reduction::Kind::Nucleus) << 1.0f << 0.0f << 0.0f;
        QTest::newRow("greedy, repetition")
            << 0.0f << 0 << 1.0f << 0.0f << int(Sampler::Reduction::Kind::Argmax) << 1.5f << 0.0f
            << 0.0f;
        QTest::newRow("top-k, all penalties")
            << 0.9f << 20 << 1.0f << 0.0f << int(Sampler::Reduction::Kind::TopK) << 1.2f << 0.4f
            << 0.3f;
        QTest::newRow("r1 default, presence and frequency")
            << 0.6f << 0 << 0.95f << 0.0f << int(Sampler::Reduction::Kind::Nucleus) << 1.0f << 0.7f
            << 0.25f;
        QTest::newRow("min-p, repetition below 1")
            << 1.0f << 0 << 1.0f << 0.05f << int(Sampler::Reduction::Kind::Nucleus) << 0.8f << 0.0f
            << 0.0f;
    }
    void reducedMatchesFullRow() {
        QFETCH(float, temperature);
        QFETCH(int, topK);
        QFETCH(float, topP);
        QFETCH(float, minP);
        QFETCH(int, kind);
        QFETCH(float, repetition);
        QFETCH(float, presence);
        QFETCH(float, frequency);
        std::mt19937 rng(20261129u + unsigned(topK));
        for (const int32_t n : {1, 2, 17, 1000, 50'000, 151'936}) {
            SamplerParams p;
            p.temperature = temperature;
            p.top_k = topK;
            p.top_p = topP;
            p.min_p = minP;
            p.seed = rng();
            p.repetition_penalty = repetition;
            p.presence_penalty = presence;
            p.frequency_penalty = frequency;
            p.penalty_last_n = 16; // the window fills and turns over within the steps
            auto full = Sampler::create(p, n);
            auto reduced = Sampler::create(p, n);
            QVERIFY(full && reduced);
            const int steps = n > 10'000 ? 4 : 40;
            for (int step = 0; step < steps; ++step) {
                const std::vector<float> row = random_row(rng, n, step % 4);
                const auto how = reduced->reduction();
                // top-k >= n_vocab is the nucleus path, as in sample(); with top-p 1 and min-p 0
                // it keeps every token and needs the whole row.
                const bool k_applies = topK > 0 && topK < n;
                const bool whole_row =
                    temperature > 0.0f && !k_applies && topP >= 1.0f && minP <= 0.0f;
                QCOMPARE(how.has_value(), !whole_row);
                if (whole_row) {
                    full->accept(full->sample(row));
                    reduced->accept(reduced->sample(row));
                    continue;
                }
                QCOMPARE(int(how->kind), kind == int(Sampler::Reduction::Kind::TopK) && !k_applies
                                             ? int(Sampler::Reduction::Kind::Nucleus)
                                             : kind);
                const TokenId want = full->sample(row);
                const TokenId got = reduced->sample_reduced(reduce(row, *how, rng));
                const QByteArray where =
                    QByteArray("n ") + QByteArray::number(n) + " step " + QByteArray::number(step);
                QVERIFY2(want >= 0, where.constData());
                QVERIFY2(got == want, (where + " got " + QByteArray::number(got) + " want " +
                                       QByteArray::number(want))
                                          .constData());
                QVERIFY2(same(reduced->last_candidates(), full->last_candidates()),
                         where.constData());
                full->accept(want);
                reduced->accept(got);
            }
        }
    }

    // Penalties travel with the reduction as the window's distinct ids and counts; top-p 1 with
    // min-p 0 (every token stays) needs the whole row. A reduction that cannot be one is refused
    // with -1, and the random stream is left alone, so the caller's fallback to sample() gives the
    // same tokens.
    void wholeRowCases() {
        SamplerParams p;
        p.repetition_penalty = 1.2f;
        auto s = Sampler::create(p, 100);
        QVERIFY(s);
        QVERIFY(s->reduction().has_value()); // no history yet
        QVERIFY(s->reduction()->penalty_ids.empty());
        for (TokenId id : {3, 99, 3, 250, -1, 7, 3}) s->accept(id); // 250, -1: not in the vocab
        const auto how = s->reduction();
        QVERIFY(how.has_value());
        QCOMPARE(how->penalty_ids, (std::vector<TokenId>{3, 7, 99}));
        QCOMPARE(how->penalty_counts, (std::vector<float>{3.0f, 1.0f, 1.0f}));
        QCOMPARE(how->repetition, 1.2f);

        SamplerParams all;
        all.top_p = 1.0f;
        QVERIFY(!Sampler::create(all, 100)->reduction().has_value());
        all.min_p = 0.01f;
        QVERIFY(Sampler::create(all, 100)->reduction().has_value());

        p = SamplerParams::r1_default();
        p.seed = 7;
        auto a = Sampler::create(p, 5);
        auto b = Sampler::create(p, 5);
        const std::vector<float> row = {1.0f, 2.0f, 0.5f, -1.0f, 3.0f};
        Sampler::Reduced bad; // nothing finite / no candidates
        bad.max_logit = -kInf;
        QCOMPARE(b->sample_reduced(bad), TokenId(-1));
        bad.max_logit = 3.0f / 0.6f;
        bad.total = 1.5;
        QCOMPARE(b->sample_reduced(bad), TokenId(-1)); // empty superset
        bad.candidates = {{7, 1.0f, 0.0f}};            // outside the vocabulary
        QCOMPARE(b->sample_reduced(bad), TokenId(-1));
        for (int i = 0; i < 20; ++i) QCOMPARE(b->sample(row), a->sample(row));

        SamplerParams k = SamplerParams::r1_default();
        k.top_k = 3;
        auto c = Sampler::create(k, 5);
        Sampler::Reduced two; // top-k needs exactly k candidates
        two.candidates = {{4, 5.0f, 0.0f}, {1, 3.3f, 0.0f}};
        QCOMPARE(c->sample_reduced(two), TokenId(-1));
    }
};

QTEST_GUILESS_MAIN(TestSamplerReduced)
#include "tst_sampler_reduced.moc"
