// ThreadPool implementation: a generation counter announces each region; workers spin on it for a
// short while, then sleep in std::atomic::wait (a futex on Linux). Wake-ups and the completion
// signal only make system calls when someone actually sleeps (Dekker-style counters, seq_cst).
#include "backends/cpu/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RWB_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define RWB_CPU_RELAX() asm volatile("yield")
#else
#define RWB_CPU_RELAX() ((void)0)
#endif

#if defined(__linux__)
#include <sched.h>
#endif

namespace rwb::cpu {

namespace {
// Waiting goes through three stages: pause instructions (~20-50 us: bridges the gaps between the
// matrix products of one decode step), then yielding the core (when other processes compete for
// it, the thread we wait for may need it), then sleeping on the futex.
constexpr int kSpinIterations = 1 << 11;
constexpr int kYieldIterations = 200;

// Calls `done()` until it returns true, spinning, then yielding; false if it never did.
template <typename Done>
bool spin_then_yield(Done done) {
    for (int i = 0; i < kSpinIterations; ++i) {
        if (done()) return true;
        RWB_CPU_RELAX();
    }
    for (int i = 0; i < kYieldIterations; ++i) {
        if (done()) return true;
        std::this_thread::yield();
    }
    return done();
}
thread_local const void* t_current_pool = nullptr;
} // namespace

struct ThreadPool::Impl {
    int n = 1;
    std::vector<std::thread> workers;
    const std::function<void(int, int)>* fn = nullptr;
    std::mutex run_mutex;

    alignas(64) std::atomic<uint32_t> generation{0};
    alignas(64) std::atomic<int> sleeping_workers{0};
    alignas(64) std::atomic<int> pending{0};
    alignas(64) std::atomic<int> caller_sleeping{0};
    std::atomic<bool> stop{false};

    void* scratch = nullptr;
    size_t scratch_bytes = 0;

    void worker_loop(int ith, const void* owner) {
        t_current_pool = owner;
        uint32_t seen = 0;
        for (;;) {
            uint32_t g = seen;
            spin_then_yield(
                [&] { return (g = generation.load(std::memory_order_acquire)) != seen; });
            while (g == seen) {
                sleeping_workers.fetch_add(1, std::memory_order_seq_cst);
                generation.wait(seen, std::memory_order_seq_cst);
                sleeping_workers.fetch_sub(1, std::memory_order_seq_cst);
                g = generation.load(std::memory_order_acquire);
            }
            seen = g;
            if (stop.load(std::memory_order_acquire)) return;
            (*fn)(ith, n);
            if (pending.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
                caller_sleeping.load(std::memory_order_seq_cst))
                pending.notify_one();
        }
    }

    void announce() {
        generation.fetch_add(1, std::memory_order_seq_cst);
        if (sleeping_workers.load(std::memory_order_seq_cst) > 0) generation.notify_all();
    }

    void wait_for_workers() {
        int left = 1;
        spin_then_yield([&] { return (left = pending.load(std::memory_order_acquire)) == 0; });
        while (left != 0) {
            caller_sleeping.store(1, std::memory_order_seq_cst);
            left = pending.load(std::memory_order_seq_cst);
            if (left != 0) pending.wait(left, std::memory_order_seq_cst);
            caller_sleeping.store(0, std::memory_order_seq_cst);
            left = pending.load(std::memory_order_acquire);
        }
    }
};

ThreadPool::ThreadPool(int n_threads) : impl_(new Impl) {
    impl_->n = n_threads > 0 ? n_threads : physical_cores();
    impl_->workers.reserve(size_t(impl_->n - 1));
    for (int i = 1; i < impl_->n; ++i)
        impl_->workers.emplace_back([this, i] { impl_->worker_loop(i, this); });
}

ThreadPool::~ThreadPool() {
    impl_->stop.store(true, std::memory_order_release);
    impl_->announce();
    impl_->generation.notify_all();
    for (auto& t : impl_->workers) t.join();
    ::operator delete(impl_->scratch, std::align_val_t(64));
    delete impl_;
}

int ThreadPool::size() const {
    return impl_->n;
}

void ThreadPool::run(const std::function<void(int, int)>& fn) {
    if (impl_->n == 1 || t_current_pool == this) { // single thread, or nested in our own region
        fn(0, 1);
        return;
    }
    std::lock_guard lock(impl_->run_mutex);
    const void* outer = t_current_pool;
    t_current_pool = this;
    impl_->fn = &fn;
    impl_->pending.store(impl_->n - 1, std::memory_order_relaxed);
    impl_->announce();
    fn(0, impl_->n);
    impl_->wait_for_workers();
    t_current_pool = outer;
}

size_t ThreadPool::scratch_bytes() const {
    return impl_->scratch_bytes;
}

void* ThreadPool::scratch(size_t bytes) {
    if (bytes > impl_->scratch_bytes) {
        ::operator delete(impl_->scratch, std::align_val_t(64));
        impl_->scratch = nullptr;
        impl_->scratch_bytes = 0;
        const size_t grown = std::max(bytes, impl_->scratch_bytes + impl_->scratch_bytes / 2);
        impl_->scratch = ::operator new(grown, std::align_val_t(64));
        impl_->scratch_bytes = grown;
    }
    return impl_->scratch;
}

int ThreadPool::physical_cores() {
    static const int cores = [] {
        // Distinct (package, core) pairs among the CPUs this process may run on: SMT siblings
        // share one core and would only fight over its vector units.
        std::set<std::pair<int, int>> seen;
        int usable = 0;
#if defined(__linux__)
        cpu_set_t mask;
        CPU_ZERO(&mask);
        const bool have_mask = sched_getaffinity(0, sizeof mask, &mask) == 0;
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
            if (have_mask && !CPU_ISSET(cpu, &mask)) continue;
            const std::string base =
                "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
            std::ifstream core_file(base + "core_id");
            std::ifstream package_file(base + "physical_package_id");
            int core = -1, package = -1;
            if (!(core_file >> core)) {
                if (!have_mask) break;
                continue;
            }
            if (!(package_file >> package)) package = 0;
            seen.insert({package, core});
            ++usable;
        }
#endif
        if (!seen.empty()) return int(seen.size());
        const unsigned hw = std::thread::hardware_concurrency();
        return usable > 0 ? usable : (hw > 0 ? int(hw) : 1);
    }();
    return cores;
}

} // namespace rwb::cpu
