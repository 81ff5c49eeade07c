// SessionPool: who may generate now. At most `parallel` leases are out at once; a lease holds a
// Session of the requested model (reused from earlier requests, so a continued conversation
// keeps its cached prefix and no KV cache is allocated per request). cancel_all() reaches every
// running Session, for shutdown.
#pragma once

#include "rwb/session.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

namespace rwb::serve {

class SessionPool;

// Returned to the pool when destroyed (also when an HTTP response object holding it goes away).
class SessionLease {
public:
    SessionLease(SessionPool& pool, size_t model, std::unique_ptr<Session> session)
        : pool_(pool), model_(model), session_(std::move(session)) {}
    ~SessionLease();
    SessionLease(const SessionLease&) = delete;
    SessionLease& operator=(const SessionLease&) = delete;
    Session& session() { return *session_; }

private:
    SessionPool& pool_;
    size_t model_;
    std::unique_ptr<Session> session_;
};

class SessionPool {
public:
    SessionPool(std::vector<std::shared_ptr<const Model>> models, SessionOptions options,
                int parallel);

    enum class Wait { Ok, TimedOut, Stopping, Failed };
    // Waits up to timeout_s for a free slot. On Failed, `error` says why (session creation).
    Wait acquire(size_t model, double timeout_s, std::unique_ptr<SessionLease>& out,
                 std::string& error);
    void cancel_all(); // and refuse new leases
    int active() const;
    int queued() const;

private:
    friend class SessionLease;
    void give_back(size_t model, std::unique_ptr<Session> session);

    std::vector<std::shared_ptr<const Model>> models_;
    SessionOptions options_;
    int parallel_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    int active_ = 0, queued_ = 0;
    bool stopping_ = false;
    std::vector<std::vector<std::unique_ptr<Session>>> idle_; // per model
    std::set<Session*> running_;
};

} // namespace rwb::serve
