// MessageStore: messages, streaming saves and branches. A conversation is a tree of messages
// (parent_id); edit-and-resend or regenerate adds a sibling, and conversations.current_leaf_id
// picks the branch on screen: the path from a root down to that leaf.
#include "message_store.h"

#include "sql_util.h"

#include <QSqlQuery>
#include <QUuid>

namespace rwb::storage {
namespace {

const char* kMessageColumns =
    "m.id, m.uuid, m.conversation_id, m.parent_id, m.role, m.answer, m.reasoning, m.state, "
    "m.model_id, m.prompt_tokens, m.thinking_tokens, m.answer_tokens, m.ttft_ms, "
    "m.thinking_seconds, m.tokens_per_second, m.finish_reason, m.error_text, m.created, "
    "m.model_sha256, m.quantization, m.chat_template_version, m.sampling_json, m.seed, "
    "m.thinking_budget, m.engine_version, m.backend, "
    "(SELECT name FROM models WHERE models.id = m.model_id)";

Message readMessage(const QSqlQuery& q, int base = 0) {
    Message m;
    m.id = q.value(base + 0).toLongLong();
    m.uuid = q.value(base + 1).toString();
    m.conversationId = q.value(base + 2).toLongLong();
    m.parentId = q.value(base + 3).toLongLong();
    m.role = roleFromName(q.value(base + 4).toString()).value_or(MessageRole::User);
    m.answer = q.value(base + 5).toString();
    m.reasoning = q.value(base + 6).toString();
    m.state = stateFromName(q.value(base + 7).toString()).value_or(MessageState::Error);
    m.modelId = q.value(base + 8).toLongLong();
    m.promptTokens = q.value(base + 9).toLongLong();
    m.thinkingTokens = q.value(base + 10).toLongLong();
    m.answerTokens = q.value(base + 11).toLongLong();
    m.timeToFirstTokenMs = q.value(base + 12).toDouble();
    m.thinkingSeconds = q.value(base + 13).toDouble();
    m.tokensPerSecond = q.value(base + 14).toDouble();
    m.finishReason = q.value(base + 15).toString();
    m.errorText = q.value(base + 16).toString();
    m.created = sql::fromMs(q.value(base + 17).toLongLong());
    Provenance& p = m.provenance;
    p.modelSha256 = q.value(base + 18).toString();
    p.quantization = q.value(base + 19).toString();
    p.chatTemplateVersion = q.value(base + 20).toString();
    p.sampling = sql::jsonObject(q.value(base + 21).toString());
    if (!q.value(base + 22).isNull()) p.seed = q.value(base + 22).toLongLong();
    if (!q.value(base + 23).isNull()) p.thinkingBudget = q.value(base + 23).toInt();
    p.engineVersion = q.value(base + 24).toString();
    p.backend = q.value(base + 25).toString();
    m.modelName = q.value(base + 26).toString();
    return m;
}

QVariant nullableId(qint64 id) {
    return id > 0 ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong));
}

} // namespace

