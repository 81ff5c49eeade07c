// Reasoning splitter: a small state machine over the decoded text stream (see rwb/reasoning.h).
// Only one tag can matter in each phase ("<think>" before any answer, "</think>" inside the
// thought), so holding back the longest suffix that is a proper prefix of that tag is enough
// to catch tags split across pieces.
#include "rwb/reasoning.h"

#include <algorithm>

namespace rwb {

namespace {

constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::string_view trim_front(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && is_space(s[i])) ++i;
    return s.substr(i);
}

// Length of the longest suffix of s that is a proper, non-empty prefix of tag.
size_t partial_tag_suffix(std::string_view s, std::string_view tag) {
    for (size_t k = std::min(s.size(), tag.size() - 1); k > 0; --k) {
        if (tag.substr(0, k) == s.substr(s.size() - k)) return k;
    }
    return 0;
}

} // namespace

ReasoningSplitter::ReasoningSplitter(ReasoningSplitterOptions options) {
    reset(options);
}

void ReasoningSplitter::reset(ReasoningSplitterOptions options) {
    options_ = options;
    phase_ = options.start_in_thought ? ReasoningPhase::Thinking : ReasoningPhase::Preamble;
    started_ = false;
    channel_fresh_ = true;
    held_.clear();
    held_whitespace_.clear();
}

void ReasoningSplitter::append(std::vector<ReasoningChunk>& out, ReasoningChunk::Kind kind,
                               std::string_view text) {
    const bool is_text =
        kind == ReasoningChunk::Kind::Thinking || kind == ReasoningChunk::Kind::Answer;
    if (is_text && text.empty()) return;
    if (is_text && !out.empty() && out.back().kind == kind) {
        out.back().text.append(text);
        return;
    }
    out.push_back({kind, std::string(text)});
}

// Thinking text goes out at once, except trailing whitespace, which waits: if "</think>" comes
// next it is dropped, otherwise it is released in front of the next text.
void ReasoningSplitter::emit_thinking(std::string_view text, std::vector<ReasoningChunk>& out) {
    if (text.empty()) return;
    if (!options_.trim_whitespace) {
        append(out, ReasoningChunk::Kind::Thinking, text);
        channel_fresh_ = false;
        return;
    }
    held_whitespace_.append(text);
    size_t end = held_whitespace_.size();
    while (end > 0 && is_space(held_whitespace_[end - 1])) --end;
    if (end == 0) return; // only whitespace so far: keep waiting
    append(out, ReasoningChunk::Kind::Thinking, std::string_view(held_whitespace_).substr(0, end));
    held_whitespace_.erase(0, end);
    channel_fresh_ = false;
}

std::vector<ReasoningChunk> ReasoningSplitter::push(std::string_view piece) {
    std::vector<ReasoningChunk> out;
    if (!started_) {
        started_ = true;
        if (phase_ == ReasoningPhase::Thinking)
            append(out, ReasoningChunk::Kind::ThinkingStarted, {});
    }
    std::string buffer = std::move(held_);
    held_.clear();
    buffer.append(piece);
    std::string_view rest = buffer;

    while (!rest.empty()) {
        switch (phase_) {
        case ReasoningPhase::Preamble: {
            // Whitespace before "<think>" belongs to no channel; hold it until we know.
            const std::string_view tail = trim_front(rest);
            if (tail.empty() || (tail.size() < kOpen.size() && kOpen.starts_with(tail))) {
                held_.assign(rest);
                return out;
            }
            if (tail.starts_with(kOpen)) {
                append(out, ReasoningChunk::Kind::ThinkingStarted, {});
                phase_ = ReasoningPhase::Thinking;
                channel_fresh_ = true;
                rest = tail.substr(kOpen.size());
            } else {
                phase_ = ReasoningPhase::Answer; // the model answers without thinking
                channel_fresh_ = true;
            }
            break;
        }
        case ReasoningPhase::Thinking: {
            if (channel_fresh_ && options_.trim_whitespace) {
                rest = trim_front(rest);
                if (rest.empty()) return out;
            }
            const size_t close = rest.find(kClose);
            if (close != std::string_view::npos) {
                emit_thinking(rest.substr(0, close), out);
                held_whitespace_.clear(); // the thought's trailing whitespace is dropped
                append(out, ReasoningChunk::Kind::ThinkingEnded, {});
                phase_ = ReasoningPhase::Answer;
                channel_fresh_ = true;
                rest = rest.substr(close + kClose.size());
                break;
            }
            const size_t keep = partial_tag_suffix(rest, kClose);
            emit_thinking(rest.substr(0, rest.size() - keep), out);
            held_.assign(rest.substr(rest.size() - keep));
            return out;
        }
        case ReasoningPhase::Answer: {
            if (channel_fresh_ && options_.trim_whitespace) {
                rest = trim_front(rest);
                if (rest.empty()) return out;
            }
            append(out, ReasoningChunk::Kind::Answer, rest);
            channel_fresh_ = false;
            return out;
        }
        }
    }
    return out;
}

std::vector<ReasoningChunk> ReasoningSplitter::flush() {
    std::vector<ReasoningChunk> out;
    const std::string held = std::move(held_);
    held_.clear();
    switch (phase_) {
    case ReasoningPhase::Preamble: {
        // A lone "<thi" at the very end was not a tag after all: it is the answer.
        const std::string_view text = options_.trim_whitespace ? trim_front(held) : held;
        if (!text.empty()) {
            append(out, ReasoningChunk::Kind::Answer, text);
            phase_ = ReasoningPhase::Answer;
            channel_fresh_ = false;
        }
        break;
    }
    case ReasoningPhase::Thinking:
        emit_thinking(held, out); // a partial "</th" that never completed is thought text
        held_whitespace_.clear();
        break;
    case ReasoningPhase::Answer:
        break;
    }
    return out;
}

} // namespace rwb
