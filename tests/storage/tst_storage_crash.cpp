// Crash test: a child process (this binary started with --stream-child) streams token pieces
// into a real database through StreamingWriter and is killed with SIGKILL at a random moment,
// 50 times over one database file (kills land during startup, migrations, streaming and
// finishing). After every kill: PRAGMA integrity_check is "ok"; every message the child had
// reported complete, in this run or any earlier one, is intact; the message being streamed is
// shown as interrupted and holds a prefix of what was generated that lacks at most the last
// second. The child reports on stdout, with timestamps from the system-wide monotonic clock
// the parent also reads just before it kills.
#include "message_store.h"
#include "streaming_writer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <unistd.h>

using namespace rwb::storage;

namespace {

constexpr int kKills = 50;

// The deterministic token streams of message `id`: piece i of its reasoning / answer.
QString reasoningPiece(qint64 id, int i) {
    return i % 7 == 3 ? QStringLiteral("思考🤔 ") : QStringLiteral("r%1.%2 ").arg(id).arg(i);
}
QString answerPiece(qint64 id, int i) {
    return i % 5 == 2 ? QStringLiteral("答案😀 ") : QStringLiteral("a%1.%2 ").arg(id).arg(i);
}

// True if `text` is exactly the first k pieces of the stream for some k.
bool isPiecePrefix(const QString& text, qint64 id, QString (*piece)(qint64, int)) {
    QString built;
    for (int i = 0; built.size() < text.size(); ++i) built += piece(id, i);
    return built == text;
}

qint64 monotonicMs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void say(const QByteArray& line) { // unbuffered: whatever was said before the kill arrives
    const QByteArray out = line + '\n';
    ssize_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::write(1, out.constData() + done, size_t(out.size() - done));
        if (n <= 0) return;
        done += n;
    }
}

int runChild(const QString& path, quint32 seed) {
    QRandomGenerator rng(seed);
    MessageStore store;
    if (!store.open(path)) {
        say("error " + store.lastError().toUtf8());
        return 1;
    }
    say("ready");
    Conversation c;
    c.title = QStringLiteral("crash run %1").arg(seed);
    if (store.createConversation(c) <= 0) return 1;
    qint64 parent = 0;
    for (bool first = true;; first = false) {
        Message user;
        user.conversationId = c.id;
        user.parentId = parent;
        user.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        user.answer = QStringLiteral("question ") + user.uuid;
        if (store.addMessage(user) <= 0) return 1;
        say("c " + QByteArray::number(user.id));

        Message bot;
        bot.conversationId = c.id;
        bot.parentId = user.id;
        bot.role = MessageRole::Assistant;
        bot.state = MessageState::Streaming;
        if (store.addMessage(bot) <= 0) return 1;
        say("s " + QByteArray::number(bot.id));
        StreamingWriter writer(store, bot.id);
        // The first answer of a run is long, so kills also land more than a second into a stream.
        const int thinking = first ? rng.bounded(300, 500) : rng.bounded(40, 400);
        const int answering = first ? rng.bounded(100, 250) : rng.bounded(20, 250);
        for (int i = 0; i < thinking + answering; ++i) {
            const bool think = i < thinking;
            const QString piece =
                think ? reasoningPiece(bot.id, i) : answerPiece(bot.id, i - thinking);
            if (!writer.append(think ? StreamPhase::Thinking : StreamPhase::Answering, piece))
                return 1;
            say("p " + QByteArray::number(bot.id) + ' ' +
                QByteArray::number(writer.reasoning().size()) + ' ' +
                QByteArray::number(writer.answer().size()) + ' ' +
                QByteArray::number(monotonicMs()));
            QThread::usleep(2000);
        }
        MessageOutcome outcome;
        outcome.answerTokens = answering;
        outcome.thinkingTokens = thinking;
        outcome.finishReason = QStringLiteral("stop");
        if (!writer.finish(outcome)) return 1;
        say("f " + QByteArray::number(bot.id) + ' ' +
            QByteArray::number(writer.reasoning().size()) + ' ' +
            QByteArray::number(writer.answer().size()));
        parent = bot.id;
    }
}

struct Progress {
    qint64 r = 0, a = 0, t = 0;
};

} // namespace

