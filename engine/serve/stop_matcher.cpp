// StopMatcher (see stop_matcher.h). Holds back at most the longest stop sequence minus one byte.
#include "serve/stop_matcher.h"

#include <algorithm>

namespace rwb::serve {

std::string StopMatcher::push(std::string_view text) {
    if (stopped_) return {};
    if (stops_.empty()) return std::string(text);
    held_ += text;
    size_t first = std::string::npos;
    for (const auto& s : stops_) first = std::min(first, held_.find(s));
    if (first != std::string::npos) {
        stopped_ = true;
        std::string out = held_.substr(0, first);
        held_.clear();
        return out;
    }
    // Keep the longest tail of held_ that is a prefix of some stop sequence.
    size_t keep = 0;
    for (const auto& s : stops_) {
        const size_t most = std::min(s.size() - 1, held_.size());
        for (size_t k = most; k > keep; --k)
            if (held_.compare(held_.size() - k, k, s, 0, k) == 0) {
                keep = k;
                break;
            }
    }
    std::string out = held_.substr(0, held_.size() - keep);
    held_.erase(0, held_.size() - keep);
    return out;
}

std::string StopMatcher::flush() {
    if (stopped_) return {};
    std::string out;
    out.swap(held_);
    return out;
}

} // namespace rwb::serve
