// Value types of a remote generation: what is sent (messages, sampling) and what comes back
// (the thought and answer, token usage, timing, cost), shaped like a local generation's so the
// chat and comparison views can show either. Registered as metatypes for queued signals.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace rwb::remote {

struct RemoteMessage {
    QString role; // "system", "user" or "assistant"
    QString content;
};

struct RemoteRequestParams {
    double temperature = 0.6; // DeepSeek's recommendation for R1
    double topP = 0.95;
    qint64 maxTokens = -1; // -1: the server's default
    std::optional<qint64> seed;
    QStringList stop;
    bool stream = true;
    // Server-specific fields merged into the request body (like the openai SDK's extra_body),
    // e.g. {"thinking_budget": 512} for rwb serve.
    QJsonObject extra;
};

struct RemoteStats {
    qint64 promptTokens = 0;
    qint64 completionTokens = 0; // thought included
    qint64 reasoningTokens = 0;
    bool usageReported = false; // false: completionTokens counted from chunks (an estimate)
    double ttftMs = -1;         // start() to the first thought or answer text; -1: none yet
    double totalMs = 0;
    double tokensPerSecond = 0; // completion tokens over the time after the first one
    double cost = 0;            // from the endpoint's prices per 1M tokens
    int retries = 0;            // connection attempts that failed before this one
};

struct RemoteResult {
    QString thinking;
    QString answer;
    QString finishReason; // "stop", "length", ... (empty when interrupted)
    RemoteStats stats;
    bool interrupted = false;
};

} // namespace rwb::remote

Q_DECLARE_METATYPE(rwb::remote::RemoteStats)
Q_DECLARE_METATYPE(rwb::remote::RemoteResult)
