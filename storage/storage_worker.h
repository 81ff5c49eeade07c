// StorageWorker: owns the MessageStore on its own thread so the UI never waits on the disk.
// Everything goes through queued slots; every result comes back as a signal tagged with the
// caller's request id (late results for a stale request are recognised and dropped by the
// caller). Streaming answers are coalesced by a StreamingWriter per message plus a timer, so a
// flood of token pieces costs at most a couple of writes per second.
// StorageThread bundles the QThread and the worker for the app.
#pragma once

#include "message_store.h"
#include "search.h"
#include "streaming_writer.h"

#include <QObject>
#include <QThread>
#include <QTimer>
#include <map>
#include <memory>

namespace rwb::storage {

class StorageWorker : public QObject {
    Q_OBJECT
public:
    explicit StorageWorker(QObject* parent = nullptr);
    ~StorageWorker() override;

public slots:
    void open(quint64 requestId, const QString& path);
    void moveAsideAndRecreate(quint64 requestId);
    void listConversations(quint64 requestId, int limit, int offset);
    void loadConversation(quint64 requestId, qint64 conversationId);
    void createConversation(quint64 requestId, rwb::storage::Conversation conversation);
    void updateConversation(quint64 requestId, rwb::storage::Conversation conversation);
    void deleteConversation(quint64 requestId, qint64 conversationId);
    void addMessage(quint64 requestId, rwb::storage::Message message);
    void selectBranch(quint64 requestId, qint64 messageId);
    // Every message of every branch, oldest first (branch navigation counts siblings in it).
    void loadAllMessages(quint64 requestId, qint64 conversationId);
    void deleteMessage(quint64 requestId, qint64 messageId); // with its descendants; done()
    void search(quint64 requestId, rwb::storage::SearchQuery query);
    // Adds the model to the catalogue, or updates the entry with the same sha256 (or, without
    // one, the same path); answers with modelRegistered and returns the id (0 on error).
    qint64 registerModel(quint64 requestId, rwb::storage::ModelRecord model);

    // Streaming: begin creates the message (state streaming) and answers with messageAdded.
    void beginStreaming(quint64 requestId, rwb::storage::Message message);
    void appendStreaming(qint64 messageId, int phase, const QString& piece); // StreamPhase
    void finishStreaming(quint64 requestId, qint64 messageId, rwb::storage::MessageOutcome outcome);

    void exportJsonFile(quint64 requestId, const QVector<qint64>& conversationIds,
                        const QString& path);
    void importJsonFile(quint64 requestId, const QString& path);

    // Saves unsaved streaming text and closes the database (called before the thread stops).
    void shutdown();

public:
    // The store itself, for callers that post a function to this worker's thread (comparison
    // runs are saved and read that way). Use it only on the worker's thread.
    MessageStore& store() { return m_store; }

signals:
    void opened(quint64 requestId, bool ok, int openError, const QString& error, int interrupted);
    void conversationsListed(quint64 requestId,
                             const QVector<rwb::storage::ConversationSummary>& list);
    void conversationLoaded(quint64 requestId, const rwb::storage::Conversation& conversation,
                            const QVector<rwb::storage::Message>& visiblePath);
    void conversationSaved(quint64 requestId, const rwb::storage::Conversation& conversation);
    void messageAdded(quint64 requestId, const rwb::storage::Message& message);
    void allMessagesLoaded(quint64 requestId, qint64 conversationId,
                           const QVector<rwb::storage::Message>& messages);
    void searchFinished(quint64 requestId, const QVector<rwb::storage::SearchHit>& hits);
    void modelRegistered(quint64 requestId, const rwb::storage::ModelRecord& model);
    void done(quint64 requestId);                         // success of a call with no payload
    void failed(quint64 requestId, const QString& error); // one line for the user
    void streamingSaveFailed(qint64 messageId, const QString& error);

private:
    void flushDueWriters();
    void ensureTimer();

    MessageStore m_store;
    std::map<qint64, std::unique_ptr<StreamingWriter>> m_writers;
    QTimer* m_timer = nullptr;
};

// The worker on its own thread. Destruction saves pending text and joins the thread.
class StorageThread {
public:
    StorageThread();
    ~StorageThread();
    StorageThread(const StorageThread&) = delete;
    StorageThread& operator=(const StorageThread&) = delete;
    StorageWorker* worker() const { return m_worker; }

private:
    QThread m_thread;
    StorageWorker* m_worker;
};

void registerStorageMetaTypes();

} // namespace rwb::storage

Q_DECLARE_METATYPE(rwb::storage::Conversation)
Q_DECLARE_METATYPE(rwb::storage::Message)
Q_DECLARE_METATYPE(rwb::storage::MessageOutcome)
Q_DECLARE_METATYPE(rwb::storage::SearchQuery)
Q_DECLARE_METATYPE(rwb::storage::SearchHit)
Q_DECLARE_METATYPE(rwb::storage::ConversationSummary)
Q_DECLARE_METATYPE(rwb::storage::ModelRecord)
