// StorageWorker and StorageThread; see storage_worker.h.
#include "storage_worker.h"

#include "export.h"

#include <QFile>
#include <QSaveFile>
#include <QTimer>

namespace rwb::storage {

void registerStorageMetaTypes() {
    qRegisterMetaType<Conversation>();
    qRegisterMetaType<Message>();
    qRegisterMetaType<MessageOutcome>();
    qRegisterMetaType<SearchQuery>();
    qRegisterMetaType<SearchHit>();
    qRegisterMetaType<ConversationSummary>();
    qRegisterMetaType<ModelRecord>();
    qRegisterMetaType<QVector<Message>>();
    qRegisterMetaType<QVector<SearchHit>>();
    qRegisterMetaType<QVector<ConversationSummary>>();
    qRegisterMetaType<QVector<qint64>>();
}

StorageWorker::StorageWorker(QObject* parent) : QObject(parent) {
    registerStorageMetaTypes();
}

StorageWorker::~StorageWorker() {
    shutdown();
}

void StorageWorker::ensureTimer() {
    if (m_timer) return;
    m_timer = new QTimer(this); // created in the worker's thread, on first use
    m_timer->setInterval(StreamingWriter::kDefaultFlushIntervalMs / 2);
    connect(m_timer, &QTimer::timeout, this, &StorageWorker::flushDueWriters);
}

void StorageWorker::flushDueWriters() {
    for (auto& [id, writer] : m_writers)
        if (!writer->flushIfDue()) emit streamingSaveFailed(id, m_store.lastError());
    if (m_writers.empty() && m_timer) m_timer->stop();
}

void StorageWorker::open(quint64 requestId, const QString& path) {
    const bool ok = m_store.open(path);
    emit opened(requestId, ok, int(m_store.openError()), m_store.lastError(),
                m_store.interruptedOnOpen());
}

void StorageWorker::moveAsideAndRecreate(quint64 requestId) {
    QString movedTo;
    const bool ok = m_store.moveAsideAndRecreate(&movedTo);
    emit opened(requestId, ok, int(m_store.openError()), m_store.lastError(), 0);
}

void StorageWorker::listConversations(quint64 requestId, int limit, int offset) {
    m_store.setError({});
    auto list = m_store.listConversations(limit, offset);
    if (!m_store.lastError().isEmpty())
        emit failed(requestId, m_store.lastError());
    else
        emit conversationsListed(requestId, list);
}

void StorageWorker::loadConversation(quint64 requestId, qint64 conversationId) {
    auto c = m_store.conversation(conversationId);
    if (!c) return emit failed(requestId, m_store.lastError());
    emit conversationLoaded(requestId, *c, m_store.visiblePath(conversationId));
}

void StorageWorker::createConversation(quint64 requestId, Conversation conversation) {
    if (m_store.createConversation(conversation) <= 0)
        return emit failed(requestId, m_store.lastError());
    emit conversationSaved(requestId, conversation);
}

void StorageWorker::updateConversation(quint64 requestId, Conversation conversation) {
    if (!m_store.updateConversation(conversation))
        return emit failed(requestId, m_store.lastError());
    emit conversationSaved(requestId, conversation);
}

void StorageWorker::deleteConversation(quint64 requestId, qint64 conversationId) {
    if (!m_store.deleteConversation(conversationId))
        return emit failed(requestId, m_store.lastError());
    emit done(requestId);
}

void StorageWorker::addMessage(quint64 requestId, Message message) {
    if (m_store.addMessage(message) <= 0) return emit failed(requestId, m_store.lastError());
    emit messageAdded(requestId, message);
}

qint64 StorageWorker::registerModel(quint64 requestId, ModelRecord model) {
    if (m_store.upsertModel(model) <= 0) {
        emit failed(requestId, m_store.lastError());
        return 0;
    }
    emit modelRegistered(requestId, model);
    return model.id;
}

void StorageWorker::selectBranch(quint64 requestId, qint64 messageId) {
    if (!m_store.selectBranch(messageId)) return emit failed(requestId, m_store.lastError());
    emit done(requestId);
}

void StorageWorker::loadAllMessages(quint64 requestId, qint64 conversationId) {
    m_store.setError({});
    auto all = m_store.allMessages(conversationId);
    if (!m_store.lastError().isEmpty()) return emit failed(requestId, m_store.lastError());
    emit allMessagesLoaded(requestId, conversationId, all);
}

void StorageWorker::deleteMessage(quint64 requestId, qint64 messageId) {
    if (!m_store.deleteMessage(messageId)) return emit failed(requestId, m_store.lastError());
    emit done(requestId);
}

void StorageWorker::search(quint64 requestId, SearchQuery query) {
    QString error;
    auto hits = rwb::storage::search(m_store, query, &error);
    if (!error.isEmpty()) return emit failed(requestId, error);
    emit searchFinished(requestId, hits);
}

void StorageWorker::beginStreaming(quint64 requestId, Message message) {
    message.state = MessageState::Streaming;
    if (m_store.addMessage(message) <= 0) return emit failed(requestId, m_store.lastError());
    m_writers[message.id] = std::make_unique<StreamingWriter>(m_store, message.id);
    ensureTimer();
    if (!m_timer->isActive()) m_timer->start();
    emit messageAdded(requestId, message);
}

void StorageWorker::appendStreaming(qint64 messageId, int phase, const QString& piece) {
    auto it = m_writers.find(messageId);
    if (it == m_writers.end()) return; // finished or unknown: a late piece, dropped
    const auto p =
        phase == int(StreamPhase::Thinking) ? StreamPhase::Thinking : StreamPhase::Answering;
    if (!it->second->append(p, piece)) emit streamingSaveFailed(messageId, m_store.lastError());
}

void StorageWorker::finishStreaming(quint64 requestId, qint64 messageId, MessageOutcome outcome) {
    auto it = m_writers.find(messageId);
    if (it == m_writers.end())
        return emit failed(requestId, QStringLiteral("No streaming message %1").arg(messageId));
    const bool ok = it->second->finish(outcome);
    m_writers.erase(it);
    if (!ok) return emit failed(requestId, m_store.lastError());
    auto saved = m_store.message(messageId);
    if (saved)
        emit messageAdded(requestId, *saved);
    else
        emit done(requestId);
}

void StorageWorker::exportJsonFile(quint64 requestId, const QVector<qint64>& ids,
                                   const QString& path) {
    QString error;
    const QByteArray json = exportJson(m_store, ids, &error);
    if (json.isEmpty()) return emit failed(requestId, error);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        return emit failed(requestId,
                           QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    emit done(requestId);
}

void StorageWorker::importJsonFile(quint64 requestId, const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return emit failed(requestId,
                           QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    const ImportResult result = importJson(m_store, file.readAll());
    if (!result.ok) return emit failed(requestId, result.error);
    emit done(requestId);
}

void StorageWorker::shutdown() {
    for (auto& [id, writer] : m_writers) writer->flush();
    m_writers.clear();
    if (m_timer) m_timer->stop();
    m_store.close();
}

StorageThread::StorageThread() : m_worker(new StorageWorker) {
    m_thread.setObjectName(QStringLiteral("storage"));
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

StorageThread::~StorageThread() {
    QMetaObject::invokeMethod(m_worker, &StorageWorker::shutdown, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

} // namespace rwb::storage
