// Plain record types of the conversation history. Storage owns these (it never includes the
// engine); the app converts engine results into them. Times are UTC; ids are database row ids
// (0 = not stored yet); uuids identify rows across export and import.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace rwb::storage {

enum class MessageRole { System, User, Assistant };
enum class MessageState { Streaming, Complete, Cancelled, Error, Interrupted };

QString roleName(MessageRole role);
std::optional<MessageRole> roleFromName(const QString& name);
QString stateName(MessageState state);
std::optional<MessageState> stateFromName(const QString& name);

struct ModelRecord {
    qint64 id = 0;
    QString path;
    QString sha256; // hex, lower case; the identity of a model file
    QString name;
    QString architecture;
    qint64 sizeBytes = 0;
    QString quantization;
};

// Everything needed to reproduce an assistant message.
struct Provenance {
    QString modelSha256;
    QString quantization;
    QString chatTemplateVersion;
    QJsonObject sampling; // temperature, top_p, ... as the engine names them
    std::optional<qint64> seed;
    std::optional<int> thinkingBudget;
    QString engineVersion;
    QString backend;
};

struct Conversation {
    qint64 id = 0;
    QString uuid;
    QString title;
    QDateTime created;
    QDateTime updated;
    bool pinned = false;
    qint64 modelId = 0;
    QJsonObject sampling;
    QString systemPrompt;
    QString folder;
    QStringList tags;
    qint64 currentLeafId = 0; // the message the conversation shows last; 0 = empty
};

struct Message {
    qint64 id = 0;
    QString uuid;
    qint64 conversationId = 0;
    qint64 parentId = 0; // 0 = first message of a branch root
    MessageRole role = MessageRole::User;
    QString answer; // the visible text (for user/system messages: their text)
    QString reasoning;
    MessageState state = MessageState::Complete;
    qint64 modelId = 0;
    QString modelName; // read only: the name of model `modelId` when the message was loaded
    qint64 promptTokens = 0;
    qint64 thinkingTokens = 0;
    qint64 answerTokens = 0;
    double timeToFirstTokenMs = 0;
    double thinkingSeconds = 0;
    double tokensPerSecond = 0;
    QString finishReason;
    QString errorText;
    QDateTime created;
    Provenance provenance;
};

// Final figures of a generation, written when it ends.
struct MessageOutcome {
    MessageState state = MessageState::Complete;
    qint64 promptTokens = 0;
    qint64 thinkingTokens = 0;
    qint64 answerTokens = 0;
    double timeToFirstTokenMs = 0;
    double thinkingSeconds = 0;
    double tokensPerSecond = 0;
    QString finishReason;
    QString errorText;
};

struct ComparisonRun {
    qint64 id = 0;
    QString uuid;
    QString title;
    QString prompt;
    QString systemPrompt;
    QJsonObject sampling;
    QString problemSet;
    QString notes;
    QDateTime created;
};

struct ComparisonResult {
    qint64 id = 0;
    qint64 runId = 0;
    qint64 modelId = 0;
    QString answer;
    QString reasoning;
    MessageState state = MessageState::Complete;
    qint64 promptTokens = 0;
    qint64 thinkingTokens = 0;
    qint64 answerTokens = 0;
    double timeToFirstTokenMs = 0;
    double thinkingSeconds = 0;
    double tokensPerSecond = 0;
    QString finishReason;
    QString verdict;
    Provenance provenance;
    QDateTime created;
};

struct BenchmarkRun {
    qint64 id = 0;
    qint64 modelId = 0;
    QDateTime created;
    QString backend;
    int threads = 0;
    qint64 promptTokens = 0;
    qint64 generatedTokens = 0;
    double prefillTokensPerSecond = 0;
    double decodeTokensPerSecond = 0;
    QString engineVersion;
    QJsonObject details;
};

} // namespace rwb::storage
