#include "conversation_import.h"

#include "storage_worker.h"

namespace rwb::ui {

using rwb::storage::Conversation;
using rwb::storage::Message;
using rwb::storage::MessageRole;
using rwb::storage::StorageWorker;

ConversationImport::ConversationImport(StorageWorker* worker, QObject* parent)
    : QObject(parent), m_worker(worker) {
    connect(worker, &StorageWorker::conversationSaved, this, &ConversationImport::onSaved,
            Qt::QueuedConnection);
    connect(worker, &StorageWorker::messageAdded, this, &ConversationImport::onAdded,
            Qt::QueuedConnection);
    connect(worker, &StorageWorker::failed, this, &ConversationImport::onFailed,
            Qt::QueuedConnection);
}

void ConversationImport::importReply(const QString& title, const QString& prompt,
                                     const QString& thinking, const QString& answer) {
    const quint64 id = nextId();
    Pending p;
    p.prompt = prompt;
    p.thinking = thinking;
    p.answer = answer;
    m_pending.insert(id, p);
    Conversation c;
    c.title = title;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, id, c] { w->createConversation(id, c); });
}

void ConversationImport::addMessage(quint64 requestId, const Message& message) {
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, requestId, message] { w->addMessage(requestId, message); });
}

void ConversationImport::onSaved(quint64 requestId, const Conversation& conversation) {
    auto it = m_pending.find(requestId);
    if (it == m_pending.end() || it->step != Pending::Step::Conversation) return;
    const Pending p = m_pending.take(requestId);
    const quint64 next = nextId();
    Pending user = p;
    user.step = Pending::Step::User;
    user.conversationId = conversation.id;
    m_pending.insert(next, user);
    Message m;
    m.conversationId = conversation.id;
    m.role = MessageRole::User;
    m.answer = p.prompt;
    addMessage(next, m);
}

void ConversationImport::onAdded(quint64 requestId, const Message& message) {
    auto it = m_pending.find(requestId);
    if (it == m_pending.end()) return;
    const Pending p = m_pending.take(requestId);
    if (p.step == Pending::Step::Assistant) {
        emit finished(p.conversationId);
        return;
    }
    const quint64 next = nextId();
    Pending bot = p;
    bot.step = Pending::Step::Assistant;
    m_pending.insert(next, bot);
    Message m;
    m.conversationId = p.conversationId;
    m.parentId = message.id;
    m.role = MessageRole::Assistant;
    m.answer = p.answer;
    m.reasoning = p.thinking;
    addMessage(next, m);
}

void ConversationImport::onFailed(quint64 requestId, const QString& error) {
    if (!m_pending.remove(requestId)) return;
    emit failed(tr("Could not continue in chat: %1").arg(error));
}

} // namespace rwb::ui