qint64 MessageStore::addMessage(Message& m) {
    if (m.uuid.isEmpty()) m.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!m.created.isValid()) m.created = QDateTime::currentDateTimeUtc();
    sql::Transaction transaction(m_db);
    if (!transaction.ok())
        return fail(QStringLiteral("Cannot save the message"), transaction.error());
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "INSERT INTO messages (uuid, conversation_id, parent_id, role, answer, reasoning, state, "
        "model_id, prompt_tokens, thinking_tokens, answer_tokens, ttft_ms, thinking_seconds, "
        "tokens_per_second, finish_reason, error_text, created, model_sha256, quantization, "
        "chat_template_version, sampling_json, seed, thinking_budget, engine_version, backend) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    const Provenance& p = m.provenance;
    for (const QVariant& v :
         {QVariant(m.uuid),
          QVariant(m.conversationId),
          nullableId(m.parentId),
          QVariant(roleName(m.role)),
          QVariant(m.answer),
          QVariant(m.reasoning),
          QVariant(stateName(m.state)),
          nullableId(m.modelId),
          QVariant(m.promptTokens),
          QVariant(m.thinkingTokens),
          QVariant(m.answerTokens),
          QVariant(m.timeToFirstTokenMs),
          QVariant(m.thinkingSeconds),
          QVariant(m.tokensPerSecond),
          QVariant(m.finishReason),
          QVariant(m.errorText),
          QVariant(sql::toMs(m.created)),
          QVariant(p.modelSha256),
          QVariant(p.quantization),
          QVariant(p.chatTemplateVersion),
          QVariant(sql::jsonText(p.sampling)),
          p.seed ? QVariant(*p.seed) : QVariant(QMetaType(QMetaType::LongLong)),
          p.thinkingBudget ? QVariant(*p.thinkingBudget) : QVariant(QMetaType(QMetaType::Int)),
          QVariant(p.engineVersion),
          QVariant(p.backend)})
        sql::bind(q, v);
    QString why;
    if (!sql::run(q, &why)) return fail(QStringLiteral("Cannot save the message"), why);
    m.id = q.lastInsertId().toLongLong();
    QSqlQuery leaf(m_db);
    leaf.prepare(QStringLiteral(
        "UPDATE conversations SET current_leaf_id=?, updated=max(updated, ?) WHERE id=?"));
    sql::bind(leaf, m.id);
    sql::bind(leaf, sql::toMs(m.created));
    sql::bind(leaf, m.conversationId);
    if (!sql::run(leaf, &why) || !transaction.commit(&why)) {
        m.id = 0;
        return fail(QStringLiteral("Cannot save the message"), why);
    }
    return m.id;
}

bool MessageStore::saveStreamingText(qint64 id, const QString& answer, const QString& reasoning) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE messages SET answer=?, reasoning=? WHERE id=?"));
    sql::bind(q, answer);
    sql::bind(q, reasoning);
    sql::bind(q, id);
    QString why;
    if (!sql::run(q, &why)) return fail(QStringLiteral("Cannot save the streaming answer"), why);
    return true;
}

bool MessageStore::finishMessage(qint64 id, const QString& answer, const QString& reasoning,
                                 const MessageOutcome& o) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "UPDATE messages SET answer=?, reasoning=?, state=?, prompt_tokens=?, thinking_tokens=?, "
        "answer_tokens=?, ttft_ms=?, thinking_seconds=?, tokens_per_second=?, finish_reason=?, "
        "error_text=? WHERE id=?"));
    for (const QVariant& v :
         {QVariant(answer), QVariant(reasoning), QVariant(stateName(o.state)),
          QVariant(o.promptTokens), QVariant(o.thinkingTokens), QVariant(o.answerTokens),
          QVariant(o.timeToFirstTokenMs), QVariant(o.thinkingSeconds), QVariant(o.tokensPerSecond),
          QVariant(o.finishReason), QVariant(o.errorText), QVariant(id)})
        sql::bind(q, v);
    QString why;
    if (!sql::run(q, &why)) return fail(QStringLiteral("Cannot save the finished answer"), why);
    if (q.numRowsAffected() != 1) return fail(QStringLiteral("No message %1").arg(id), {});
    return true;
}

std::optional<Message> MessageStore::message(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM messages m WHERE m.id=?")
                  .arg(QLatin1String(kMessageColumns)));
    sql::bind(q, id);
    if (!sql::run(q, &m_error)) return std::nullopt;
    if (!q.next()) {
        fail(QStringLiteral("No message %1").arg(id), {});
        return std::nullopt;
    }
    return readMessage(q);
}

