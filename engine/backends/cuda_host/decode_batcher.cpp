// DecodeBatcher: the gathering (leader/followers on one mutex and condition variable) and the
// retry of a step without the row that failed it.
#include "backends/cuda_host/decode_batcher.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <exception>
#include <string>

namespace rwb::cuda_host {
namespace {

// "session i of N: why" with N == count: i - 1 into *row and "why" into *why.
bool failed_row(const std::string& msg, size_t count, size_t* row, std::string* why) {
    const std::string_view m(msg);
    constexpr std::string_view head = "session ", mid = " of ", tail = ": ";
    if (!m.starts_with(head)) return false;
    const char* p = m.data() + head.size();
    const char* end = m.data() + m.size();
    size_t i = 0, n = 0;
    auto r = std::from_chars(p, end, i);
    if (r.ec != std::errc() || std::string_view(r.ptr, size_t(end - r.ptr)).substr(0, 4) != mid)
        return false;
    r = std::from_chars(r.ptr + mid.size(), end, n);
    if (r.ec != std::errc() || std::string_view(r.ptr, size_t(end - r.ptr)).substr(0, 2) != tail)
        return false;
    if (n != count || i < 1 || i > n) return false;
    *row = i - 1;
    *why = std::string(r.ptr + tail.size(), end);
    return true;
}

const char* kUnloading = "the model is being unloaded";
// How often a waiting caller with a cancel flag looks at it.
constexpr std::chrono::milliseconds kCancelPoll{2};

} // namespace

DecodeBatcher::DecodeBatcher(Step step, Options options)
    : step_(std::move(step)), options_(options) {
    options_.max_rows = std::max(1, options_.max_rows);
}

DecodeBatcher::Options DecodeBatcher::options_from_env() {
    Options o;
    if (const char* env = std::getenv("RWB_CUDA_BATCH_WAIT_US"); env && *env) {
        long us = 0;
        const auto r = std::from_chars(env, env + std::char_traits<char>::length(env), us);
        if (r.ec == std::errc() && us >= 0) o.wait = std::chrono::microseconds(us);
    }
    return o;
}

DecodeBatcher::~DecodeBatcher() {
    std::unique_lock lk(mu_);
    closing_ = true;
    cv_.notify_all();
    cv_.wait(lk, [&] { return inside_ == 0; });
}

uint64_t DecodeBatcher::join() {
    std::lock_guard lk(mu_);
    const uint64_t id = next_peer_++;
    peers_[id] = PeerState{};
    return id;
}

void DecodeBatcher::leave(uint64_t peer) {
    std::lock_guard lk(mu_);
    peers_.erase(peer);
    cv_.notify_all(); // a leader waiting for it stops waiting
}

void DecodeBatcher::touch(uint64_t peer) {
    std::lock_guard lk(mu_);
    if (auto it = peers_.find(peer); it != peers_.end()) it->second.last = Clock::now();
}

void DecodeBatcher::idle(uint64_t peer) {
    std::lock_guard lk(mu_);
    if (auto it = peers_.find(peer); it != peers_.end()) it->second.last = {};
    cv_.notify_all();
}

bool DecodeBatcher::active(const PeerState& p, Clock::time_point now) const {
    return p.last != Clock::time_point{} && now - p.last < options_.active;
}

bool DecodeBatcher::has_active_peers(uint64_t peer) const {
    std::lock_guard lk(mu_);
    const auto now = Clock::now();
    for (const auto& [id, p] : peers_)
        if (id != peer && active(p, now)) return true;
    return false;
}

int DecodeBatcher::missing_peers(Clock::time_point now) const {
    int n = 0;
    for (const auto& [id, p] : peers_)
        if (!p.queued && active(p, now)) ++n;
    return n;
}

DecodeBatcher::Stats DecodeBatcher::stats() const {
    std::lock_guard lk(mu_);
    return stats_;
}

size_t DecodeBatcher::queued() const {
    std::lock_guard lk(mu_);
    return queue_.size();
}

void DecodeBatcher::remove(Pending* p) {
    queue_.erase(std::remove(queue_.begin(), queue_.end(), p), queue_.end());
    if (auto it = peers_.find(p->row.peer); it != peers_.end()) it->second.queued = false;
}

Status DecodeBatcher::decode(const Row& row, const std::atomic<bool>* cancel) {
    const auto is_cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    std::unique_lock lk(mu_);
    if (closing_) return Status::error(kUnloading);
    if (is_cancelled()) return Status::error("cancelled");
    ++inside_;
    Pending self;
    self.row = row;
    self.cancel = cancel;
    queue_.push_back(&self);
    if (auto it = peers_.find(row.peer); it != peers_.end()) {
        it->second.queued = true;
        it->second.last = Clock::now();
    }
    cv_.notify_all(); // a gathering leader may be waiting for this row
    while (!self.done) {
        if (!self.taken) {
            if (closing_ || is_cancelled()) {
                remove(&self);
                self.result = Status::error(closing_ ? kUnloading : "cancelled");
                break;
            }
            if (!leading_ && options_.wait.count() > 0) {
                lead(lk, self);
                continue;
            }
            if (!leading_) { // batching off: every caller runs its own row
                remove(&self);
                self.taken = true;
                lk.unlock();
                std::vector<Pending*> one{&self};
                run_batch(one);
                lk.lock();
                self.done = true;
                break;
            }
        }
        // Not in a step yet and cancellable: wake now and then to see the flag (Session::cancel
        // cannot notify us). In a running step the leader's notify is the only way out.
        if (cancel && !self.taken)
            cv_.wait_for(lk, kCancelPoll);
        else
            cv_.wait(lk);
    }
    // A session that was cancelled or failed is about to stop generating: nobody waits for it
    // until it decodes again.
    if (auto it = peers_.find(row.peer); it != peers_.end())
        it->second.last = self.result ? Clock::now() : Clock::time_point{};
    --inside_;
    if (closing_ && inside_ == 0) cv_.notify_all();
    return self.result;
}

void DecodeBatcher::lead(std::unique_lock<std::mutex>& lk, Pending& self) {
    leading_ = true;
    const auto deadline = Clock::now() + options_.wait;
    for (;;) {
        if (closing_ || (self.cancel && self.cancel->load(std::memory_order_relaxed))) {
            // Give the lead back; the caller's loop removes its row, another caller leads.
            leading_ = false;
            cv_.notify_all();
            return;
        }
        const auto now = Clock::now();
        if (int(queue_.size()) >= options_.max_rows || missing_peers(now) == 0) break;
        if (now >= deadline) {
            // The peers still missing are not waited for again until they next decode: one that
            // stopped generating (or is slow between its steps) costs one deadline, not one per
            // step for the whole active window.
            for (auto& [id, p] : peers_)
                if (!p.queued && active(p, now)) p.last = {};
            break;
        }
        // Cancellable: look at the flag now and then (nothing notifies on it).
        cv_.wait_until(lk, self.cancel ? std::min(deadline, now + kCancelPoll) : deadline);
    }
    const size_t n = std::min(queue_.size(), size_t(options_.max_rows));
    std::vector<Pending*> batch(queue_.begin(), queue_.begin() + std::ptrdiff_t(n));
    queue_.erase(queue_.begin(), queue_.begin() + std::ptrdiff_t(n));
    for (Pending* p : batch) {
        p->taken = true;
        if (auto it = peers_.find(p->row.peer); it != peers_.end()) it->second.queued = false;
    }
    lk.unlock();
    run_batch(batch);
    lk.lock();
    const auto now = Clock::now();
    for (Pending* p : batch) {
        p->done = true;
        if (auto it = peers_.find(p->row.peer); it != peers_.end())
            it->second.last = p->result ? now : Clock::time_point{};
    }
    leading_ = false;
    cv_.notify_all();
}

// Runs the batch, and again without a row that failed it, until it runs or fails for all.
// Called without the lock; the Pendings stay valid (their callers wait for done).
void DecodeBatcher::run_batch(std::vector<Pending*>& batch) {
    std::vector<Pending*> left = batch;
    std::vector<Row> rows;
    Stats add;
    while (!left.empty()) {
        rows.clear();
        for (const Pending* p : left) rows.push_back(p->row);
        // The step does not throw, but a throw here would leave every waiting caller without an
        // answer (and the lead taken): it becomes the step's error instead.
        Status st = Status::ok();
        try {
            st = step_(rows);
        } catch (const std::exception& e) {
            st = Status::error(std::string("decode step failed: ") + e.what());
        }
        ++add.steps;
        add.rows += rows.size();
        if (rows.size() > 1) ++add.batched_steps;
        add.max_rows_seen = std::max(add.max_rows_seen, int(rows.size()));
        if (st) {
            for (Pending* p : left) p->result = Status::ok();
            break;
        }
        size_t bad = 0;
        std::string why;
        if (failed_row(st.message(), left.size(), &bad, &why)) {
            left[bad]->result = Status::error(why);
            left.erase(left.begin() + std::ptrdiff_t(bad));
            continue;
        }
        for (Pending* p : left) p->result = st;
        break;
    }
    std::lock_guard lk(mu_);
    stats_.steps += add.steps;
    stats_.batched_steps += add.batched_steps;
    stats_.rows += add.rows;
    stats_.max_rows_seen = std::max(stats_.max_rows_seen, add.max_rows_seen);
}

} // namespace rwb::cuda_host
