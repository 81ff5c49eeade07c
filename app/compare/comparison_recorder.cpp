// ComparisonRecorder and the stored comparison runs (see comparison_recorder.h).
#include "compare/comparison_recorder.h"

#include "storage_worker.h"

#include "rwb/chat.h"
#include "rwb/version.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QMetaObject>
#include <QSqlQuery>
#include <map>

namespace rwb::compare {

using rwb::storage::ComparisonResult;
using rwb::storage::MessageState;
using rwb::storage::MessageStore;
using rwb::storage::ModelRecord;

namespace {
MessageState messageState(ColumnState s) {
    switch (s) {
    case ColumnState::Finished:
        return MessageState::Complete;
    case ColumnState::Stopped:
        return MessageState::Cancelled;
    case ColumnState::Failed:
        return MessageState::Error;
    default:
        return MessageState::Interrupted;
    }
}

bool isRunning(ColumnState s) {
    return s == ColumnState::WaitingForMemory || s == ColumnState::Loading ||
           s == ColumnState::Thinking || s == ColumnState::Answering;
}

// The figures of the metrics table that the comparison_results columns do not hold.
QJsonObject metricsJson(const ColumnResult& r) {
    const ColumnMetrics& m = r.metrics;
    QJsonObject o;
    o.insert(QStringLiteral("model_path"), r.modelPath);
    o.insert(QStringLiteral("first_answer_ms"), m.firstAnswerMs);
    o.insert(QStringLiteral("thinking_tokens_per_second"), m.thinkingTokensPerSecond);
    o.insert(QStringLiteral("answer_tokens_per_second"), m.answerTokensPerSecond);
    o.insert(QStringLiteral("peak_memory_bytes"), double(m.peakMemoryBytes));
    o.insert(QStringLiteral("peak_weights_bytes"), double(m.peakWeightsBytes));
    o.insert(QStringLiteral("peak_session_bytes"), double(m.peakSessionBytes));
    o.insert(QStringLiteral("planned_memory_bytes"), double(m.plannedMemoryBytes));
    o.insert(QStringLiteral("threads"), r.threads);
    o.insert(QStringLiteral("remote"), r.remote);
    if (m.cost >= 0) o.insert(QStringLiteral("cost"), m.cost);
    if (!r.error.isEmpty()) o.insert(QStringLiteral("error"), r.error);
    return o;
}
} // namespace

ComparisonRecord comparisonRecord(const CompareSession& session) {
    ComparisonRecord rec;
    const QString prompt = session.prompt();
    rec.run.title = prompt.section(QLatin1Char('\n'), 0, 0).trimmed().left(120);
    rec.run.prompt = prompt;
    rec.run.systemPrompt = session.settings().systemPrompt;
    rec.run.sampling = session.settings().samplingJson();
    if (session.columnCount() > 0)
        // As text, as the provenance keeps it: a 64-bit seed does not fit a JSON double.
        rec.run.sampling.insert(QStringLiteral("seed"), QString::number(session.column(0).seed));
    for (int i = 0; i < session.columnCount(); ++i) {
        const ColumnResult& c = session.column(i);
        ComparisonResult r;
        r.answer = c.answer;
        r.reasoning = c.thinking;
        r.state = messageState(c.state);
        r.promptTokens = c.metrics.promptTokens;
        r.thinkingTokens = c.metrics.thinkingTokens;
        r.answerTokens = c.metrics.answerTokens;
        r.timeToFirstTokenMs = qMax(0.0, c.metrics.ttftMs);
        r.thinkingSeconds = c.metrics.thinkingSeconds;
        r.tokensPerSecond = c.metrics.answerTokensPerSecond;
        r.finishReason = c.error.isEmpty() ? columnStateText(c.state) : c.error;
        r.verdict = c.metrics.extractedAnswer;
        r.provenance.sampling = session.settings().samplingJson();
        r.provenance.sampling.insert(QStringLiteral("compare_metrics"), metricsJson(c));
        r.provenance.seed = qint64(c.seed);
        if (session.settings().thinkingBudget > 0)
            r.provenance.thinkingBudget = session.settings().thinkingBudget;
        r.provenance.chatTemplateVersion = QString::fromUtf8(rwb::kR1ChatTemplateVersion);
        r.provenance.engineVersion = QString::fromUtf8(rwb::version_string());
        rec.results.append(r);
        ModelRecord model;
        if (c.remote) {
            model.path = c.modelPath;
            model.name = c.modelPath;
        } else if (!c.modelPath.isEmpty()) {
            const QFileInfo file(c.modelPath);
            model.path = file.absoluteFilePath();
            model.name = file.completeBaseName();
            model.sizeBytes = file.size();
        }
        rec.models.append(model);
    }
    return rec;
}

qint64 saveComparison(MessageStore& store, ComparisonRecord rec) {
    // One transaction: a run is stored whole or not at all.
    QSqlDatabase& db = store.database();
    db.transaction();
    if (store.addComparisonRun(rec.run) == 0) {
        db.rollback();
        return 0;
    }
    for (int i = 0; i < rec.results.size(); ++i) {
        ComparisonResult& r = rec.results[i];
        r.runId = rec.run.id;
        if (i < rec.models.size() && !rec.models[i].path.isEmpty())
            r.modelId = store.upsertModel(rec.models[i]);
        if (store.addComparisonResult(r) == 0) {
            db.rollback();
            return 0;
        }
    }
    db.commit();
    return rec.run.id;
}

std::optional<ComparisonRecord> loadComparison(MessageStore& store, qint64 runId) {
    auto run = store.comparisonRun(runId);
    if (!run) return std::nullopt;
    ComparisonRecord rec;
    rec.run = *run;
    rec.results = store.comparisonResults(runId);
    for (const ComparisonResult& r : rec.results)
        rec.models.append(r.modelId ? store.model(r.modelId).value_or(ModelRecord{})
                                    : ModelRecord{});
    return rec;
}

QVector<ComparisonSummary> listComparisons(MessageStore& store, int limit) {
    std::map<qint64, int> counts;
    QSqlQuery q(store.database());
    if (q.exec(QStringLiteral("SELECT run_id, COUNT(*) FROM comparison_results GROUP BY run_id")))
        while (q.next()) counts[q.value(0).toLongLong()] = q.value(1).toInt();
    QVector<ComparisonSummary> out;
    for (const auto& run : store.comparisonRuns(limit)) {
        if (!run.problemSet.isEmpty()) continue; // problem sets are listed from their own store
        auto it = counts.find(run.id);
        out.append({run.id, run.title, run.created, it == counts.end() ? 0 : it->second});
    }
    return out;
}

ComparisonRecorder::ComparisonRecorder(CompareSession* session,
                                       rwb::storage::StorageWorker* storage, QObject* parent)
    : QObject(parent), m_session(session), m_storage(storage) {
    connect(session, &CompareSession::columnStateChanged, this,
            [this](int, ColumnState s) { m_armed = m_armed || isRunning(s); });
    connect(session, &CompareSession::allFinished, this, &ComparisonRecorder::record);
}

void ComparisonRecorder::record() {
    if (!m_armed || !m_storage || m_session->columnCount() == 0) return;
    m_armed = false;
    QPointer<ComparisonRecorder> self(this);
    rwb::storage::StorageWorker* storage = m_storage;
    QMetaObject::invokeMethod(storage, [storage, self, rec = comparisonRecord(*m_session)] {
        const qint64 id = saveComparison(storage->store(), rec);
        const QString error = id ? QString() : storage->store().lastError();
        if (!self) return; // the window closed meanwhile: the run is stored all the same
        QMetaObject::invokeMethod(self.data(), [self, id, error] {
            if (!self) return;
            if (id)
                emit self->saved(id);
            else
                emit self->saveFailed(QObject::tr("Could not store the comparison: %1").arg(error));
        });
    });
}

} // namespace rwb::compare