bool MessageStore::deleteMessage(qint64 id) {
    auto doomed = message(id);
    if (!doomed) return false;
    sql::Transaction transaction(m_db);
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM messages WHERE id=?")); // descendants cascade
    sql::bind(q, id);
    QString why;
    if (!transaction.ok() || !sql::run(q, &why))
        return fail(QStringLiteral("Cannot delete the message"), why + transaction.error());
    // If the shown branch went with it, show the newest remaining branch at the same place.
    QSqlQuery check(m_db);
    check.prepare(QStringLiteral("SELECT 1 FROM conversations c JOIN messages m ON "
                                 "m.id = c.current_leaf_id WHERE c.id=?"));
    sql::bind(check, doomed->conversationId);
    if (!sql::run(check, &why)) return fail(QStringLiteral("Cannot delete the message"), why);
    if (!check.next()) {
        qint64 start = doomed->parentId;
        if (start == 0) {
            QSqlQuery root(m_db);
            root.prepare(
                QStringLiteral("SELECT id FROM messages WHERE conversation_id=? AND "
                               "parent_id IS NULL ORDER BY created DESC, id DESC LIMIT 1"));
            sql::bind(root, doomed->conversationId);
            if (sql::run(root, &why) && root.next()) start = root.value(0).toLongLong();
        }
        check.finish();
        if (start == 0 ? !setCurrentLeaf(doomed->conversationId, 0) : !selectBranch(start))
            return false;
    }
    return transaction.commit(&m_error);
}

QVector<Message> MessageStore::visiblePath(qint64 conversationId) {
    QVector<Message> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
                  "WITH RECURSIVE path(id, depth) AS ("
                  "  SELECT current_leaf_id, 0 FROM conversations WHERE id=? AND current_leaf_id "
                  "IS NOT NULL"
                  "  UNION ALL"
                  "  SELECT m.parent_id, p.depth + 1 FROM messages m JOIN path p ON m.id = p.id"
                  "  WHERE m.parent_id IS NOT NULL AND p.depth < 1000000)" // a damaged cycle cannot
                                                                           // loop forever
                  " SELECT %1 FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth DESC")
                  .arg(QLatin1String(kMessageColumns)));
    sql::bind(q, conversationId);
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) out.append(readMessage(q));
    return out;
}

QVector<Message> MessageStore::allMessages(qint64 conversationId) {
    QVector<Message> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM messages m WHERE m.conversation_id=? "
                             "ORDER BY m.created, m.id")
                  .arg(QLatin1String(kMessageColumns)));
    sql::bind(q, conversationId);
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) out.append(readMessage(q));
    return out;
}

QVector<qint64> MessageStore::siblingIds(qint64 messageId) {
    QVector<qint64> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "SELECT s.id FROM messages m JOIN messages s ON s.conversation_id = m.conversation_id "
        "AND s.parent_id IS m.parent_id WHERE m.id=? ORDER BY s.created, s.id"));
    sql::bind(q, messageId);
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) out.append(q.value(0).toLongLong());
    return out;
}

QVector<qint64> MessageStore::childIds(qint64 messageId) {
    QVector<qint64> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT id FROM messages WHERE parent_id=? ORDER BY created, id"));
    sql::bind(q, messageId);
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) out.append(q.value(0).toLongLong());
    return out;
}

bool MessageStore::selectBranch(qint64 messageId) {
    auto start = message(messageId);
    if (!start) return false;
    qint64 leaf = messageId;
    for (;;) { // follow the newest child down to a leaf
        const QVector<qint64> children = childIds(leaf);
        if (children.isEmpty()) break;
        leaf = children.last();
    }
    return setCurrentLeaf(start->conversationId, leaf);
}

bool MessageStore::setCurrentLeaf(qint64 conversationId, qint64 leafId) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET current_leaf_id=? WHERE id=? AND "
                             "(? IS NULL OR EXISTS (SELECT 1 FROM messages WHERE id=? AND "
                             "conversation_id=?))"));
    sql::bind(q, nullableId(leafId));
    sql::bind(q, conversationId);
    sql::bind(q, nullableId(leafId));
    sql::bind(q, nullableId(leafId));
    sql::bind(q, conversationId);
    if (!sql::run(q, &m_error)) return false;
    if (q.numRowsAffected() != 1)
        return fail(
            QStringLiteral("Message %1 is not in conversation %2").arg(leafId).arg(conversationId),
            {});
    return true;
}

} // namespace rwb::storage
