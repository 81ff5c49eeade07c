// ThreadPool: a fixed set of worker threads (default: the machine's physical cores) that run
// one parallel region at a time; the calling thread takes part as worker 0.
#pragma once

#include <cstdint>
#include <functional>

namespace rwb::cpu {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads = 0); // 0: physical cores
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const;
    // Runs fn(thread_index, n_threads) on every thread and returns when all are done.
    void run(const std::function<void(int ith, int nth)>& fn);

    static int physical_cores();

private:
    struct Impl;
    Impl* impl_;
};

} // namespace rwb::cpu
