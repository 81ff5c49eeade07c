// SQLite store of problem-set results (see problem_set_store.h).
#include "compare/problem_set_store.h"

#include "rwb/eval_grading.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMap>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace rwb::compare {
namespace {

const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS problem_set_runs ("
    " id INTEGER PRIMARY KEY, config_json TEXT NOT NULL, created INTEGER NOT NULL,"
    " complete INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS problem_set_samples ("
    " run_id INTEGER NOT NULL REFERENCES problem_set_runs(id) ON DELETE CASCADE,"
    " model TEXT NOT NULL, budget INTEGER NOT NULL, problem_index INTEGER NOT NULL,"
    " sample INTEGER NOT NULL, problem_id TEXT NOT NULL, reference TEXT NOT NULL,"
    " extracted TEXT NOT NULL, correct INTEGER NOT NULL, thinking_tokens INTEGER NOT NULL,"
    " answer_tokens INTEGER NOT NULL, generated_tokens INTEGER NOT NULL,"
    " generation_seconds REAL NOT NULL, wall_seconds REAL NOT NULL,"
    " thinking TEXT NOT NULL, answer TEXT NOT NULL, backend TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (run_id, model, budget, problem_index, sample))",
};

// A QString bound as is would be NULL when it is null; the columns want text.
QVariant text(const QString& s) {
    return QVariant(s.isNull() ? QStringLiteral("") : s);
}

} // namespace

QString SampleRecord::key() const {
    return model + '|' + QString::number(budget) + '|' + QString::number(problemIndex) + '|' +
           QString::number(sample);
}

ProblemSetStore::ProblemSetStore(const QString& databasePath)
    : m_connection(QStringLiteral("rwb-compare-") +
                   QUuid::createUuid().toString(QUuid::WithoutBraces)) {
    QSqlDatabase d = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    d.setDatabaseName(databasePath);
    if (!d.open()) {
        m_error = "cannot open " + databasePath + ": " + d.lastError().text();
        return;
    }
    QSqlQuery q(d);
    q.exec(QStringLiteral("PRAGMA busy_timeout = 5000"));
    q.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    for (const char* sql : kSchema)
        if (!q.exec(QString::fromLatin1(sql))) {
            m_error = "cannot create the results tables: " + q.lastError().text();
            return;
        }
    // Files written before samples recorded their backend gain the column (empty for them).
    bool hasBackend = false;
    if (q.exec(QStringLiteral("PRAGMA table_info(problem_set_samples)")))
        while (q.next()) hasBackend |= q.value(1).toString() == QLatin1String("backend");
    if (!hasBackend && !q.exec(QStringLiteral("ALTER TABLE problem_set_samples ADD COLUMN backend "
                                              "TEXT NOT NULL DEFAULT ''"))) {
        m_error = "cannot update the results tables: " + q.lastError().text();
        return;
    }
}

ProblemSetStore::~ProblemSetStore() {
    {
        QSqlDatabase d = QSqlDatabase::database(m_connection, false);
        if (d.isOpen()) d.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QSqlDatabase ProblemSetStore::db() const {
    return QSqlDatabase::database(m_connection, false);
}

qint64 ProblemSetStore::createRun(const ProblemSetConfig& config) {
    QSqlQuery q(db());
    q.prepare(QStringLiteral("INSERT INTO problem_set_runs(config_json, created) VALUES (?, ?)"));
    q.addBindValue(
        QString::fromUtf8(QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact)));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec()) return 0;
    return q.lastInsertId().toLongLong();
}

