// MessageStore: the model catalogue, comparison runs with their results, benchmark runs.
#include "message_store.h"

#include "provenance_json.h"
#include "sql_util.h"

#include <QSqlQuery>
#include <QUuid>

namespace rwb::storage {
namespace {

QVariant nullableId(qint64 id) {
    return id > 0 ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong));
}

void bindAll(QSqlQuery& q, std::initializer_list<QVariant> values) {
    for (const QVariant& v : values) sql::bind(q, v);
}

ModelRecord readModel(const QSqlQuery& q) {
    ModelRecord m;
    m.id = q.value(0).toLongLong();
    m.path = q.value(1).toString();
    m.sha256 = q.value(2).toString();
    m.name = q.value(3).toString();
    m.architecture = q.value(4).toString();
    m.sizeBytes = q.value(5).toLongLong();
    m.quantization = q.value(6).toString();
    return m;
}

const char* kModelColumns = "id, path, sha256, name, architecture, size_bytes, quantization";

} // namespace

qint64 MessageStore::upsertModel(ModelRecord& m) {
    QSqlQuery find(m_db);
    if (!m.sha256.isEmpty()) {
        find.prepare(QStringLiteral("SELECT id FROM models WHERE sha256=?"));
        sql::bind(find, m.sha256);
    } else {
        find.prepare(QStringLiteral("SELECT id FROM models WHERE sha256='' AND path=?"));
        sql::bind(find, m.path);
    }
    if (!sql::run(find, &m_error)) return 0;
    QSqlQuery q(m_db);
    if (find.next()) {
        m.id = find.value(0).toLongLong();
        q.prepare(QStringLiteral("UPDATE models SET path=?, name=?, architecture=?, size_bytes=?, "
                                 "quantization=? WHERE id=?"));
        bindAll(q, {m.path, m.name, m.architecture, m.sizeBytes, m.quantization, m.id});
        return sql::run(q, &m_error) ? m.id : 0;
    }
    q.prepare(QStringLiteral("INSERT INTO models (path, sha256, name, architecture, size_bytes, "
                             "quantization, added) VALUES (?,?,?,?,?,?,?)"));
    bindAll(q, {m.path, m.sha256, m.name, m.architecture, m.sizeBytes, m.quantization,
                sql::toMs(QDateTime::currentDateTimeUtc())});
    if (!sql::run(q, &m_error)) return 0;
    m.id = q.lastInsertId().toLongLong();
    return m.id;
}

std::optional<ModelRecord> MessageStore::model(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM models WHERE id=?").arg(QLatin1String(kModelColumns)));
    sql::bind(q, id);
    if (!sql::run(q, &m_error) || !q.next()) return std::nullopt;
    return readModel(q);
}

QVector<ModelRecord> MessageStore::models() {
    QVector<ModelRecord> out;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT %1 FROM models ORDER BY name, id")
                    .arg(QLatin1String(kModelColumns))))
        return out;
    while (q.next()) out.append(readModel(q));
    return out;
}

qint64 MessageStore::addComparisonRun(ComparisonRun& r) {
    if (r.uuid.isEmpty()) r.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!r.created.isValid()) r.created = QDateTime::currentDateTimeUtc();
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("INSERT INTO comparison_runs (uuid, title, prompt, system_prompt, "
                       "sampling_json, problem_set, notes, created) VALUES (?,?,?,?,?,?,?,?)"));
    bindAll(q, {r.uuid, r.title, r.prompt, r.systemPrompt, sql::jsonText(r.sampling), r.problemSet,
                r.notes, sql::toMs(r.created)});
    if (!sql::run(q, &m_error)) return 0;
    r.id = q.lastInsertId().toLongLong();
    return r.id;
}

qint64 MessageStore::addComparisonResult(ComparisonResult& r) {
    if (!r.created.isValid()) r.created = QDateTime::currentDateTimeUtc();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "INSERT INTO comparison_results (run_id, model_id, answer, reasoning, state, "
        "prompt_tokens, "
        "thinking_tokens, answer_tokens, ttft_ms, thinking_seconds, tokens_per_second, "
        "finish_reason, verdict, provenance_json, created) VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    bindAll(q, {r.runId, nullableId(r.modelId), r.answer, r.reasoning, stateName(r.state),
                r.promptTokens, r.thinkingTokens, r.answerTokens, r.timeToFirstTokenMs,
                r.thinkingSeconds, r.tokensPerSecond, r.finishReason, r.verdict,
                sql::jsonText(provenanceToJson(r.provenance)), sql::toMs(r.created)});
    if (!sql::run(q, &m_error)) return 0;
    r.id = q.lastInsertId().toLongLong();
    return r.id;
}

namespace {
ComparisonRun readRun(const QSqlQuery& q) {
    ComparisonRun r;
    r.id = q.value(0).toLongLong();
    r.uuid = q.value(1).toString();
    r.title = q.value(2).toString();
    r.prompt = q.value(3).toString();
    r.systemPrompt = q.value(4).toString();
    r.sampling = sql::jsonObject(q.value(5).toString());
    r.problemSet = q.value(6).toString();
    r.notes = q.value(7).toString();
    r.created = sql::fromMs(q.value(8).toLongLong());
    return r;
}
const char* kRunColumns =
    "id, uuid, title, prompt, system_prompt, sampling_json, problem_set, notes, created";
} // namespace

