// ChatStreamDecoder (see chat_stream_decoder.h).
#include "remote/chat_stream_decoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rwb::remote {
namespace {

bool parseObject(const QByteArray& json, QJsonObject& out, QString& error) {
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        error = QStringLiteral("not a JSON object (%1)").arg(pe.errorString());
        return false;
    }
    out = doc.object();
    return true;
}

QString serverError(const QJsonObject& o) {
    const QJsonValue e = o.value("error");
    if (e.isObject()) return e.toObject().value("message").toString(QStringLiteral("unknown"));
    return e.toString(QStringLiteral("unknown"));
}

QString reasoningOf(const QJsonObject& o) {
    const QJsonValue r = o.value("reasoning_content");
    if (r.isString()) return r.toString();
    return o.value("reasoning").toString();
}

bool hasReasoningField(const QJsonObject& o) {
    return o.value("reasoning_content").isString() || o.value("reasoning").isString();
}

} // namespace

ChatStreamDecoder::ChatStreamDecoder(bool thoughtOpenAtStart)
    : splitter_(ReasoningSplitterOptions{thoughtOpenAtStart, true}) {}

void ChatStreamDecoder::apply(const std::vector<ReasoningChunk>& chunks, DecodedDelta& out) {
    for (const ReasoningChunk& c : chunks) {
        switch (c.kind) {
        case ReasoningChunk::Kind::ThinkingStarted:
            out.thinkingStarted = true;
            break;
        case ReasoningChunk::Kind::ThinkingEnded:
            out.thinkingEnded = true;
            break;
        case ReasoningChunk::Kind::Thinking:
            out.thinking += QString::fromStdString(c.text);
            break;
        case ReasoningChunk::Kind::Answer:
            out.answer += QString::fromStdString(c.text);
            break;
        }
    }
}

void ChatStreamDecoder::addReasoning(const QString& text, DecodedDelta& out) {
    if (text.isEmpty()) return;
    sawReasoningField_ = true;
    if (!inFieldThought_) out.thinkingStarted = true;
    inFieldThought_ = true;
    out.thinking += text;
}

void ChatStreamDecoder::addContent(const QString& text, DecodedDelta& out) {
    if (text.isEmpty()) return;
    ++contentChunks_;
    if (sawReasoningField_) { // the server split the thought already: content is the answer
        if (inFieldThought_) out.thinkingEnded = true;
        inFieldThought_ = false;
        out.answer += text;
        return;
    }
    apply(splitter_.push(text.toStdString()), out);
}

bool ChatStreamDecoder::feedChunk(const QByteArray& json, DecodedDelta& out, QString& error) {
    QJsonObject o;
    if (!parseObject(json, o, error)) return false;
    if (o.contains("error")) {
        error = QStringLiteral("server reported an error mid-stream: %1").arg(serverError(o));
        return false;
    }
    if (o.value("usage").isObject()) {
        const QJsonObject u = o.value("usage").toObject();
        DecodedUsage du;
        du.promptTokens = u.value("prompt_tokens").toInteger();
        du.completionTokens = u.value("completion_tokens").toInteger();
        du.reasoningTokens =
            u.value("completion_tokens_details").toObject().value("reasoning_tokens").toInteger();
        usage_ = du;
    }
    const QJsonValue choices = o.value("choices");
    if (!choices.isArray()) {
        error = QStringLiteral("a chunk without 'choices'");
        return false;
    }
    for (const QJsonValue& cv : choices.toArray()) { // usage-only chunks have an empty array
        const QJsonObject c = cv.toObject();
        if (c.value("index").toInt(0) != 0) continue;
        const QJsonObject delta = c.value("delta").toObject();
        if (hasReasoningField(delta)) addReasoning(reasoningOf(delta), out);
        if (delta.value("content").isString()) addContent(delta.value("content").toString(), out);
        if (c.value("finish_reason").isString())
            finishReason_ = c.value("finish_reason").toString();
    }
    return true;
}

bool ChatStreamDecoder::feedWhole(const QByteArray& json, DecodedDelta& out, QString& error) {
    QJsonObject o;
    if (!parseObject(json, o, error)) return false;
    const QJsonArray choices = o.value("choices").toArray();
    if (choices.isEmpty() || !choices[0].toObject().value("message").isObject()) {
        error = QStringLiteral("a response without choices[0].message");
        return false;
    }
    // Same path as a stream of one chunk: "message" plays the part of "delta".
    QJsonObject c = choices[0].toObject();
    c.insert("delta", c.value("message"));
    c.remove("message");
    o.insert("choices", QJsonArray{c});
    return feedChunk(QJsonDocument(o).toJson(QJsonDocument::Compact), out, error);
}

DecodedDelta ChatStreamDecoder::flush() {
    DecodedDelta out;
    if (!sawReasoningField_) apply(splitter_.flush(), out);
    return out;
}

} // namespace rwb::remote
