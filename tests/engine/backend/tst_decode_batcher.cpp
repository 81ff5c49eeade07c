// DecodeBatcher (the CUDA backend's gathering of decode steps across sessions) on the CPU, with a
// real step function: each row's output is computed from its input and position, and every step
// is recorded. Several std::threads decode at once as sessions of one model do. Checks: concurrent
// callers share steps and each gets its own output; a lone caller and a caller whose peer stopped
// do not wait for the deadline; a row whose step fails ("session i of N: ...") fails alone and the
// others run again without it; cancellation leaves the queue; destroying the batcher with callers
// waiting gives each of them one answer. Timing bounds are loose sanity bounds only.
#include "backends/cuda_host/decode_batcher.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using rwb::Status;
using rwb::cuda_host::DecodeBatcher;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// out = 3 * x + pos for every row, one recorded entry (the peers) per step. Rows of peers in
// `failing` fail the step at odd positions, naming that row, as the CUDA module does (a session
// that failed is not waited for; its next, even step makes it active again).
struct Recorder {
    std::mutex mu;
    std::vector<std::vector<uint64_t>> steps;
    std::vector<bool> step_failed;
    std::set<uint64_t> failing;
    std::chrono::microseconds work{200}; // the step's own time, as a GPU step takes some

    Status run(std::span<const DecodeBatcher::Row> rows) {
        std::this_thread::sleep_for(work);
        std::lock_guard lk(mu);
        std::vector<uint64_t> peers;
        for (const auto& r : rows) peers.push_back(r.peer);
        steps.push_back(peers);
        for (size_t i = 0; i < rows.size(); ++i)
            if (failing.count(rows[i].peer) && rows[i].pos % 2 == 1) {
                step_failed.push_back(true);
                return Status::error("session " + std::to_string(i + 1) + " of " +
                                     std::to_string(rows.size()) + ": out of GPU memory: test");
            }
        step_failed.push_back(false);
        for (const auto& r : rows) r.out[0] = 3.0f * r.x[0] + float(r.pos);
        return Status::ok();
    }
    DecodeBatcher::Step step() {
        return [this](std::span<const DecodeBatcher::Row> rows) { return run(rows); };
    }
};

DecodeBatcher::Options opts(std::chrono::microseconds wait, std::chrono::milliseconds active) {
    DecodeBatcher::Options o;
    o.wait = wait;
    o.active = active;
    return o;
}

// One session's decode loop: `steps` rows, the output checked for each.
struct Worker {
    uint64_t peer = 0;
    int ok = 0, wrong = 0;
    std::vector<std::string> errors;
    void loop(DecodeBatcher& b, int steps, float base) {
        for (int i = 0; i < steps; ++i) {
            const float x = base + float(i);
            float out = -1.0f;
            const Status st = b.decode(DecodeBatcher::Row{peer, &x, i, &out, nullptr}, nullptr);
            if (!st)
                errors.push_back(st.message());
            else if (out == 3.0f * x + float(i))
                ++ok;
            else
                ++wrong;
            std::this_thread::sleep_for(50us); // sampling between steps
        }
    }
};

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

} // namespace

class TstDecodeBatcher : public QObject {
    Q_OBJECT
private slots:
    void concurrentCallersShareSteps() {
        Recorder rec;
        // A generous deadline: on a busy 2-core machine threads may be descheduled for a while.
        DecodeBatcher b(rec.step(), opts(20ms, 500ms));
        constexpr int kThreads = 3, kSteps = 60;
        std::vector<Worker> w(kThreads);
        for (auto& x : w) x.peer = b.join();
        std::vector<std::thread> t;
        for (int i = 0; i < kThreads; ++i)
            t.emplace_back([&, i] { w[size_t(i)].loop(b, kSteps, 1000.0f * float(i + 1)); });
        for (auto& x : t) x.join();
        for (const auto& x : w) {
            QVERIFY2(x.errors.empty(), x.errors.empty() ? "" : x.errors[0].c_str());
            QCOMPARE(x.wrong, 0);
            QCOMPARE(x.ok, kSteps);
        }
        const auto s = b.stats();
        QVERIFY2(s.batched_steps > 0, "no step ran more than one row");
        QVERIFY(s.max_rows_seen > 1 && s.max_rows_seen <= kThreads);
        QCOMPARE(s.rows, uint64_t(kThreads * kSteps));
        QVERIFY(s.steps < uint64_t(kThreads * kSteps));
        for (const auto& step : rec.steps) // a session is at most once in a step
            QCOMPARE(std::set<uint64_t>(step.begin(), step.end()).size(), step.size());
        qInfo("%llu steps for %llu rows, %llu batched, largest %d",
              static_cast<unsigned long long>(s.steps), static_cast<unsigned long long>(s.rows),
              static_cast<unsigned long long>(s.batched_steps), s.max_rows_seen);
    }

