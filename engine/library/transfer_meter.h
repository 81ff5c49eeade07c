// TransferMeter: bytes so far, speed over the last few seconds and ETA for the progress
// callback, throttled to a few reports per second.
#pragma once

#include "rwb/download.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>

namespace rwb::library {

class TransferMeter {
public:
    TransferMeter(uint64_t received, uint64_t total) : received_(received), total_(total) {}
    void reset(uint64_t received) {
        received_ = received;
        samples_.clear();
    }
    void set_total(uint64_t total) { total_ = total; }
    void add(uint64_t bytes) { received_ += bytes; }
    // True at most every 100 ms.
    bool due() {
        const auto now = Clock::now();
        if (now - last_report_ < std::chrono::milliseconds(100)) return false;
        last_report_ = now;
        return true;
    }
    DownloadProgress snapshot(int attempt, bool final = false) {
        const auto now = Clock::now();
        samples_.emplace_back(now, received_);
        while (samples_.size() > 2 && now - samples_.front().first > std::chrono::seconds(5))
            samples_.pop_front();
        DownloadProgress p;
        p.received = received_;
        p.total = total_;
        p.attempt = attempt;
        const double dt = std::chrono::duration<double>(now - samples_.front().first).count();
        if (dt > 0.05) p.bytes_per_second = double(received_ - samples_.front().second) / dt;
        if (final)
            p.eta_seconds = 0;
        else if (total_ > received_ && p.bytes_per_second > 0)
            p.eta_seconds = double(total_ - received_) / p.bytes_per_second;
        return p;
    }

private:
    using Clock = std::chrono::steady_clock;
    uint64_t received_, total_;
    std::deque<std::pair<Clock::time_point, uint64_t>> samples_;
    Clock::time_point last_report_{};
};

} // namespace rwb::library