class TestStorageCrash : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    // Everything reported complete so far: id -> (reasoning length, answer length); user
    // messages have -1 lengths (their text is "question <uuid>").
    QMap<qint64, QPair<qint64, qint64>> m_complete;

    void verifyComplete(MessageStore& store) {
        for (auto it = m_complete.cbegin(); it != m_complete.cend(); ++it) {
            auto m = store.message(it.key());
            QVERIFY2(m, qPrintable(QStringLiteral("message %1 lost").arg(it.key())));
            QCOMPARE(m->state, MessageState::Complete);
            if (it.value().first < 0) {
                QCOMPARE(m->answer, QStringLiteral("question ") + m->uuid);
                continue;
            }
            QCOMPARE(m->reasoning.size(), it.value().first);
            QCOMPARE(m->answer.size(), it.value().second);
            QVERIFY(isPiecePrefix(m->reasoning, m->id, reasoningPiece));
            QVERIFY(isPiecePrefix(m->answer, m->id, answerPiece));
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void killedWhileStreaming() {
        const QString path = m_dir.filePath("crash.sqlite");
        QRandomGenerator rng(20261129);
        int interruptedSeen = 0, withText = 0, boundExercised = 0;
        QElapsedTimer total;
        total.start();
        for (int run = 0; run < kKills; ++run) {
            QProcess child;
            child.setProcessChannelMode(QProcess::SeparateChannels);
            child.start(QCoreApplication::applicationFilePath(),
                        {QStringLiteral("--stream-child"), path, QString::number(run + 1)});
            QVERIFY(child.waitForStarted());
            // Even runs: any moment from start-up on. Odd runs: 1.0-1.4 s into the first stream.
            QByteArray said;
            if (run % 2 == 1) {
                QElapsedTimer wait;
                wait.start();
                while (!said.contains("\ns ") && wait.elapsed() < 5000) {
                    QTest::qWait(2);
                    said += child.readAllStandardOutput();
                }
                QTest::qWait(rng.bounded(1000, 1400));
            } else {
                QTest::qWait(rng.bounded(30, 1200));
            }
            const qint64 killedAt = monotonicMs();
            ::kill(pid_t(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(5000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            said += child.readAllStandardOutput();
            const QList<QByteArray> lines = said.split('\n');

            // 1. The file is sound.
            {
                QSqlDatabase raw =
                    QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
                raw.setDatabaseName(path);
                QVERIFY(raw.open());
                QSqlQuery q(raw);
                QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
                QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
                q.finish();
                raw.close();
            }
            QSqlDatabase::removeDatabase(QStringLiteral("raw"));

            // 2. Replay what the child said.
            qint64 streaming = 0;
            QVector<Progress> progress;
            for (const QByteArray& line : lines) {
                const QList<QByteArray> f = line.split(' ');
                if (f.size() == 2 && f[0] == "c") m_complete.insert(f[1].toLongLong(), {-1, -1});
                if (f.size() == 2 && f[0] == "s") {
                    streaming = f[1].toLongLong();
                    progress.clear();
                }
                if (f.size() == 5 && f[0] == "p")
                    progress.append({f[2].toLongLong(), f[3].toLongLong(), f[4].toLongLong()});
                if (f.size() == 4 && f[0] == "f") {
                    m_complete.insert(f[1].toLongLong(), {f[2].toLongLong(), f[3].toLongLong()});
                    streaming = 0;
                }
            }

            // 3. Reopen as the app would: recovery, then every promise kept.
            MessageStore store;
            QVERIFY2(store.open(path), qPrintable(store.lastError()));
            QSqlQuery left(store.database());
            QVERIFY(left.exec(
                        QStringLiteral("SELECT count(*) FROM messages WHERE state='streaming'")) &&
                    left.next());
            QCOMPARE(left.value(0).toInt(), 0);
            verifyComplete(store);
            if (QTest::currentTestFailed()) return;
            if (streaming > 0) {
                auto m = store.message(streaming);
                QVERIFY(m);
                QVERIFY(m->state == MessageState::Interrupted ||
                        m->state == MessageState::Complete);
                QVERIFY(isPiecePrefix(m->reasoning, m->id, reasoningPiece));
                QVERIFY(isPiecePrefix(m->answer, m->id, answerPiece));
                // What had been generated one second before the kill must be on disk.
                Progress due;
                for (const Progress& p : progress)
                    if (p.t <= killedAt - 1000) due = p;
                QVERIFY2(
                    m->reasoning.size() >= due.r && m->answer.size() >= due.a,
                    qPrintable(QStringLiteral(
                                   "run %1: saved %2+%3 chars, had %4+%5 a second before the kill")
                                   .arg(run)
                                   .arg(m->reasoning.size())
                                   .arg(m->answer.size())
                                   .arg(due.r)
                                   .arg(due.a)));
                if (due.r + due.a > 0) ++boundExercised;
                if (m->state == MessageState::Interrupted) ++interruptedSeen;
                if (!m->reasoning.isEmpty()) ++withText;
                QCOMPARE(store.visiblePath(m->conversationId).last().id, m->id); // shown
            }
            QCOMPARE(store.integrityCheck(), QStringLiteral("ok"));
        }
        qInfo("%d kills in %lld ms; %d complete messages checked; %d interrupted while streaming "
              "(%d with saved text, %d streaming for over a second)",
              kKills, total.elapsed(), int(m_complete.size()), interruptedSeen, withText,
              boundExercised);
        // The random moments must really have hit streaming, not only start-up.
        QVERIFY(interruptedSeen >= kKills / 3);
        QVERIFY(withText >= kKills / 4);
        QVERIFY(boundExercised >= kKills / 4);
    }
};

int main(int argc, char** argv) {
    if (argc == 4 && qstrcmp(argv[1], "--stream-child") == 0) {
        QCoreApplication app(argc, argv);
        return runChild(QString::fromLocal8Bit(argv[2]), quint32(QByteArray(argv[3]).toUInt()));
    }
    QCoreApplication app(argc, argv);
    TestStorageCrash test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_storage_crash.moc"
