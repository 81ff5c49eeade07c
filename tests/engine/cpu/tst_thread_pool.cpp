// ThreadPool: every index runs exactly once per region, regions run back to back, nested regions
// run inline, concurrent callers are serialised, idle (sleeping) workers wake up, destruction
// joins cleanly, scratch memory is aligned and reused.
#include "backends/cpu/thread_pool.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

using rwb::cpu::ThreadPool;

class TstThreadPool : public QObject {
    Q_OBJECT
private slots:
    void physicalCoresIsSane() {
        const int cores = ThreadPool::physical_cores();
        QVERIFY(cores >= 1);
        const unsigned hw = std::thread::hardware_concurrency();
        if (hw > 0) QVERIFY(cores <= int(hw));
        ThreadPool pool;
        QCOMPARE(pool.size(), cores);
    }

    void everyIndexRunsExactlyOnce() {
        for (int n = 1; n <= 5; ++n) {
            ThreadPool pool(n);
            QCOMPARE(pool.size(), n);
            for (int round = 0; round < 200; ++round) {
                std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                std::atomic<int> bad_nth{0};
                pool.run([&](int ith, int nth) {
                    if (nth != n || ith < 0 || ith >= n) {
                        bad_nth.fetch_add(1);
                        return;
                    }
                    hits[size_t(ith)].fetch_add(1);
                });
                QCOMPARE(bad_nth.load(), 0);
                for (int i = 0; i < n; ++i) QCOMPARE(hits[size_t(i)].load(), 1);
            }
        }
    }

    void runAfterRunSeesPreviousResults() {
        // Each region reads what the previous one wrote: run() must be a full barrier.
        ThreadPool pool(3);
        std::vector<int64_t> data(3 * 64, 0);
        for (int round = 1; round <= 2000; ++round) {
            pool.run([&](int ith, int nth) {
                const int next = (ith + 1) % nth;
                // read a neighbour's slot from the previous round, then write our own
                const int64_t seen = data[size_t(next) * 64];
                data[size_t(ith) * 64 + 1] = seen;
            });
            pool.run([&](int ith, int) { data[size_t(ith) * 64] = round; });
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(data[size_t(i) * 64], int64_t(round));
                QCOMPARE(data[size_t(i) * 64 + 1], int64_t(round - 1));
            }
        }
    }

    void nestedRunExecutesInline() {
        ThreadPool pool(2);
        std::atomic<int> inner_calls{0};
        std::atomic<int> bad{0};
        pool.run([&](int, int) {
            pool.run([&](int ith, int nth) {
                if (ith != 0 || nth != 1) bad.fetch_add(1);
                inner_calls.fetch_add(1);
            });
        });
        QCOMPARE(bad.load(), 0);
        QCOMPARE(inner_calls.load(), 2);
    }

    void anotherPoolInsideARegion() {
        ThreadPool outer(2);
        std::atomic<int> total{0};
        outer.run([&](int, int) {
            ThreadPool inner(2);
            inner.run([&](int, int nth) { total.fetch_add(nth); });
        });
        QCOMPARE(total.load(), 8); // 2 outer threads x 2 inner threads x nth 2
    }

    void sleepingWorkersWakeUp() {
        ThreadPool pool(2);
        for (int round = 0; round < 3; ++round) {
            // long enough for the workers to stop spinning and block on the futex
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            std::atomic<int> count{0};
            pool.run([&](int, int) { count.fetch_add(1); });
            QCOMPARE(count.load(), 2);
        }
    }

    void concurrentCallersAreSerialised() {
        ThreadPool pool(2);
        std::atomic<int> inside{0};
        std::atomic<int> overlap{0};
        std::atomic<int64_t> total{0};
        auto caller = [&] {
            for (int i = 0; i < 300; ++i) {
                pool.run([&](int, int nth) {
                    if (inside.fetch_add(1) >= nth) overlap.fetch_add(1);
                    total.fetch_add(1);
                    inside.fetch_sub(1);
                });
            }
        };
        std::thread a(caller), b(caller);
        a.join();
        b.join();
        QCOMPARE(overlap.load(), 0);
        QCOMPARE(total.load(), int64_t(2 * 300 * 2));
    }

    void destructionJoinsIdleAndBusyPools() {
        for (int i = 0; i < 50; ++i) {
            ThreadPool never_used(3);
        }
        for (int i = 0; i < 50; ++i) {
            ThreadPool pool(2);
            std::atomic<int> c{0};
            pool.run([&](int, int) { c.fetch_add(1); });
            QCOMPARE(c.load(), 2);
        }
        ThreadPool sleepy(2);
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }

    void scratchIsAlignedAndReused() {
        ThreadPool pool(1);
        auto* a = static_cast<uint8_t*>(pool.scratch(1000));
        QCOMPARE(reinterpret_cast<uintptr_t>(a) % 64, uintptr_t(0));
        a[999] = 7;
        QCOMPARE(pool.scratch(500), static_cast<void*>(a)); // no reallocation when it fits
        auto* b = static_cast<uint8_t*>(pool.scratch(100000));
        QCOMPARE(reinterpret_cast<uintptr_t>(b) % 64, uintptr_t(0));
        b[99999] = 1;
        QCOMPARE(pool.scratch(100000), static_cast<void*>(b));
    }
};

QTEST_APPLESS_MAIN(TstThreadPool)
#include "tst_thread_pool.moc"
