// Reasoning splitter: turns the stream of decoded text pieces of an R1 reply into two channels,
// `thinking` (between <think> and </think>) and `answer` (after </think>, or everything when the
// model never thinks), and reports when the thought starts and ends so the UI and statistics
// can time it. Tags may arrive split across pieces ("</th" + "ink>"): a possible partial tag is
// held back and released as text as soon as it cannot be a tag. Feed it valid UTF-8 (e.g. the
// output of Utf8StreamDecoder); it never splits inside a character.
//
// Tag rules: with start_in_thought (the template ended with "<think>\n") the stream starts in the
// thought. Otherwise "<think>" opens a thought only if it comes before any answer text. Only the
// first "</think>" ends the thought; later tags in the answer are ordinary text.
// Whitespace: leading whitespace of each channel and trailing whitespace of the thought are
// dropped (R1 writes "<think>\n...\n</think>\n\n"); whitespace inside is kept as is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rwb {

enum class ReasoningPhase {
    Preamble, // not in a thought and no answer text yet (waiting to see if "<think>" comes)
    Thinking,
    Answer,
};

struct ReasoningChunk {
    enum class Kind {
        Thinking,        // text of the thought
        Answer,          // text of the answer
        ThinkingStarted, // phase change (text empty)
        ThinkingEnded,   // phase change (text empty): "</think>" was seen
    };
    Kind kind = Kind::Answer;
    std::string text;

    friend bool operator==(const ReasoningChunk&, const ReasoningChunk&) = default;
};

struct ReasoningSplitterOptions {
    bool start_in_thought = true; // the prompt already opened "<think>"
    bool trim_whitespace = true;  // see the whitespace rule above
};

class ReasoningSplitter {
public:
    explicit ReasoningSplitter(ReasoningSplitterOptions options = {});

    // Feeds one decoded piece; returns what can be told now, in stream order (adjacent text of
    // one channel merged). With start_in_thought, the first call begins with ThinkingStarted.
    std::vector<ReasoningChunk> push(std::string_view piece);
    // End of stream: releases held-back text. A thought left open is not reported as ended
    // (phase() still says Thinking; the caller knows why the stream stopped).
    std::vector<ReasoningChunk> flush();

    ReasoningPhase phase() const { return phase_; }
    void reset(ReasoningSplitterOptions options);
    void reset() { reset(options_); }

private:
    void emit_thinking(std::string_view text, std::vector<ReasoningChunk>& out);
    static void append(std::vector<ReasoningChunk>& out, ReasoningChunk::Kind kind,
                       std::string_view text);

    ReasoningSplitterOptions options_;
    ReasoningPhase phase_ = ReasoningPhase::Preamble;
    bool started_ = false;        // first push() seen
    bool channel_fresh_ = true;   // nothing emitted yet in the current channel
    std::string held_;            // possible partial tag at the end of the stream so far
    std::string held_whitespace_; // trailing whitespace of the thought, not yet released
};

} // namespace rwb
