// StorageRequests; see storage_requests.h.
#include "conversations/storage_requests.h"

#include <atomic>

namespace rwb::ui {

using namespace rwb::storage;

namespace {
// Every StorageRequests gets its own range of ids, far from the small counters other users of
// the worker start from, and without the chat controller's bit 62.
std::atomic<quint64> g_nextRange{0x57ull << 40};
} // namespace

StorageRequests::StorageRequests(StorageWorker* worker, QObject* parent)
    : QObject(parent), m_worker(worker), m_next(g_nextRange.fetch_add(1ull << 32)) {
    registerStorageMetaTypes();
    connect(worker, &StorageWorker::conversationsListed, this,
            [this](quint64 id, const QVector<ConversationSummary>& list) {
                Pending p;
                if (take(id, &p) && p.listed) p.listed(list);
            });
    connect(worker, &StorageWorker::conversationLoaded, this,
            [this](quint64 id, const Conversation& c, const QVector<Message>& path) {
                Pending p;
                if (take(id, &p) && p.loaded) p.loaded(c, path);
            });
    connect(worker, &StorageWorker::conversationSaved, this,
            [this](quint64 id, const Conversation& c) {
                Pending p;
                if (take(id, &p) && p.saved) p.saved(c);
            });
    connect(worker, &StorageWorker::searchFinished, this,
            [this](quint64 id, const QVector<SearchHit>& hits) {
                Pending p;
                if (take(id, &p) && p.searched) p.searched(hits);
            });
    connect(worker, &StorageWorker::allMessagesLoaded, this,
            [this](quint64 id, qint64, const QVector<Message>& all) {
                Pending p;
                if (take(id, &p) && p.all) p.all(all);
            });
    connect(worker, &StorageWorker::opened, this,
            [this](quint64 id, bool ok, int, const QString& error, int interrupted) {
                Pending p;
                if (!take(id, &p)) return;
                if (ok && p.opened)
                    p.opened(interrupted);
                else if (!ok && p.fail)
                    p.fail(error);
                else if (!ok)
                    emit failed(error);
            });
    connect(worker, &StorageWorker::done, this, [this](quint64 id) {
        Pending p;
        if (take(id, &p) && p.done) p.done();
    });
    connect(worker, &StorageWorker::failed, this, [this](quint64 id, const QString& error) {
        Pending p;
        if (!take(id, &p)) return;
        if (p.fail)
            p.fail(error);
        else
            emit failed(error);
    });
}

void StorageRequests::post(std::function<void(StorageWorker*)> call) {
    // Runs in the worker's thread, after the calls posted before it.
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, call = std::move(call)] { call(w); }, Qt::QueuedConnection);
}

quint64 StorageRequests::add(Pending pending) {
    const quint64 id = ++m_next;
    m_pending.emplace(id, std::move(pending));
    return id;
}

bool StorageRequests::take(quint64 id, Pending* out) {
    auto it = m_pending.find(id);
    if (it == m_pending.end()) return false;
    *out = std::move(it->second);
    m_pending.erase(it);
    return true;
}

void StorageRequests::listConversations(int limit,
                                        std::function<void(const QVector<ConversationSummary>&)> ok,
                                        Fail fail) {
    Pending p;
    p.listed = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->listConversations(id, limit, 0); });
}

void StorageRequests::loadConversation(
    qint64 conversationId, std::function<void(const Conversation&, const QVector<Message>&)> ok,
    Fail fail) {
    Pending p;
    p.loaded = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->loadConversation(id, conversationId); });
}

void StorageRequests::createConversation(const Conversation& c,
                                         std::function<void(const Conversation&)> ok, Fail fail) {
    Pending p;
    p.saved = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->createConversation(id, c); });
}

void StorageRequests::updateConversation(const Conversation& c,
                                         std::function<void(const Conversation&)> ok, Fail fail) {
    Pending p;
    p.saved = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->updateConversation(id, c); });
}

void StorageRequests::modifyConversation(qint64 conversationId,
                                         std::function<void(Conversation&)> change,
                                         std::function<void(const Conversation&)> ok, Fail fail) {
    loadConversation(
        conversationId,
        [this, change = std::move(change), ok = std::move(ok),
         fail](const Conversation& loaded, const QVector<Message>&) mutable {
            Conversation c = loaded;
            change(c);
            updateConversation(c, std::move(ok), std::move(fail));
        },
        fail);
}

void StorageRequests::deleteConversation(qint64 conversationId, std::function<void()> ok,
                                         Fail fail) {
    Pending p;
    p.done = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->deleteConversation(id, conversationId); });
}

void StorageRequests::selectBranch(qint64 messageId, std::function<void()> ok, Fail fail) {
    Pending p;
    p.done = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->selectBranch(id, messageId); });
}

void StorageRequests::search(const SearchQuery& query,
                             std::function<void(const QVector<SearchHit>&)> ok, Fail fail) {
    Pending p;
    p.searched = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->search(id, query); });
}

void StorageRequests::exportJsonFile(const QVector<qint64>& ids, const QString& path,
                                     std::function<void()> ok, Fail fail) {
    Pending p;
    p.done = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->exportJsonFile(id, ids, path); });
}

void StorageRequests::importJsonFile(const QString& path, std::function<void()> ok, Fail fail) {
    Pending p;
    p.done = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->importJsonFile(id, path); });
}

void StorageRequests::loadAllMessages(qint64 conversationId,
                                      std::function<void(const QVector<Message>&)> ok, Fail fail) {
    Pending p;
    p.all = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->loadAllMessages(id, conversationId); });
}

void StorageRequests::deleteMessage(qint64 messageId, std::function<void()> ok, Fail fail) {
    Pending p;
    p.done = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->deleteMessage(id, messageId); });
}

void StorageRequests::open(const QString& path, std::function<void(int)> ok, Fail fail) {
    Pending p;
    p.opened = std::move(ok);
    p.fail = std::move(fail);
    const quint64 id = add(std::move(p));
    post([=](StorageWorker* w) { w->open(id, path); });
}

} // namespace rwb::ui