std::optional<ComparisonRun> MessageStore::comparisonRun(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM comparison_runs WHERE id=?")
                  .arg(QLatin1String(kRunColumns)));
    sql::bind(q, id);
    if (!sql::run(q, &m_error) || !q.next()) return std::nullopt;
    return readRun(q);
}

QVector<ComparisonRun> MessageStore::comparisonRuns(int limit) {
    QVector<ComparisonRun> out;
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("SELECT %1 FROM comparison_runs ORDER BY created DESC, id DESC LIMIT ?")
            .arg(QLatin1String(kRunColumns)));
    sql::bind(q, limit);
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) out.append(readRun(q));
    return out;
}

bool MessageStore::renameComparisonRun(qint64 id, const QString& title) {
    const QString trimmed = title.trimmed();
    if (trimmed.isEmpty()) {
        m_error = QStringLiteral("A comparison needs a title.");
        return false;
    }
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE comparison_runs SET title=? WHERE id=?"));
    bindAll(q, {trimmed, id});
    if (!sql::run(q, &m_error)) return false;
    if (q.numRowsAffected() != 1) {
        m_error = QStringLiteral("Comparison %1 is not stored.").arg(id);
        return false;
    }
    return true;
}

bool MessageStore::deleteComparisonRun(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM comparison_runs WHERE id=?"));
    sql::bind(q, id);
    if (!sql::run(q, &m_error)) return false;
    if (q.numRowsAffected() != 1) {
        m_error = QStringLiteral("Comparison %1 is not stored.").arg(id);
        return false;
    }
    return true;
}

QVector<ComparisonResult> MessageStore::comparisonResults(qint64 runId) {
    QVector<ComparisonResult> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "SELECT id, run_id, model_id, answer, reasoning, state, prompt_tokens, thinking_tokens, "
        "answer_tokens, ttft_ms, thinking_seconds, tokens_per_second, finish_reason, verdict, "
        "provenance_json, created FROM comparison_results WHERE run_id=? ORDER BY id"));
    sql::bind(q, runId);
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) {
        ComparisonResult r;
        r.id = q.value(0).toLongLong();
        r.runId = q.value(1).toLongLong();
        r.modelId = q.value(2).toLongLong();
        r.answer = q.value(3).toString();
        r.reasoning = q.value(4).toString();
        r.state = stateFromName(q.value(5).toString()).value_or(MessageState::Error);
        r.promptTokens = q.value(6).toLongLong();
        r.thinkingTokens = q.value(7).toLongLong();
        r.answerTokens = q.value(8).toLongLong();
        r.timeToFirstTokenMs = q.value(9).toDouble();
        r.thinkingSeconds = q.value(10).toDouble();
        r.tokensPerSecond = q.value(11).toDouble();
        r.finishReason = q.value(12).toString();
        r.verdict = q.value(13).toString();
        r.provenance = provenanceFromJson(sql::jsonObject(q.value(14).toString()));
        r.created = sql::fromMs(q.value(15).toLongLong());
        out.append(r);
    }
    return out;
}

qint64 MessageStore::addBenchmarkRun(BenchmarkRun& r) {
    if (!r.created.isValid()) r.created = QDateTime::currentDateTimeUtc();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "INSERT INTO benchmark_runs (model_id, created, backend, threads, prompt_tokens, "
        "generated_tokens, prefill_tokens_per_s, decode_tokens_per_s, engine_version, "
        "details_json) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    bindAll(q, {nullableId(r.modelId), sql::toMs(r.created), r.backend, r.threads, r.promptTokens,
                r.generatedTokens, r.prefillTokensPerSecond, r.decodeTokensPerSecond,
                r.engineVersion, sql::jsonText(r.details)});
    if (!sql::run(q, &m_error)) return 0;
    r.id = q.lastInsertId().toLongLong();
    return r.id;
}

QVector<BenchmarkRun> MessageStore::benchmarkRuns(qint64 modelId) {
    QVector<BenchmarkRun> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "SELECT id, model_id, created, backend, threads, prompt_tokens, generated_tokens, "
        "prefill_tokens_per_s, decode_tokens_per_s, engine_version, details_json FROM "
        "benchmark_runs WHERE (?=0 OR model_id=?) ORDER BY created DESC, id DESC"));
    bindAll(q, {modelId, modelId});
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) {
        BenchmarkRun r;
        r.id = q.value(0).toLongLong();
        r.modelId = q.value(1).toLongLong();
        r.created = sql::fromMs(q.value(2).toLongLong());
        r.backend = q.value(3).toString();
        r.threads = q.value(4).toInt();
        r.promptTokens = q.value(5).toLongLong();
        r.generatedTokens = q.value(6).toLongLong();
        r.prefillTokensPerSecond = q.value(7).toDouble();
        r.decodeTokensPerSecond = q.value(8).toDouble();
        r.engineVersion = q.value(9).toString();
        r.details = sql::jsonObject(q.value(10).toString());
        out.append(r);
    }
    return out;
}

} // namespace rwb::storage
