// Session behaviour on llama.cpp's tiny reference models: prefix reuse, batched vs token-by-token
// prefill, cancel from another thread, two sessions on one model at once, context limits, the
// batched append's errors and the thinking budget.
#include "reference_data.h"

#include "rwb/model.h"
#include "rwb/session.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace model_test;

namespace {

std::shared_ptr<const rwb::Model> load(const QString& name) {
    auto m = rwb::Model::load(model_path(name).toStdString());
    if (!m) qWarning("%s", m.message().c_str());
    return m ? *m : nullptr;
}

std::unique_ptr<rwb::Session> make_session(std::shared_ptr<const rwb::Model> m, int64_t n_ctx,
                                           int64_t n_batch = 64) {
    rwb::SessionOptions so;
    so.n_ctx = n_ctx;
    so.n_threads = 2;
    so.n_batch = n_batch;
    auto s = rwb::Session::create(std::move(m), so);
    if (!s) qWarning("%s", s.message().c_str());
    return s ? std::move(*s) : nullptr;
}

double max_abs_diff(std::span<const float> a, std::span<const float> b) {
    if (a.size() != b.size() || a.empty()) return 1e30;
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::abs(a[i] - b[i])));
    return d;
}

std::vector<int32_t> greedy_tokens(rwb::Session& s, const std::vector<int32_t>& prompt, int n) {
    rwb::GenerationParams gp;
    gp.sampler = rwb::SamplerParams::greedy();
    gp.max_tokens = n;
    gp.start_in_thought = false;
    std::vector<int32_t> out;
    auto st = s.generate(prompt, gp, [&](const rwb::GeneratedToken& g) {
        if (g.id >= 0) out.push_back(g.id);
        return true;
    });
    if (!st) qWarning("%s", st.message().c_str());
    return out;
}

} // namespace

class TestSession : public QObject {
    Q_OBJECT

private slots:
    void prefix_reuse_gives_fresh_prefill_logits() {
        auto m = load("qwen2-tiny-q8_0");
        QVERIFY(m);
        const auto seq = read_tokens("seq150");
        std::vector<int32_t> turn1(seq.begin(), seq.begin() + 100);
        std::vector<int32_t> turn2(seq.begin(), seq.begin() + 80);
        turn2.insert(turn2.end(), seq.begin() + 120, seq.end()); // diverges after 80 tokens

        auto a = make_session(m, 256);
        QVERIFY(a->prefill(turn1).is_ok());
        rwb::GenerationParams gp;
        gp.max_tokens = 0;
        auto st = a->generate(turn2, gp, {});
        QVERIFY2(st.is_ok(), st.message().c_str());
        QCOMPARE(st->reused_tokens, int64_t(80)); // earlier turn not evaluated again
        QCOMPARE(a->n_past(), int64_t(turn2.size()));

        auto b = make_session(m, 256);
        QVERIFY(b->prefill(turn2).is_ok());
        QVERIFY(max_abs_diff(a->logits(), b->logits()) < 1e-4);
        // Same tokens again: nothing changes.
        QVERIFY(a->prefill(turn2).is_ok());
        QVERIFY(max_abs_diff(a->logits(), b->logits()) < 1e-4);
    }

    void batched_prefill_equals_token_by_token() {
        auto m = load("llama-tiny-q4_k_m");
        QVERIFY(m);
        const auto seq = read_tokens("seq17");
        auto a = make_session(m, 64, 64);
        QVERIFY(a->prefill(seq).is_ok());
        auto b = make_session(m, 64, 64);
        for (int32_t id : seq) QVERIFY(b->append(std::span<const int32_t>(&id, 1)).is_ok());
        QCOMPARE(b->n_past(), int64_t(seq.size()));
        const double d = max_abs_diff(a->logits(), b->logits());
        QVERIFY2(d < 1e-4, qPrintable(QString::number(d)));
    }

    void cancel_from_another_thread_stops_within_a_token() {
        auto m = load("qwen2-tiny-f16");
        QVERIFY(m);
        auto s = make_session(m, 4096);
        std::atomic<int64_t> seen{0};
        std::atomic<int64_t> seen_at_cancel{-1};
        std::thread canceller([&] {
            while (seen.load() < 20) std::this_thread::yield();
            seen_at_cancel = seen.load();
            s->cancel();
        });
        rwb::GenerationParams gp;
        gp.sampler.seed = 7;
        gp.sampler.temperature = 1.0f;
        gp.max_tokens = 3000;
        auto st = s->generate(read_tokens("seq17"), gp, [&](const rwb::GeneratedToken& g) {
            if (g.id >= 0) ++seen;
            return true;
        });
        canceller.join();
        QVERIFY2(st.is_ok(), st.message().c_str());
        QCOMPARE(st->stop, rwb::StopReason::Cancelled);
        QVERIFY(seen.load() - seen_at_cancel.load() <= 1);
    }

