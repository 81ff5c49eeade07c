// ProblemSetRunner: runs a stored problem-set run in the background (on its own QThread, see
// ProblemSetThread). Every (model, budget, problem, sample) still missing from the store is
// generated through rwb::eval::run_sample, the same code and seeds as `rwb eval`, and saved as
// soon as it finishes, so pause() (or quitting) loses at most the samples in flight and
// start() on the same run resumes. Models that fit in memory together run concurrently, each
// on its share of the threads; the others wait for memory and run in later waves. Models load
// through the app's ModelCache on the run's backend and GPU layers, so a chat or compare column
// on the same file and placement shares the loaded weights.
#pragma once

#include "compare/problem_set_store.h"

#include <QObject>
#include <QThread>
#include <atomic>
#include <mutex>
#include <vector>

namespace rwb {
class Session;
}

namespace rwb::compare {

class ProblemSetRunner : public QObject {
    Q_OBJECT
public:
    explicit ProblemSetRunner(QObject* parent = nullptr);

    // Thread-safe: the samples in flight are cancelled (and re-run on resume); finished(false)
    // follows.
    void pause();

public slots:
    // Runs (or resumes) run `runId` of the database at `databasePath`. Emits progress as
    // samples finish and ends with exactly one finished() (or failed()).
    void start(const QString& databasePath, qint64 runId);

signals:
    // done and total count samples of the whole run; etaSeconds < 0 while unknown.
    void progress(qint64 runId, int done, int total, double etaSeconds);
    // "waiting for memory", "loading", "running", "done", or an error line.
    void modelState(qint64 runId, const QString& model, const QString& state);
    // One line when the run's GPU backend could not be used and `model` runs on the CPU
    // ("CUDA backend unavailable: ...; running on the CPU"); before that model's "running".
    void backendNotice(qint64 runId, const QString& model, const QString& notice);
    void sampleFinished(qint64 runId, const rwb::compare::SampleRecord& record);
    void finished(qint64 runId, bool complete); // complete: nothing left to run
    void failed(qint64 runId, const QString& error);

private:
    std::atomic<bool> m_paused{false};
    std::mutex m_sessionsMutex; // guards m_sessions against pause() from other threads
    std::vector<rwb::Session*> m_sessions;
    friend struct ModelJob;
};

// The runner on its own thread; destruction pauses it and joins the thread.
class ProblemSetThread {
public:
    ProblemSetThread();
    ~ProblemSetThread();
    ProblemSetThread(const ProblemSetThread&) = delete;
    ProblemSetThread& operator=(const ProblemSetThread&) = delete;
    ProblemSetRunner* runner() const { return m_runner; }

private:
    QThread m_thread;
    ProblemSetRunner* m_runner;
};

void registerCompareMetaTypes();

} // namespace rwb::compare

Q_DECLARE_METATYPE(rwb::compare::SampleRecord)
