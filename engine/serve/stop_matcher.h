// Stop sequences over streamed text: text is released as soon as it cannot be the start of a
// stop sequence, and the stream ends (without the sequence itself) when one appears, even if it
// arrives split across tokens. With no stop sequences everything passes straight through.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rwb::serve {

class StopMatcher {
public:
    explicit StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {}

    // Returns the text that can be sent now. After a match, stopped() is true and later pushes
    // return nothing.
    std::string push(std::string_view text);
    // End of stream: the held-back text (a prefix of a stop sequence that never completed).
    std::string flush();
    bool stopped() const { return stopped_; }

private:
    std::vector<std::string> stops_;
    std::string held_;
    bool stopped_ = false;
};

} // namespace rwb::serve
