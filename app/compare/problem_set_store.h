// ProblemSetStore: the results of problem-set runs in SQLite, one row per finished sample, so
// a run that is paused (or interrupted by quitting) resumes where it stopped. Its two tables
// are its own (created if missing; additive to whatever else the file holds). One connection
// per store object: use it only on the thread that made it.
#pragma once

#include "compare/run_config.h"

#include "rwb/eval_stats.h"

#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <QVector>
#include <optional>

namespace rwb::compare {

struct SampleRecord {
    QString model;
    int budget = 0;       // thinking budget (0: unlimited)
    int problemIndex = 0; // position in the set
    int sample = 0;
    QString problemId;
    QString reference; // the reference answer
    QString extracted; // the model's final answer ("" = none)
    bool correct = false;
    qint64 thinkingTokens = 0, answerTokens = 0, generatedTokens = 0;
    double generationSeconds = 0, wallSeconds = 0;
    QString thinking, answer; // the texts, for drill-down
    // Where the sample really ran (the engine's "cpu", "cuda", "cuda+cpu"; the run's config
    // holds what was asked for, e.g. CUDA that fell back to the CPU). "" for older rows.
    QString backend;

    QString key() const; // model|budget|problem|sample
};

// One line of the results: a model at a budget.
struct ResultRow {
    QString model;
    int budget = 0;
    rwb::eval::EvalSummary summary;
    QVector<qint64> thinkingTokens; // per sample, for the distribution chart
};

struct RunInfo {
    qint64 id = 0;
    ProblemSetConfig config;
    qint64 created = 0; // ms since the epoch
    bool complete = false;
};

class ProblemSetStore {
public:
    explicit ProblemSetStore(const QString& databasePath);
    ~ProblemSetStore();
    ProblemSetStore(const ProblemSetStore&) = delete;
    ProblemSetStore& operator=(const ProblemSetStore&) = delete;

    bool isOpen() const { return m_error.isEmpty(); }
    QString error() const { return m_error; } // one line

    qint64 createRun(const ProblemSetConfig& config); // 0 on failure
    std::optional<RunInfo> run(qint64 id) const;
    QVector<RunInfo> runs() const; // newest first
    bool setComplete(qint64 id, bool complete);
    // Removes the run and its stored samples; false (and the reason in *why) when there is no
    // such run or the file refuses. error() stays about opening.
    bool deleteRun(qint64 id, QString* why = nullptr);

    bool saveSample(qint64 runId, const SampleRecord& record);
    QSet<QString> finishedKeys(qint64 runId) const;
    QVector<SampleRecord> samples(qint64 runId, bool withTexts = false) const;

    // Summaries per (model, budget) in the run's order of models and budgets.
    QVector<ResultRow> results(qint64 runId) const;

private:
    QString m_connection;
    QString m_error;
    QSqlDatabase db() const;
};

// Summaries of a list of samples (grouped by model and budget, in the config's order).
QVector<ResultRow> summarizeSamples(const ProblemSetConfig& config,
                                    const QVector<SampleRecord>& samples);

} // namespace rwb::compare