    void two_sessions_at_once_match_alone() {
        auto m = load("llama-tiny-q8_0");
        QVERIFY(m);
        const auto p1 = read_tokens("seq17");
        std::vector<int32_t> p2(p1.rbegin(), p1.rend());
        auto alone1 = greedy_tokens(*make_session(m, 256), p1, 40);
        auto alone2 = greedy_tokens(*make_session(m, 256), p2, 40);
        QVERIFY(!alone1.empty());
        std::vector<int32_t> c1, c2;
        auto s1 = make_session(m, 256);
        auto s2 = make_session(m, 256);
        std::thread t1([&] { c1 = greedy_tokens(*s1, p1, 40); });
        std::thread t2([&] { c2 = greedy_tokens(*s2, p2, 40); });
        t1.join();
        t2.join();
        QCOMPARE(c1, alone1);
        QCOMPARE(c2, alone2);
    }

    void context_limits_are_errors() {
        auto m = load("qwen2-tiny-q4_0");
        QVERIFY(m);
        rwb::SessionOptions so;
        so.n_ctx = 40000; // the model allows 32768
        auto bad = rwb::Session::create(m, so);
        QVERIFY(!bad);
        QVERIFY(QString::fromStdString(bad.message()).contains("longer than the model allows"));

        auto s = make_session(m, 16);
        const auto seq = read_tokens("seq17");
        rwb::Status st = s->prefill(seq);
        QVERIFY(!st);
        QVERIFY(QString::fromStdString(st.message()).contains("longer than the context"));
        QCOMPARE(s->n_past(), int64_t(0));

        const std::vector<int32_t> bad_id = {5, 1024};
        QVERIFY(!s->prefill(bad_id));

        std::vector<int32_t> prompt(seq.begin(), seq.begin() + 10);
        rwb::GenerationParams gp;
        gp.sampler = rwb::SamplerParams::greedy();
        gp.start_in_thought = false;
        auto g = s->generate(prompt, gp, {});
        QVERIFY(g.is_ok());
        // Stops at the context end unless the model chose an end-of-generation token first.
        if (g->stop != rwb::StopReason::EndOfGeneration) {
            QCOMPARE(g->stop, rwb::StopReason::ContextFull);
            QCOMPARE(s->n_past(), int64_t(16));
        }
    }

    // On the CPU, append_batch appends each session in turn: a failure names the session; a full
    // context is caught before any session changes, a bad token only when its session's turn comes.
    void append_batch_names_the_failing_session() {
        auto m = load("llama-tiny-q8_0");
        QVERIFY(m);
        const auto seq = read_tokens("seq17");
        auto s1 = make_session(m, 64), s2 = make_session(m, 16);
        QVERIFY(s1 && s2);
        QVERIFY(s1->prefill(std::span<const int32_t>(seq.data(), 5)));
        QVERIFY(s2->prefill(std::span<const int32_t>(seq.data(), 16)));
        rwb::Session* both[] = {s1.get(), s2.get()};
        const int32_t next[] = {seq[5], seq[16]};
        rwb::Status st = rwb::Session::append_batch(both, next);
        QVERIFY(!st);
        QVERIFY2(QString::fromStdString(st.message()).startsWith("session 2 of 2: context is full"),
                 st.message().c_str());
        QCOMPARE(s1->n_past(), int64_t(5));

        s2->clear();
        const int32_t bad[] = {seq[5], 1024}; // the vocabulary is 0..1023
        st = rwb::Session::append_batch(both, bad);
        QVERIFY(!st);
        QVERIFY2(QString::fromStdString(st.message()).startsWith("session 2 of 2: token id 1024"),
                 st.message().c_str());
        QCOMPARE(s1->n_past(), int64_t(6));
        QCOMPARE(s2->n_past(), int64_t(0));
    }

    void thinking_budget_forces_close() {
        auto m = load("qwen2-tiny-f32");
        QVERIFY(m);
        auto s = make_session(m, 256);
        rwb::GenerationParams gp;
        gp.sampler = rwb::SamplerParams::greedy();
        gp.thinking_budget = 5;
        gp.think_close = 300; // the tiny vocabulary has no "</think>": any id plays its part
        gp.start_in_thought = true;
        gp.max_tokens = 12;
        std::vector<rwb::GeneratedToken> got;
        auto st = s->generate(read_tokens("seq17"), gp, [&](const rwb::GeneratedToken& g) {
            if (g.id >= 0) got.push_back(g);
            return true;
        });
        QVERIFY2(st.is_ok(), st.message().c_str());
        QVERIFY(got.size() >= 6);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(!got[size_t(i)].forced);
            QVERIFY(got[size_t(i)].thinking);
        }
        QVERIFY(got[5].forced);
        QCOMPARE(got[5].id, 300);
        QVERIFY(st->forced_think_close);
        for (size_t i = 6; i < got.size(); ++i) QVERIFY(!got[i].thinking);
        QCOMPARE(st->thinking_tokens, int64_t(6));
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
