// A database file with conversations, opened by a StorageThread, for the ChatController tests.
#pragma once

#include "message_store.h"
#include "storage_worker.h"

#include <QDir>
#include <QSignalSpy>
#include <memory>

namespace rwb::test {

using rwb::storage::Conversation;
using rwb::storage::MessageStore;
using rwb::storage::StorageThread;
using rwb::storage::StorageWorker;

// One database file with one conversation, opened by a StorageThread.
struct Fixture {
    QString dbPath;
    qint64 conversationId = 0;
    QVector<qint64> more; // further conversations, when asked for
    std::unique_ptr<StorageThread> storage;

    bool open(const QString& dir, const QString& name, int extra = 0) {
        dbPath = QDir(dir).filePath(name + ".sqlite");
        {
            MessageStore store;
            if (!store.open(dbPath)) return false;
            Conversation c;
            c.title = name;
            conversationId = store.createConversation(c);
            for (int i = 0; i < extra; ++i) {
                Conversation o;
                o.title = name + QString::number(i);
                more << store.createConversation(o);
            }
        }
        storage = std::make_unique<StorageThread>();
        QSignalSpy opened(storage->worker(), &StorageWorker::opened);
        StorageWorker* w = storage->worker();
        const QString path = dbPath;
        QMetaObject::invokeMethod(w, [w, path] { w->open(1, path); });
        return opened.wait(10000) && opened[0][1].toBool() && conversationId > 0;
    }
};

inline QString joined(const QSignalSpy& spy, int textArg) {
    QString s;
    for (const auto& args : spy) s += args[textArg].toString();
    return s;
}

} // namespace rwb::test
