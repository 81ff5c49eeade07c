// JSON export/import in the versioned "reasoning-workbench-history" format; see export.h.
// Keys are written sorted (QJsonObject), rows in creation order and times as ISO-8601 with
// milliseconds, so the same data always gives the same bytes.
#include "export.h"
#include "message_store.h"
#include "provenance_json.h"
#include "sql_util.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSqlQuery>

namespace rwb::storage {
namespace {

QString isoMs(const QDateTime& t) {
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QString modelKey(const ModelRecord& m) {
    return m.sha256.isEmpty() ? QStringLiteral("path:") + m.path : m.sha256;
}

QJsonValue uuidOrNull(const QHash<qint64, QString>& uuids, qint64 id) {
    return id > 0 && uuids.contains(id) ? QJsonValue(uuids.value(id)) : QJsonValue();
}

QJsonObject messageJson(const Message& m, const QHash<qint64, QString>& uuids,
                        const QJsonValue& model) {
    QJsonObject o;
    o.insert(QStringLiteral("uuid"), m.uuid);
    o.insert(QStringLiteral("parent"), uuidOrNull(uuids, m.parentId));
    o.insert(QStringLiteral("role"), roleName(m.role));
    o.insert(QStringLiteral("answer"), m.answer);
    o.insert(QStringLiteral("reasoning"), m.reasoning);
    o.insert(QStringLiteral("state"), stateName(m.state));
    o.insert(QStringLiteral("model"), model);
    o.insert(QStringLiteral("prompt_tokens"), double(m.promptTokens));
    o.insert(QStringLiteral("thinking_tokens"), double(m.thinkingTokens));
    o.insert(QStringLiteral("answer_tokens"), double(m.answerTokens));
    o.insert(QStringLiteral("ttft_ms"), m.timeToFirstTokenMs);
    o.insert(QStringLiteral("thinking_seconds"), m.thinkingSeconds);
    o.insert(QStringLiteral("tokens_per_second"), m.tokensPerSecond);
    o.insert(QStringLiteral("finish_reason"), m.finishReason);
    o.insert(QStringLiteral("error_text"), m.errorText);
    o.insert(QStringLiteral("created"), isoMs(m.created));
    o.insert(QStringLiteral("provenance"), provenanceToJson(m.provenance));
    return o;
}

} // namespace

QByteArray exportJson(MessageStore& store, const QVector<qint64>& conversationIds, QString* error) {
    const QVector<qint64> ids =
        conversationIds.isEmpty() ? store.allConversationIds() : conversationIds;
    QMap<QString, QJsonObject> models; // key -> record, sorted
    QHash<qint64, QJsonValue> modelRefs;
    auto modelRef = [&](qint64 id) -> QJsonValue {
        if (id <= 0) return QJsonValue();
        if (modelRefs.contains(id)) return modelRefs.value(id);
        auto m = store.model(id);
        QJsonValue ref;
        if (m) {
            const QString key = modelKey(*m);
            models.insert(key, QJsonObject{{QStringLiteral("key"), key},
                                           {QStringLiteral("sha256"), m->sha256},
                                           {QStringLiteral("path"), m->path},
                                           {QStringLiteral("name"), m->name},
                                           {QStringLiteral("architecture"), m->architecture},
                                           {QStringLiteral("size_bytes"), double(m->sizeBytes)},
                                           {QStringLiteral("quantization"), m->quantization}});
            ref = key;
        }
        modelRefs.insert(id, ref);
        return ref;
    };

    QJsonArray conversations;
    for (qint64 id : ids) {
        auto c = store.conversation(id);
        if (!c) {
            if (error) *error = store.lastError();
            return {};
        }
        const QVector<Message> messages = store.allMessages(id);
        QHash<qint64, QString> uuids;
        for (const Message& m : messages) uuids.insert(m.id, m.uuid);
        QJsonArray messageArray;
        for (const Message& m : messages)
            messageArray.append(messageJson(m, uuids, modelRef(m.modelId)));
        QJsonObject o;
        o.insert(QStringLiteral("uuid"), c->uuid);
        o.insert(QStringLiteral("title"), c->title);
        o.insert(QStringLiteral("created"), isoMs(c->created));
        o.insert(QStringLiteral("updated"), isoMs(c->updated));
        o.insert(QStringLiteral("pinned"), c->pinned);
        o.insert(QStringLiteral("model"), modelRef(c->modelId));
        o.insert(QStringLiteral("sampling"), c->sampling);
        o.insert(QStringLiteral("system_prompt"), c->systemPrompt);
        o.insert(QStringLiteral("folder"), c->folder);
        o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(c->tags));
        o.insert(QStringLiteral("current_leaf"), uuidOrNull(uuids, c->currentLeafId));
        o.insert(QStringLiteral("messages"), messageArray);
        conversations.append(o);
    }
    QJsonArray modelArray;
    for (const QJsonObject& m : models) modelArray.append(m);
    QJsonObject root;
    root.insert(QStringLiteral("format"), QLatin1String(kJsonFormatName));
    root.insert(QStringLiteral("version"), kJsonFormatVersion);
    root.insert(QStringLiteral("models"), modelArray);
    root.insert(QStringLiteral("conversations"), conversations);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace rwb::storage
