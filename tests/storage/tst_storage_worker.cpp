// StorageWorker on its own thread (StorageThread): calls are queued, results come back tagged
// with the caller's request id, the disk work happens off the calling thread, and a streaming
// answer is saved in coalesced steps: a second connection (as another thread would hold) sees
// the text so far while it streams, the rest after a pause (timer flush), all of it at the end,
// and a piece arriving after the end is dropped.
#include "storage_worker.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

using namespace rwb::storage;

class TestStorageWorker : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static QVariantList waitFor(QSignalSpy& spy, quint64 requestId) {
        for (int i = 0; i < 200; ++i) {
            for (const QVariantList& args : spy)
                if (args.value(0).toULongLong() == requestId) return args;
            spy.wait(50);
        }
        return {};
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void queuedCallsAnswerWithTheirRequestIds() {
        StorageThread thread;
        StorageWorker* w = thread.worker();
        QVERIFY(w->thread() != QThread::currentThread());
        QSignalSpy opened(w, &StorageWorker::opened);
        QSignalSpy saved(w, &StorageWorker::conversationSaved);
        QSignalSpy added(w, &StorageWorker::messageAdded);
        QSignalSpy loaded(w, &StorageWorker::conversationLoaded);
        QSignalSpy found(w, &StorageWorker::searchFinished);
        QSignalSpy failed(w, &StorageWorker::failed);
        std::atomic<QThread*> workThread{nullptr};
        connect(
            w, &StorageWorker::opened, w, [&] { workThread = QThread::currentThread(); },
            Qt::DirectConnection);

        const QString path = m_dir.filePath("worker.sqlite");
        QMetaObject::invokeMethod(w, "open", Q_ARG(quint64, 7), Q_ARG(QString, path));
        const QVariantList o = waitFor(opened, 7);
        QVERIFY(!o.isEmpty());
        QVERIFY2(o.value(1).toBool(), qPrintable(o.value(3).toString()));
        QTRY_COMPARE(workThread.load(), w->thread()); // the disk was touched on the storage thread

        Conversation c;
        c.title = QStringLiteral("Threaded 线程");
        QMetaObject::invokeMethod(w, "createConversation", Q_ARG(quint64, 8),
                                  Q_ARG(rwb::storage::Conversation, c));
        const QVariantList s = waitFor(saved, 8);
        QVERIFY(!s.isEmpty());
        c = s.value(1).value<Conversation>();
        QVERIFY(c.id > 0);

        Message m;
        m.conversationId = c.id;
        m.answer = QStringLiteral("hello from the UI thread");
        QMetaObject::invokeMethod(w, "addMessage", Q_ARG(quint64, 9),
                                  Q_ARG(rwb::storage::Message, m));
        QVERIFY(!waitFor(added, 9).isEmpty());

        QMetaObject::invokeMethod(w, "loadConversation", Q_ARG(quint64, 10), Q_ARG(qint64, c.id));
        const QVariantList l = waitFor(loaded, 10);
        QVERIFY(!l.isEmpty());
        QCOMPARE(l.value(2).value<QVector<Message>>().size(), 1);

        SearchQuery q;
        q.text = QStringLiteral("线程");
        QMetaObject::invokeMethod(w, "search", Q_ARG(quint64, 11),
                                  Q_ARG(rwb::storage::SearchQuery, q));
        const QVariantList f = waitFor(found, 11);
        QVERIFY(!f.isEmpty());
        QCOMPARE(f.value(1).value<QVector<SearchHit>>().size(), 1);

        QMetaObject::invokeMethod(w, "loadConversation", Q_ARG(quint64, 12), Q_ARG(qint64, 4242));
        const QVariantList e = waitFor(failed, 12);
        QVERIFY(!e.isEmpty());
        QVERIFY(e.value(1).toString().contains(QLatin1String("4242")));
    }

    void streamingIsSavedInCoalescedSteps() {
        const QString path = m_dir.filePath("stream.sqlite");
        StorageThread thread;
        StorageWorker* w = thread.worker();
        QSignalSpy opened(w, &StorageWorker::opened);
        QSignalSpy saved(w, &StorageWorker::conversationSaved);
        QSignalSpy added(w, &StorageWorker::messageAdded);
        QMetaObject::invokeMethod(w, "open", Q_ARG(quint64, 1), Q_ARG(QString, path));
        QVERIFY(waitFor(opened, 1).value(1).toBool());
        Conversation c;
        QMetaObject::invokeMethod(w, "createConversation", Q_ARG(quint64, 2),
                                  Q_ARG(rwb::storage::Conversation, c));
        c = waitFor(saved, 2).value(1).value<Conversation>();
        Message bot;
        bot.conversationId = c.id;
        bot.role = MessageRole::Assistant;
        QMetaObject::invokeMethod(w, "beginStreaming", Q_ARG(quint64, 3),
                                  Q_ARG(rwb::storage::Message, bot));
        bot = waitFor(added, 3).value(1).value<Message>();
        QVERIFY(bot.id > 0);
        QCOMPARE(bot.state, MessageState::Streaming);

        MessageStore reader; // a connection of this thread's own
        QVERIFY(reader.open(path));
        QString sent;
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; clock.elapsed() < 1300; ++i) {
            const QString piece = QStringLiteral("t%1 ").arg(i);
            sent += piece;
            QMetaObject::invokeMethod(w, "appendStreaming", Q_ARG(qint64, bot.id),
                                      Q_ARG(int, int(StreamPhase::Thinking)),
                                      Q_ARG(QString, piece));
            QTest::qWait(5);
        }
        const QString midway = reader.message(bot.id)->reasoning;
        QVERIFY(!midway.isEmpty());           // saved while streaming...
        QVERIFY(sent.startsWith(midway));     // ...as a prefix of what was sent...
        QVERIFY(midway.size() < sent.size()); // ...not on every piece
        // A pause with no new pieces: the timer saves the rest within the flush interval.
        QTRY_COMPARE_WITH_TIMEOUT(reader.message(bot.id)->reasoning, sent, 2000);

        QMetaObject::invokeMethod(w, "appendStreaming", Q_ARG(qint64, bot.id),
                                  Q_ARG(int, int(StreamPhase::Answering)),
                                  Q_ARG(QString, QStringLiteral("391")));
        MessageOutcome outcome;
        outcome.answerTokens = 1;
        outcome.finishReason = QStringLiteral("stop");
        QMetaObject::invokeMethod(w, "finishStreaming", Q_ARG(quint64, 4), Q_ARG(qint64, bot.id),
                                  Q_ARG(rwb::storage::MessageOutcome, outcome));
        const Message done = waitFor(added, 4).value(1).value<Message>();
        QCOMPARE(done.state, MessageState::Complete);
        QCOMPARE(done.answer, QStringLiteral("391"));
        QCOMPARE(done.reasoning, sent);
        // A late piece (from a cancelled or finished run) changes nothing.
        QMetaObject::invokeMethod(w, "appendStreaming", Q_ARG(qint64, bot.id),
                                  Q_ARG(int, int(StreamPhase::Answering)),
                                  Q_ARG(QString, QStringLiteral("late")));
        QSignalSpy loaded(w, &StorageWorker::conversationLoaded); // before the call: no race
        QMetaObject::invokeMethod(w, "loadConversation", Q_ARG(quint64, 5), Q_ARG(qint64, c.id));
        QVERIFY(!waitFor(loaded, 5).isEmpty());
        QCOMPARE(reader.message(bot.id)->answer, QStringLiteral("391"));
    }
};

QTEST_GUILESS_MAIN(TestStorageWorker)
#include "tst_storage_worker.moc"
