// ChatStreamDecoder: turns OpenAI chat-completions payloads (stream chunks or one whole
// response) into the two channels a local generation has: thought and answer. The thought comes
// from `reasoning_content` (DeepSeek, vLLM, SGLang, rwb serve) or `reasoning` (OpenRouter, newer
// vLLM), or else from <think>...</think> inside `content`, split by the engine's own
// ReasoningSplitter so tags cut across chunks are handled the same way as locally.
#pragma once

#include "rwb/reasoning.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace rwb::remote {

struct DecodedDelta {
    bool thinkingStarted = false;
    QString thinking;
    bool thinkingEnded = false;
    QString answer;
};

struct DecodedUsage {
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 reasoningTokens = 0;
};

class ChatStreamDecoder {
public:
    explicit ChatStreamDecoder(bool thoughtOpenAtStart = false);

    // One "data:" payload of a stream. Returns false with `error` set when it is not a chunk.
    bool feedChunk(const QByteArray& json, DecodedDelta& out, QString& error);
    // A whole (non-streamed) chat.completion body.
    bool feedWhole(const QByteArray& json, DecodedDelta& out, QString& error);
    // End of stream: text a possible partial tag held back.
    DecodedDelta flush();

    std::optional<DecodedUsage> usage() const { return usage_; }
    QString finishReason() const { return finishReason_; }
    int contentChunks() const { return contentChunks_; }

private:
    void addReasoning(const QString& text, DecodedDelta& out);
    void addContent(const QString& text, DecodedDelta& out);
    void apply(const std::vector<ReasoningChunk>& chunks, DecodedDelta& out);

    ReasoningSplitter splitter_;
    bool sawReasoningField_ = false;
    bool inFieldThought_ = false;
    std::optional<DecodedUsage> usage_;
    QString finishReason_;
    int contentChunks_ = 0;
};

} // namespace rwb::remote
