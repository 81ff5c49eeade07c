// OpProfile: per-op wall-clock totals of the forward pass, switched on by RWB_PROFILE=1 (a cheap
// stand-in for perf, which is often unavailable). Off, each scope costs one branch.
#pragma once

#include <array>
#include <chrono>
#include <string>

namespace rwb::runtime {

enum class Op {
    Embed,
    Norm,
    MatQKV,
    Rope,
    KvStore,
    Attention,
    MatOut,
    MatFfnUp,
    Swiglu,
    MatFfnDown,
    Output,
    Count
};

class OpProfile {
public:
    OpProfile();
    bool enabled() const { return enabled_; }
    void add(Op op, double seconds) { totals_[size_t(op)] += seconds; }
    std::string report() const;

private:
    bool enabled_ = false;
    std::array<double, size_t(Op::Count)> totals_{};
};

class OpTimer {
public:
    OpTimer(OpProfile& p, Op op) : p_(p), op_(op) {
        if (p_.enabled()) t0_ = std::chrono::steady_clock::now();
    }
    ~OpTimer() {
        if (p_.enabled())
            p_.add(op_,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count());
    }
    OpTimer(const OpTimer&) = delete;
    OpTimer& operator=(const OpTimer&) = delete;

private:
    OpProfile& p_;
    Op op_;
    std::chrono::steady_clock::time_point t0_;
};

} // namespace rwb::runtime