    void moreCallersThanRowsRunAsSeveralSteps() {
        Recorder rec;
        DecodeBatcher::Options o = opts(20ms, 500ms);
        o.max_rows = 2;
        DecodeBatcher b(rec.step(), o);
        std::vector<Worker> w(5);
        for (auto& x : w) x.peer = b.join();
        std::vector<std::thread> t;
        for (size_t i = 0; i < w.size(); ++i)
            t.emplace_back([&, i] { w[i].loop(b, 20, float(i)); });
        for (auto& x : t) x.join();
        for (const auto& x : w) QCOMPARE(x.ok, 20);
        QVERIFY(b.stats().max_rows_seen <= 2);
        QVERIFY(b.stats().batched_steps > 0);
    }

    void loneCallerDoesNotWait() {
        Recorder rec;
        rec.work = 0us;
        DecodeBatcher b(rec.step(), opts(2s, 50ms)); // a deadline no lone step may meet
        Worker a;
        a.peer = b.join();
        const uint64_t never = b.join(); // joined, never decodes: not active
        (void)never;
        const auto t0 = Clock::now();
        a.loop(b, 20, 1.0f);
        QCOMPARE(a.ok, 20);
        QVERIFY2(ms_since(t0) < 1000.0, "a lone session waited for the deadline");
        QCOMPARE(b.stats().batched_steps, uint64_t(0));
    }

    void stoppedPeerIsNotWaitedFor() {
        Recorder rec;
        rec.work = 0us;
        DecodeBatcher b(rec.step(), opts(2s, 50ms));
        Worker a, c;
        a.peer = b.join();
        c.peer = b.join();
        std::this_thread::sleep_for(120ms);
        c.loop(b, 1, 5.0f);                 // c decodes once and stops
        std::this_thread::sleep_for(120ms); // past the active window
        const auto t0 = Clock::now();
        a.loop(b, 5, 1.0f);
        QCOMPARE(a.ok, 5);
        QVERIFY2(ms_since(t0) < 1000.0, "a session waited for a peer that stopped decoding");
        // A peer that left is not waited for either, recent or not (a is past its window first,
        // so c's own step does not wait for a).
        std::this_thread::sleep_for(120ms);
        c.loop(b, 1, 5.0f);
        b.leave(c.peer);
        const auto t1 = Clock::now();
        a.loop(b, 5, 1.0f);
        QVERIFY2(ms_since(t1) < 1000.0, "a session waited for a peer that left");
        // A prefill (idle) is not waited for.
        c.peer = b.join();
        std::this_thread::sleep_for(120ms);
        c.loop(b, 1, 5.0f);
        b.idle(c.peer);
        const auto t2 = Clock::now();
        a.loop(b, 5, 1.0f);
        QVERIFY2(ms_since(t2) < 1000.0, "a session waited for a peer in a prefill");
        QCOMPARE(a.ok, 15);
    }

