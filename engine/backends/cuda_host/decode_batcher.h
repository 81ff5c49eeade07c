// Gathers the single-token decode steps of the sessions that share one model into one batched
// step, so the weights are read once per step for all of them (each session still has its own
// KV cache). One batcher per loaded model (CudaModel owns it); each executor joins as a peer.
//
// The first caller of a step becomes the leader: it waits until every *active* peer (another
// peer that decoded within the active window, default 50 ms, and has not left) has queued its
// row, or until the gathering deadline (default 1 ms), then runs the step for the queued rows
// (at most max_rows at once; more run as further steps) and hands each caller its result.
// Followers sleep on a condition variable. A lone session never waits: it has no active peer.
// A peer that misses a deadline is not waited for again until it next decodes.
// A step that fails naming "session i of N: why" fails only row i (with "why"); the others run
// again without it. The step itself is a function, so the gathering is tested on the CPU.
#pragma once

#include "rwb/status.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <vector>

namespace rwb::cuda_host {

class DecodeBatcher {
public:
    // One session's token for the step: its embedding, position and where its output goes.
    struct Row {
        uint64_t peer = 0;
        const float* x = nullptr;
        int64_t pos = 0;
        float* out = nullptr;
        void* user = nullptr; // the step's own (the CUDA executor's module session)
        // The step leaves this row's logits on the device (sampling there); out is unused.
        bool keep = false;
    };
    // Runs the rows as one step. An error "session i of N: ..." (1-based i into rows) means only
    // row i-1 failed and the step changed nothing; any other error fails every row.
    using Step = std::function<Status(std::span<const Row> rows)>;

    struct Options {
        std::chrono::microseconds wait{1000}; // gathering deadline; 0 turns batching off
        std::chrono::milliseconds active{50}; // a peer this recent is waited for
        int max_rows = 8;                     // rows per step (the module's kMaxMatvecRows)
    };
    struct Stats {
        uint64_t steps = 0;         // steps run
        uint64_t batched_steps = 0; // steps of more than one row
        uint64_t rows = 0;          // rows run (retries counted again)
        int max_rows_seen = 0;      // the largest step
    };

    DecodeBatcher(Step step, Options options);
    // Options from the environment: RWB_CUDA_BATCH_WAIT_US (microseconds, 0 = off).
    static Options options_from_env();
    // Callers still inside decode() get "the model is being unloaded" (a step already running
    // finishes first); returns once every caller has left.
    ~DecodeBatcher();
    DecodeBatcher(const DecodeBatcher&) = delete;
    DecodeBatcher& operator=(const DecodeBatcher&) = delete;

    bool enabled() const { return options_.wait.count() > 0; }
    // A peer id for an executor; leave() when it goes (it is no longer waited for).
    uint64_t join();
    void leave(uint64_t peer);
    // The peer is decoding outside the batcher (sampling on the device): others wait for it.
    void touch(uint64_t peer);
    // The peer is not decoding now (a prefill): others need not wait for it.
    void idle(uint64_t peer);
    // Whether any other peer is active (decoded within the window).
    bool has_active_peers(uint64_t peer) const;

    // Runs row (row.peer must have joined) in a step, with other peers' rows where they come in
    // time. "cancelled" when *cancel becomes true before its step starts.
    Status decode(const Row& row, const std::atomic<bool>* cancel);

    Stats stats() const;
    // Rows queued and not yet in a step (tests wait on it).
    size_t queued() const;

private:
    struct Pending {
        Row row;
        const std::atomic<bool>* cancel = nullptr;
        bool taken = false; // in a running step
        bool done = false;
        Status result = Status::ok();
    };
    struct PeerState {
        std::chrono::steady_clock::time_point last{}; // last decode (queued or finished)
        bool queued = false;
    };
    using Clock = std::chrono::steady_clock;

    bool active(const PeerState& p, Clock::time_point now) const;
    // Active peers without a queued row (lock held).
    int missing_peers(Clock::time_point now) const;
    // Leads one step: gathers, runs the batch unlocked, publishes. Lock held on entry and exit.
    void lead(std::unique_lock<std::mutex>& lk, Pending& self);
    void run_batch(std::vector<Pending*>& batch);
    void remove(Pending* p);

    Step step_;
    Options options_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<uint64_t, PeerState> peers_;
    std::vector<Pending*> queue_;
    uint64_t next_peer_ = 1;
    bool leading_ = false; // a leader is gathering or running a step
    bool closing_ = false;
    int inside_ = 0; // callers inside decode()
    Stats stats_;
};

} // namespace rwb::cuda_host
