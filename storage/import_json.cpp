// Import of the JSON export (see export.h): validated first, then written in one transaction.
// Conversations and messages already present (same uuid) are kept as they are, so importing
// the same file twice adds nothing; models are matched by sha256 (or path).
#include "export.h"
#include "message_store.h"
#include "provenance_json.h"
#include "sql_util.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace rwb::storage {
namespace {

QDateTime parseIso(const QJsonValue& v) {
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC() : QDateTime();
}

std::optional<qint64> idByUuid(MessageStore& store, const char* table, const QString& uuid) {
    QSqlQuery q(store.database());
    q.prepare(QStringLiteral("SELECT id FROM %1 WHERE uuid=?").arg(QLatin1String(table)));
    sql::bind(q, uuid);
    if (!q.exec() || !q.next()) return std::nullopt;
    return q.value(0).toLongLong();
}

// Finds the model locally (never rewriting a local record) or adds it.
qint64 localModel(MessageStore& store, const QJsonObject& o) {
    ModelRecord m;
    m.sha256 = o.value(QStringLiteral("sha256")).toString();
    m.path = o.value(QStringLiteral("path")).toString();
    QSqlQuery q(store.database());
    if (!m.sha256.isEmpty()) {
        q.prepare(QStringLiteral("SELECT id FROM models WHERE sha256=?"));
        sql::bind(q, m.sha256);
    } else {
        q.prepare(QStringLiteral("SELECT id FROM models WHERE sha256='' AND path=?"));
        sql::bind(q, m.path);
    }
    if (q.exec() && q.next()) return q.value(0).toLongLong();
    m.name = o.value(QStringLiteral("name")).toString();
    m.architecture = o.value(QStringLiteral("architecture")).toString();
    m.sizeBytes = qint64(o.value(QStringLiteral("size_bytes")).toDouble());
    m.quantization = o.value(QStringLiteral("quantization")).toString();
    return store.upsertModel(m);
}

bool parseMessage(const QJsonObject& o, Message* m, QString* parentUuid, QString* modelKey) {
    m->uuid = o.value(QStringLiteral("uuid")).toString();
    const auto role = roleFromName(o.value(QStringLiteral("role")).toString());
    const auto state = stateFromName(o.value(QStringLiteral("state")).toString());
    m->created = parseIso(o.value(QStringLiteral("created")));
    if (m->uuid.isEmpty() || !role || !state || !m->created.isValid()) return false;
    m->role = *role;
    m->state = *state;
    *parentUuid = o.value(QStringLiteral("parent")).toString();
    *modelKey = o.value(QStringLiteral("model")).toString();
    m->answer = o.value(QStringLiteral("answer")).toString();
    m->reasoning = o.value(QStringLiteral("reasoning")).toString();
    m->promptTokens = qint64(o.value(QStringLiteral("prompt_tokens")).toDouble());
    m->thinkingTokens = qint64(o.value(QStringLiteral("thinking_tokens")).toDouble());
    m->answerTokens = qint64(o.value(QStringLiteral("answer_tokens")).toDouble());
    m->timeToFirstTokenMs = o.value(QStringLiteral("ttft_ms")).toDouble();
    m->thinkingSeconds = o.value(QStringLiteral("thinking_seconds")).toDouble();
    m->tokensPerSecond = o.value(QStringLiteral("tokens_per_second")).toDouble();
    m->finishReason = o.value(QStringLiteral("finish_reason")).toString();
    m->errorText = o.value(QStringLiteral("error_text")).toString();
    m->provenance = provenanceFromJson(o.value(QStringLiteral("provenance")).toObject());
    return true;
}

} // namespace