    // A peer that was active but does not come costs one deadline, not one per step.
    void missingPeerCostsOneDeadline() {
        Recorder rec;
        rec.work = 0us;
        DecodeBatcher b(rec.step(), opts(300ms, 60s));
        Worker a;
        a.peer = b.join();
        const uint64_t gone = b.join();
        b.touch(gone); // decoded a moment ago, never again
        const auto t0 = Clock::now();
        a.loop(b, 5, 1.0f);
        const double ms = ms_since(t0);
        QCOMPARE(a.ok, 5);
        QVERIFY2(ms >= 250.0, "the first step did not wait for the active peer");
        QVERIFY2(ms < 1000.0, "every step waited for a peer that did not come");
        QVERIFY(!b.has_active_peers(a.peer));
    }

    void failingRowFailsAlone() {
        Recorder rec;
        DecodeBatcher b(rec.step(), opts(20ms, 500ms));
        std::vector<Worker> w(3);
        for (auto& x : w) x.peer = b.join();
        rec.failing.insert(w[1].peer);
        std::vector<std::thread> t;
        for (size_t i = 0; i < w.size(); ++i)
            t.emplace_back([&, i] { w[i].loop(b, 30, float(i)); });
        for (auto& x : t) x.join();
        QCOMPARE(w[0].ok, 30);
        QCOMPARE(w[2].ok, 30);
        QVERIFY(w[0].errors.empty() && w[2].errors.empty());
        QCOMPARE(w[1].ok, 15); // its even steps
        QCOMPARE(w[1].wrong, 0);
        QCOMPARE(int(w[1].errors.size()), 15);
        for (const auto& e : w[1].errors)
            QCOMPARE(QString::fromStdString(e), "out of GPU memory: test");
        // Some failing step held other rows, which then ran again without the failing one.
        bool shared_failure = false;
        for (size_t i = 0; i < rec.steps.size(); ++i)
            shared_failure = shared_failure || (rec.step_failed[i] && rec.steps[i].size() > 1);
        QVERIFY2(shared_failure, "no failing step was shared (nothing retried)");
    }

    void otherErrorsFailEveryRow() {
        DecodeBatcher b(
            [](std::span<const DecodeBatcher::Row>) { return Status::error("GPU: boom"); },
            opts(20ms, 500ms));
        Worker a, c;
        a.peer = b.join();
        c.peer = b.join();
        std::thread ta([&] { a.loop(b, 5, 0.0f); });
        std::thread tc([&] { c.loop(b, 5, 0.0f); });
        ta.join();
        tc.join();
        QCOMPARE(int(a.errors.size()), 5);
        QCOMPARE(int(c.errors.size()), 5);
        QCOMPARE(QString::fromStdString(a.errors[0]), "GPU: boom");
    }

    void throwingStepAnswersAndReleases() {
        std::atomic<int> calls{0};
        DecodeBatcher b(
            [&](std::span<const DecodeBatcher::Row> rows) {
                if (calls.fetch_add(1) == 0) throw std::runtime_error("boom");
                for (const auto& r : rows) r.out[0] = 3.0f * r.x[0] + float(r.pos);
                return Status::ok();
            },
            opts(20ms, 500ms));
        Worker a;
        a.peer = b.join();
        a.loop(b, 3, 2.0f);
        QCOMPARE(int(a.errors.size()), 1);
        QCOMPARE(QString::fromStdString(a.errors[0]), "decode step failed: boom");
        QCOMPARE(a.ok, 2); // the lead was given back
    }

    void disabledRunsEveryRowAlone() {
        Recorder rec;
        DecodeBatcher b(rec.step(), opts(0us, 500ms));
        QVERIFY(!b.enabled());
        std::vector<Worker> w(3);
        for (auto& x : w) x.peer = b.join();
        std::vector<std::thread> t;
        for (size_t i = 0; i < w.size(); ++i)
            t.emplace_back([&, i] { w[i].loop(b, 10, float(i)); });
        for (auto& x : t) x.join();
        for (const auto& x : w) QCOMPARE(x.ok, 10);
        QCOMPARE(b.stats().batched_steps, uint64_t(0));
    }

