// MessageStore: the synchronous API over one SQLite connection holding all conversations,
// messages (with branches), models, comparison and benchmark runs. One instance belongs to one
// thread (the StorageWorker's, or a test's). Opening checks the file before touching it: a file
// that is not SQLite, a corrupt one, one from a newer version or a read-only folder is refused
// with a one-line message and left byte-for-byte as it was.
#pragma once

#include "records.h"

#include <QSqlDatabase>
#include <QString>
#include <QVector>
#include <optional>

namespace rwb::storage {

enum class OpenError {
    None,
    NotADatabase, // the file is not SQLite: moveAsideAndRecreate() can start afresh
    Corrupt,      // SQLite, but damaged: moveAsideAndRecreate() can start afresh
    TooNew,       // written by a newer version: never touched
    ReadOnly,     // the file or its folder cannot be written
    CannotOpen,   // anything else (missing folder that cannot be made, I/O error, full disk)
};

struct ConversationSummary {
    qint64 id = 0;
    QString title;
    QDateTime updated;
    bool pinned = false;
    QString folder;
    qint64 messageCount = 0;
};

class MessageStore {
public:
    MessageStore();
    ~MessageStore();
    MessageStore(const MessageStore&) = delete;
    MessageStore& operator=(const MessageStore&) = delete;

    // <user data folder>/history.sqlite (QStandardPaths::AppDataLocation).
    static QString defaultDatabasePath();

    // Opens (creating if absent) and migrates to the newest schema; marks messages left
    // `streaming` by a crash as `interrupted`. On failure: false, openError() and lastError().
    bool open(const QString& path);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }
    OpenError openError() const { return m_openError; }
    QString lastError() const { return m_error; }
    int interruptedOnOpen() const { return m_interruptedOnOpen; }

    // Renames the damaged file at path() (and its -wal/-shm) to "<name>.corrupt-<UTC time>", then
    // opens a fresh database there. Only for NotADatabase/Corrupt, after the user agreed.
    bool moveAsideAndRecreate(QString* movedTo = nullptr);

    int schemaVersion();
    QString integrityCheck(); // "ok" or SQLite's findings
    QSqlDatabase& database() { return m_db; }
    void setError(const QString& error) { m_error = error; }

    // Conversations.
    qint64 createConversation(Conversation& conversation); // fills id/uuid/created; 0 on error
    bool
    updateConversation(const Conversation& conversation); // title, pinned, settings, folder, tags
    bool renameConversation(qint64 id, const QString& title);
    bool setPinned(qint64 id, bool pinned);
    bool deleteConversation(qint64 id);
    std::optional<Conversation> conversation(qint64 id);
    std::optional<qint64> conversationIdByUuid(const QString& uuid);
    QVector<ConversationSummary> listConversations(int limit = 200, int offset = 0);
    QVector<qint64> allConversationIds(); // oldest first

    // Messages. addMessage makes the new message the conversation's current leaf.
    qint64 addMessage(Message& message); // fills id/uuid/created; 0 on error
    // Streaming: replaces the texts of a message (state stays as it is).
    bool saveStreamingText(qint64 id, const QString& answer, const QString& reasoning);
    bool finishMessage(qint64 id, const QString& answer, const QString& reasoning,
                       const MessageOutcome& outcome);
    std::optional<Message> message(qint64 id);
    bool deleteMessage(qint64 id); // with its descendants
    int markStreamingInterrupted();

    // Branches. The visible path runs from a root to the conversation's current leaf.
    QVector<Message> visiblePath(qint64 conversationId);
    QVector<Message> allMessages(qint64 conversationId); // every branch, oldest first
    QVector<qint64> siblingIds(qint64 messageId);        // including itself, oldest first
    QVector<qint64> childIds(qint64 messageId);
    // Shows the branch through messageId: the current leaf becomes its newest descendant.
    bool selectBranch(qint64 messageId);
    bool setCurrentLeaf(qint64 conversationId, qint64 leafId);

    // Models, comparisons, benchmarks.
    qint64 upsertModel(ModelRecord& model); // matched by sha256 (or path when sha256 is empty)
    std::optional<ModelRecord> model(qint64 id);
    QVector<ModelRecord> models();
    qint64 addComparisonRun(ComparisonRun& run);
    qint64 addComparisonResult(ComparisonResult& result);
    std::optional<ComparisonRun> comparisonRun(qint64 id);
    QVector<ComparisonRun> comparisonRuns(int limit = 200);
    QVector<ComparisonResult> comparisonResults(qint64 runId);
    // False (with lastError()) when there is no such run or the title is blank.
    bool renameComparisonRun(qint64 id, const QString& title);
    // Its results go with it (comparison_results.run_id is ON DELETE CASCADE).
    bool deleteComparisonRun(qint64 id);
    qint64 addBenchmarkRun(BenchmarkRun& run);
    QVector<BenchmarkRun> benchmarkRuns(qint64 modelId = 0); // 0 = all, newest first

private:
    bool fail(const QString& what, const QString& why);
    bool openChecked(const QString& path);
    bool touchConversation(qint64 id);

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_path;
    QString m_error;
    OpenError m_openError = OpenError::None;
    int m_interruptedOnOpen = 0;
};

} // namespace rwb::storage
