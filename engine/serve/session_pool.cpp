// SessionPool (see session_pool.h).
#include "serve/session_pool.h"

#include <chrono>

namespace rwb::serve {

SessionLease::~SessionLease() {
    pool_.give_back(model_, std::move(session_));
}

SessionPool::SessionPool(std::vector<std::shared_ptr<const Model>> models, SessionOptions options,
                         int parallel)
    : models_(std::move(models)), options_(options), parallel_(parallel), idle_(models_.size()) {}

SessionPool::Wait SessionPool::acquire(size_t model, double timeout_s,
                                       std::unique_ptr<SessionLease>& out, std::string& error) {
    std::unique_ptr<Session> session;
    {
        std::unique_lock lock(mutex_);
        ++queued_;
        const bool got = freed_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                                         [&] { return stopping_ || active_ < parallel_; });
        --queued_;
        if (stopping_) return Wait::Stopping;
        if (!got) return Wait::TimedOut;
        ++active_;
        if (!idle_[model].empty()) {
            session = std::move(idle_[model].back());
            idle_[model].pop_back();
        }
    }
    if (!session) { // created outside the lock: allocating a KV cache takes a moment
        SessionOptions so = options_;
        so.n_ctx = std::min<int64_t>(so.n_ctx, models_[model]->info().n_ctx_train);
        auto created = Session::create(models_[model], so);
        if (!created) {
            std::lock_guard lock(mutex_);
            --active_;
            freed_.notify_one();
            error = created.message();
            return Wait::Failed;
        }
        session = std::move(*created);
    }
    std::lock_guard lock(mutex_);
    running_.insert(session.get());
    out = std::make_unique<SessionLease>(*this, model, std::move(session));
    return Wait::Ok;
}

void SessionPool::give_back(size_t model, std::unique_ptr<Session> session) {
    std::lock_guard lock(mutex_);
    running_.erase(session.get());
    idle_[model].push_back(std::move(session));
    --active_;
    freed_.notify_one();
}

void SessionPool::cancel_all() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (Session* s : running_) s->cancel();
    freed_.notify_all();
}

int SessionPool::active() const {
    std::lock_guard lock(mutex_);
    return active_;
}

int SessionPool::queued() const {
    std::lock_guard lock(mutex_);
    return queued_;
}

} // namespace rwb::serve
