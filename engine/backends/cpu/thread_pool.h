// ThreadPool: a fixed set of worker threads (default: the machine's physical cores) that run
// one parallel region at a time; the calling thread takes part as worker 0.
// Workers spin briefly between regions (a decode step dispatches hundreds of regions per token)
// and then sleep on a futex, so an idle pool costs no CPU.
#pragma once

#include <cstddef>
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
    // A run() issued from inside a region of the same pool runs fn(0, 1) on the calling thread.
    // Calls from several threads on one pool are serialised.
    void run(const std::function<void(int ith, int nth)>& fn);

    // A 64-byte aligned buffer of at least `bytes` bytes owned by the pool (kernels keep their
    // quantized activations here). It only grows, so steady-state calls allocate nothing.
    // Valid until the next scratch() call; callers must not use it from two regions at once.
    void* scratch(size_t bytes);
    // Bytes the scratch buffer holds now (for memory accounting; call from the pool's owner).
    size_t scratch_bytes() const;

    static int physical_cores();

private:
    struct Impl;
    Impl* impl_;
};

} // namespace rwb::cpu
