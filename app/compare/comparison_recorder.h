// ComparisonRecorder: stores every live comparison in the history database. When all columns of
// a CompareSession have finished (or were stopped), it turns the session into one ComparisonRun
// (title = the prompt's first line, the prompt, the sampling settings with the seed) and one
// ComparisonResult per column (the model in the models catalogue, texts, state, token counts,
// times, the extracted answer in `verdict`, the other figures of the metrics table under
// "compare_metrics" in the provenance's sampling object) and saves them on the StorageWorker's
// thread, so the UI thread never waits on the disk. Each send (a new seed) is a new run.
// The free functions read stored runs back; they run on the storage thread (MessageStore).
#pragma once

#include "compare/compare_session.h"
#include "message_store.h"

#include <QObject>
#include <QPointer>

namespace rwb::storage {
class StorageWorker;
}

namespace rwb::compare {

// A comparison run as it is saved: the records and the model of each result.
struct ComparisonRecord {
    rwb::storage::ComparisonRun run;
    QVector<rwb::storage::ComparisonResult> results;
    QVector<rwb::storage::ModelRecord> models; // per result; an empty path: no model
};

// One line of the conversation list's Compare section.
struct ComparisonSummary {
    qint64 id = 0;
    QString title;
    QDateTime created;
    int modelCount = 0;
};

// The session's current columns as records (nothing is saved).
ComparisonRecord comparisonRecord(const CompareSession& session);
// Saves a record (models into the catalogue first); the run id, 0 on error (store.lastError()).
qint64 saveComparison(rwb::storage::MessageStore& store, ComparisonRecord record);
// Reads a stored run with its results and their models; nullopt when there is no such run.
std::optional<ComparisonRecord> loadComparison(rwb::storage::MessageStore& store, qint64 runId);
// Stored live comparisons (not problem sets), newest first.
QVector<ComparisonSummary> listComparisons(rwb::storage::MessageStore& store, int limit = 200);

class ComparisonRecorder : public QObject {
    Q_OBJECT
public:
    ComparisonRecorder(CompareSession* session, rwb::storage::StorageWorker* storage,
                       QObject* parent = nullptr);

signals:
    void saved(qint64 runId);
    void saveFailed(const QString& error);

private:
    void record();

    CompareSession* m_session;
    QPointer<rwb::storage::StorageWorker> m_storage;
    bool m_armed = false; // a column ran since the last save
};

} // namespace rwb::compare