std::optional<RunInfo> ProblemSetStore::run(qint64 id) const {
    QSqlQuery q(db());
    q.prepare(QStringLiteral(
        "SELECT id, config_json, created, complete FROM problem_set_runs WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next()) return std::nullopt;
    RunInfo r;
    r.id = q.value(0).toLongLong();
    r.config =
        ProblemSetConfig::fromJson(QJsonDocument::fromJson(q.value(1).toByteArray()).object());
    r.created = q.value(2).toLongLong();
    r.complete = q.value(3).toBool();
    return r;
}

QVector<RunInfo> ProblemSetStore::runs() const {
    QVector<RunInfo> out;
    QSqlQuery q(db());
    if (!q.exec(QStringLiteral("SELECT id FROM problem_set_runs ORDER BY created DESC, id DESC")))
        return out;
    while (q.next())
        if (auto r = run(q.value(0).toLongLong())) out.append(*r);
    return out;
}

bool ProblemSetStore::setComplete(qint64 id, bool complete) {
    QSqlQuery q(db());
    q.prepare(QStringLiteral("UPDATE problem_set_runs SET complete = ? WHERE id = ?"));
    q.addBindValue(complete ? 1 : 0);
    q.addBindValue(id);
    return q.exec();
}

bool ProblemSetStore::deleteRun(qint64 id, QString* why) {
    QString ignored;
    QString& error = why ? *why : ignored;
    QSqlDatabase d = db();
    // The samples are deleted explicitly too: the cascade needs foreign_keys, which a file
    // written by another tool may have had off; both go in one transaction.
    if (!d.transaction()) {
        error = "cannot delete run: " + d.lastError().text();
        return false;
    }
    QSqlQuery q(d);
    q.prepare(QStringLiteral("DELETE FROM problem_set_samples WHERE run_id = ?"));
    q.addBindValue(id);
    bool ok = q.exec();
    int removed = 0;
    if (ok) {
        q.prepare(QStringLiteral("DELETE FROM problem_set_runs WHERE id = ?"));
        q.addBindValue(id);
        ok = q.exec();
        removed = q.numRowsAffected();
    }
    if (!ok || removed != 1) {
        error = ok ? QStringLiteral("problem-set run %1 is not stored").arg(id)
                   : "cannot delete run: " + q.lastError().text();
        d.rollback();
        return false;
    }
    if (!d.commit()) {
        error = "cannot delete run: " + d.lastError().text();
        return false;
    }
    return true;
}

bool ProblemSetStore::saveSample(qint64 runId, const SampleRecord& r) {
    QSqlQuery q(db());
    q.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO problem_set_samples(run_id, model, budget, problem_index, sample,"
        " problem_id, reference, extracted, correct, thinking_tokens, answer_tokens,"
        " generated_tokens, generation_seconds, wall_seconds, thinking, answer, backend)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant& v :
         {QVariant(runId), text(r.model), QVariant(r.budget), QVariant(r.problemIndex),
          QVariant(r.sample), text(r.problemId), text(r.reference), text(r.extracted),
          QVariant(r.correct ? 1 : 0), QVariant(r.thinkingTokens), QVariant(r.answerTokens),
          QVariant(r.generatedTokens), QVariant(r.generationSeconds), QVariant(r.wallSeconds),
          text(r.thinking), text(r.answer), text(r.backend)})
        q.addBindValue(v);
    if (!q.exec()) {
        qWarning("problem-set store: %s", qPrintable(q.lastError().text()));
        return false;
    }
    return true;
}

QSet<QString> ProblemSetStore::finishedKeys(qint64 runId) const {
    QSet<QString> keys;
    for (const SampleRecord& r : samples(runId)) keys.insert(r.key());
    return keys;
}

QVector<SampleRecord> ProblemSetStore::samples(qint64 runId, bool withTexts) const {
    QVector<SampleRecord> out;
    QSqlQuery q(db());
    q.prepare(QStringLiteral(
                  "SELECT model, budget, problem_index, sample, problem_id, reference, extracted,"
                  " correct, thinking_tokens, answer_tokens, generated_tokens, generation_seconds,"
                  " wall_seconds, backend%1 FROM problem_set_samples WHERE run_id = ?"
                  " ORDER BY problem_index, sample")
                  .arg(withTexts ? QStringLiteral(", thinking, answer") : QString()));
    q.addBindValue(runId);
    if (!q.exec()) return out;
    while (q.next()) {
        SampleRecord r;
        r.model = q.value(0).toString();
        r.budget = q.value(1).toInt();
        r.problemIndex = q.value(2).toInt();
        r.sample = q.value(3).toInt();
        r.problemId = q.value(4).toString();
        r.reference = q.value(5).toString();
        r.extracted = q.value(6).toString();
        r.correct = q.value(7).toBool();
        r.thinkingTokens = q.value(8).toLongLong();
        r.answerTokens = q.value(9).toLongLong();
        r.generatedTokens = q.value(10).toLongLong();
        r.generationSeconds = q.value(11).toDouble();
        r.wallSeconds = q.value(12).toDouble();
        r.backend = q.value(13).toString();
        if (withTexts) {
            r.thinking = q.value(14).toString();
            r.answer = q.value(15).toString();
        }
        out.append(r);
    }
    return out;
}

QVector<ResultRow> ProblemSetStore::results(qint64 runId) const {
    const auto info = run(runId);
    if (!info) return {};
    return summarizeSamples(info->config, samples(runId));
}

QVector<ResultRow> summarizeSamples(const ProblemSetConfig& config,
                                    const QVector<SampleRecord>& samples) {
    QVector<ResultRow> rows;
    for (const QString& model : config.models)
        for (int budget : config.budgets) {
            // problem index -> outcome, in problem order
            QMap<int, rwb::eval::ProblemOutcome> problems;
            ResultRow row;
            row.model = model;
            row.budget = budget;
            for (const SampleRecord& s : samples) {
                if (s.model != model || s.budget != budget) continue;
                rwb::eval::ProblemOutcome& p = problems[s.problemIndex];
                p.reference = s.reference.toStdString();
                rwb::eval::SampleOutcome o;
                o.answer = s.extracted.toStdString();
                o.normalized =
                    o.answer.empty() ? std::string() : rwb::eval::normalize_answer(o.answer);
                o.correct = s.correct;
                o.thinking_tokens = s.thinkingTokens;
                o.answer_tokens = s.answerTokens;
                o.generated_tokens = s.generatedTokens;
                o.generation_seconds = s.generationSeconds;
                o.wall_seconds = s.wallSeconds;
                p.samples.push_back(std::move(o));
                row.thinkingTokens.append(s.thinkingTokens);
            }
            std::vector<rwb::eval::ProblemOutcome> list;
            for (auto it = problems.begin(); it != problems.end(); ++it) list.push_back(*it);
            row.summary = rwb::eval::summarize(list, config.samples);
            rows.append(row);
        }
    return rows;
}

} // namespace rwb::compare
