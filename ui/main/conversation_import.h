// ConversationImport: turns a reply produced outside the chat (a compare column) into a normal
// stored conversation: a new conversation titled after the prompt, the user prompt, and the
// assistant message with its reasoning and answer under it. The writes are queued to the
// StorageWorker in order; finished(id) comes once the assistant message is stored, failed(line)
// if any step fails (nothing more is written then).
#pragma once

#include "records.h"

#include <QHash>
#include <QObject>

namespace rwb::storage {
class StorageWorker;
}

namespace rwb::ui {

class ConversationImport : public QObject {
    Q_OBJECT
public:
    explicit ConversationImport(rwb::storage::StorageWorker* worker, QObject* parent = nullptr);

    // Starts one import; several may run at once.
    void importReply(const QString& title, const QString& prompt, const QString& thinking,
                     const QString& answer);

signals:
    void finished(qint64 conversationId);
    void failed(const QString& error);

private:
    struct Pending {
        enum class Step { Conversation, User, Assistant } step = Step::Conversation;
        QString prompt, thinking, answer;
        qint64 conversationId = 0;
    };
    quint64 nextId() { return kRequestBase | ++m_last; }
    void onSaved(quint64 requestId, const rwb::storage::Conversation& conversation);
    void onAdded(quint64 requestId, const rwb::storage::Message& message);
    void onFailed(quint64 requestId, const QString& error);
    void addMessage(quint64 requestId, const rwb::storage::Message& message);

    // Ids of this object's storage calls: a range of its own, apart from the controller's bit 62
    // and StorageRequests' ranges, so answers meant for others are ignored.
    static constexpr quint64 kRequestBase = quint64(1) << 61;
    rwb::storage::StorageWorker* m_worker;
    QHash<quint64, Pending> m_pending;
    quint64 m_last = 0;
};

} // namespace rwb::ui
