// StorageRequests: the UI's callback-style front of the StorageWorker. The worker answers every
// queued call with a signal tagged by a request id; this object hands out ids (tagged so they
// never collide with other users of the same worker), keeps a callback per pending call and
// routes each answer to it on the UI thread. Answers for ids it did not issue are ignored.
#pragma once

#include "storage_worker.h"

#include <QObject>
#include <functional>
#include <unordered_map>

namespace rwb::ui {

class StorageRequests : public QObject {
    Q_OBJECT
public:
    using Fail = std::function<void(const QString&)>;

    explicit StorageRequests(rwb::storage::StorageWorker* worker, QObject* parent = nullptr);
    rwb::storage::StorageWorker* worker() const { return m_worker; }

    void listConversations(int limit,
                           std::function<void(const QVector<storage::ConversationSummary>&)> ok,
                           Fail fail = {});
    void loadConversation(
        qint64 id,
        std::function<void(const storage::Conversation&, const QVector<storage::Message>&)> ok,
        Fail fail = {});
    void createConversation(const storage::Conversation& c,
                            std::function<void(const storage::Conversation&)> ok, Fail fail = {});
    void updateConversation(const storage::Conversation& c,
                            std::function<void(const storage::Conversation&)> ok, Fail fail = {});
    // Loads the conversation, lets `change` edit it and saves it (rename, pin keep the rest).
    void modifyConversation(qint64 id, std::function<void(storage::Conversation&)> change,
                            std::function<void(const storage::Conversation&)> ok, Fail fail = {});
    void deleteConversation(qint64 id, std::function<void()> ok, Fail fail = {});
    void selectBranch(qint64 messageId, std::function<void()> ok, Fail fail = {});
    void loadAllMessages(qint64 conversationId,
                         std::function<void(const QVector<storage::Message>&)> ok, Fail fail = {});
    void deleteMessage(qint64 messageId, std::function<void()> ok, Fail fail = {});
    // Opens the database; ok(interruptedOnOpen). Everything posted after it runs after it.
    void open(const QString& path, std::function<void(int)> ok, Fail fail = {});
    void search(const storage::SearchQuery& query,
                std::function<void(const QVector<storage::SearchHit>&)> ok, Fail fail = {});
    void exportJsonFile(const QVector<qint64>& ids, const QString& path, std::function<void()> ok,
                        Fail fail = {});
    void importJsonFile(const QString& path, std::function<void()> ok, Fail fail = {});

signals:
    // A call without its own failure callback failed (one line for the user).
    void failed(const QString& error);

private:
    struct Pending {
        std::function<void(const QVector<storage::ConversationSummary>&)> listed;
        std::function<void(const storage::Conversation&, const QVector<storage::Message>&)> loaded;
        std::function<void(const storage::Conversation&)> saved;
        std::function<void(const QVector<storage::SearchHit>&)> searched;
        std::function<void()> done;
        std::function<void(const QVector<storage::Message>&)> all;
        std::function<void(int)> opened;
        Fail fail;
    };
    quint64 add(Pending pending);
    void post(std::function<void(rwb::storage::StorageWorker*)> call);
    // Moves the pending call for id into *out; false when the id is not ours.
    bool take(quint64 id, Pending* out);

    rwb::storage::StorageWorker* m_worker;
    std::unordered_map<quint64, Pending> m_pending;
    quint64 m_next;
};

} // namespace rwb::ui