ImportResult importJson(MessageStore& store, const QByteArray& json) {
    ImportResult result;
    auto failWith = [&](const QString& why) {
        result.ok = false;
        result.error = why;
        return result;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    const QJsonObject root = doc.object();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
        root.value(QStringLiteral("format")).toString() != QLatin1String(kJsonFormatName))
        return failWith(QStringLiteral("This file is not a Reasoning Workbench history export; "
                                       "nothing was imported"));
    const int version = root.value(QStringLiteral("version")).toInt(-1);
    if (version < 1)
        return failWith(
            QStringLiteral("The export has no valid format version; nothing was imported"));
    if (version > kJsonFormatVersion)
        return failWith(QStringLiteral("The export was made by a newer version (format %1, this "
                                       "version reads up to %2); nothing was imported")
                            .arg(version)
                            .arg(kJsonFormatVersion));

    sql::Transaction transaction(store.database());
    if (!transaction.ok()) return failWith(QStringLiteral("Cannot import: ") + transaction.error());

    QHash<QString, qint64> models; // key -> local id
    for (const QJsonValue& v : root.value(QStringLiteral("models")).toArray()) {
        const QJsonObject o = v.toObject();
        const qint64 id = localModel(store, o);
        if (id <= 0) return failWith(QStringLiteral("Cannot import a model: ") + store.lastError());
        models.insert(o.value(QStringLiteral("key")).toString(), id);
    }

    const QJsonArray conversations = root.value(QStringLiteral("conversations")).toArray();
    for (int ci = 0; ci < conversations.size(); ++ci) {
        const QJsonObject co = conversations.at(ci).toObject();
        Conversation c;
        c.uuid = co.value(QStringLiteral("uuid")).toString();
        c.created = parseIso(co.value(QStringLiteral("created")));
        c.updated = parseIso(co.value(QStringLiteral("updated")));
        if (c.uuid.isEmpty() || !c.created.isValid() || !c.updated.isValid())
            return failWith(QStringLiteral("Conversation %1 of the export is incomplete (uuid or "
                                           "times missing); nothing was imported")
                                .arg(ci + 1));
        std::optional<qint64> existing = idByUuid(store, "conversations", c.uuid);
        if (!existing) {
            c.title = co.value(QStringLiteral("title")).toString();
            c.pinned = co.value(QStringLiteral("pinned")).toBool();
            c.modelId = models.value(co.value(QStringLiteral("model")).toString(), 0);
            c.sampling = co.value(QStringLiteral("sampling")).toObject();
            c.systemPrompt = co.value(QStringLiteral("system_prompt")).toString();
            c.folder = co.value(QStringLiteral("folder")).toString();
            for (const QJsonValue& t : co.value(QStringLiteral("tags")).toArray())
                c.tags << t.toString();
            if (store.createConversation(c) <= 0)
                return failWith(QStringLiteral("Cannot import: ") + store.lastError());
            ++result.conversationsAdded;
        }
        const qint64 conversationId = existing ? *existing : c.id;

        // Parents before children: the export writes them in that order; check it.
        QHash<QString, qint64> local; // message uuid -> local id
        for (const QJsonValue& mv : co.value(QStringLiteral("messages")).toArray()) {
            Message m;
            QString parentUuid, modelKey;
            if (!parseMessage(mv.toObject(), &m, &parentUuid, &modelKey))
                return failWith(QStringLiteral("A message of conversation %1 is malformed (uuid, "
                                               "role, state or time); nothing was imported")
                                    .arg(ci + 1));
            if (auto id = idByUuid(store, "messages", m.uuid)) {
                local.insert(m.uuid, *id);
                ++result.messagesSkipped;
                continue;
            }
            if (!parentUuid.isEmpty()) {
                if (!local.contains(parentUuid))
                    return failWith(QStringLiteral("Message %1 refers to a parent that comes later "
                                                   "or is missing; nothing was imported")
                                        .arg(m.uuid));
                m.parentId = local.value(parentUuid);
            }
            m.conversationId = conversationId;
            m.modelId = models.value(modelKey, 0);
            if (store.addMessage(m) <= 0)
                return failWith(QStringLiteral("Cannot import: ") + store.lastError());
            local.insert(m.uuid, m.id);
            ++result.messagesAdded;
        }
        if (!existing) {
            // addMessage moved the leaf and the time along; restore what the export says.
            QSqlQuery q(store.database());
            q.prepare(
                QStringLiteral("UPDATE conversations SET current_leaf_id=?, updated=? WHERE id=?"));
            const QString leaf = co.value(QStringLiteral("current_leaf")).toString();
            sql::bind(q, local.contains(leaf) ? QVariant(local.value(leaf))
                                              : QVariant(QMetaType(QMetaType::LongLong)));
            sql::bind(q, sql::toMs(c.updated));
            sql::bind(q, conversationId);
            QString why;
            if (!sql::run(q, &why)) return failWith(QStringLiteral("Cannot import: ") + why);
        }
    }
    QString why;
    if (!transaction.commit(&why)) return failWith(QStringLiteral("Cannot import: ") + why);
    result.ok = true;
    return result;
}

} // namespace rwb::storage