    // A leader gathering for an active peer, and a follower queued behind a running step, both
    // leave with "cancelled" when their flag is set.
    void cancelLeavesTheQueue() {
        // The step blocks until released, so a second caller stays queued behind it.
        std::mutex mu;
        std::condition_variable cv;
        bool release = false, in_step = false;
        DecodeBatcher b(
            [&](std::span<const DecodeBatcher::Row> rows) {
                std::unique_lock lk(mu);
                in_step = true;
                cv.notify_all();
                cv.wait(lk, [&] { return release; });
                for (const auto& r : rows) r.out[0] = r.x[0];
                return Status::ok();
            },
            opts(10s, 60s));
        const uint64_t a = b.join(), c = b.join(), d = b.join();
        // Leader: c decoded recently, so a waits for it (up to 10 s) until cancelled.
        b.touch(c);
        std::atomic<bool> cancel_a{false};
        Status sa = Status::ok();
        const float x = 1.0f;
        float out = 0.0f;
        const auto t0 = Clock::now();
        std::thread ta([&] {
            sa = b.decode(DecodeBatcher::Row{a, &x, 0, &out, nullptr}, &cancel_a);
        });
        std::this_thread::sleep_for(50ms);
        cancel_a = true;
        ta.join();
        QCOMPARE(QString::fromStdString(sa.message()), "cancelled");
        QVERIFY2(ms_since(t0) < 5000.0, "a cancelled leader did not leave promptly");

        // Follower: d's step runs (blocked); c queues behind it and is cancelled.
        b.idle(c);
        Status sd = Status::ok(), sc = Status::ok();
        float out_d = 0.0f, out_c = 0.0f;
        const float xd = 4.0f, xc = 5.0f;
        std::thread td([&] {
            sd = b.decode(DecodeBatcher::Row{d, &xd, 0, &out_d, nullptr}, nullptr);
        });
        {
            std::unique_lock lk(mu);
            cv.wait(lk, [&] { return in_step; });
        }
        std::atomic<bool> cancel_c{false};
        const auto t1 = Clock::now();
        std::thread tc([&] {
            sc = b.decode(DecodeBatcher::Row{c, &xc, 0, &out_c, nullptr}, &cancel_c);
        });
        std::this_thread::sleep_for(30ms);
        cancel_c = true;
        tc.join();
        QCOMPARE(QString::fromStdString(sc.message()), "cancelled");
        QVERIFY2(ms_since(t1) < 5000.0, "a cancelled follower did not leave promptly");
        {
            std::lock_guard lk(mu);
            release = true;
        }
        cv.notify_all();
        td.join();
        QVERIFY(bool(sd));
        QCOMPARE(out_d, 4.0f);
        QCOMPARE(out_c, 0.0f); // never ran
    }

    // Destroying the batcher while callers wait (a leader for an active peer, a follower behind
    // it): each gets one answer and the destructor returns.
    void destructionWithCallersPending() {
        Recorder rec;
        auto b = std::make_unique<DecodeBatcher>(rec.step(), opts(10s, 60s));
        const uint64_t a = b->join(), c = b->join(), absent = b->join();
        b->touch(absent); // active, never comes: a leader would wait 10 s for it
        Status sa = Status::ok(), sc = Status::ok();
        const float x = 1.0f;
        float oa = 0.0f, oc = 0.0f;
        std::thread ta([&] {
            sa = b->decode(DecodeBatcher::Row{a, &x, 0, &oa, nullptr}, nullptr);
        });
        std::thread tc([&] {
            sc = b->decode(DecodeBatcher::Row{c, &x, 0, &oc, nullptr}, nullptr);
        });
        while (b->queued() < 2) std::this_thread::sleep_for(1ms); // both inside
        const auto t0 = Clock::now();
        DecodeBatcher* raw = b.get();
        std::thread killer([&] { delete raw; });
        ta.join();
        tc.join();
        killer.join();
        (void)b.release();
        QVERIFY2(ms_since(t0) < 5000.0, "destruction waited for the deadline");
        QCOMPARE(QString::fromStdString(sa.message()), "the model is being unloaded");
        QCOMPARE(QString::fromStdString(sc.message()), "the model is being unloaded");
        QVERIFY(rec.steps.empty());
    }
};

QTEST_GUILESS_MAIN(TstDecodeBatcher)
#include "tst_decode_batcher.moc"
