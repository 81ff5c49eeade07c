// Bad input on real files: a non-SQLite file, a corrupt database, a read-only disk and a full
// disk (a small tmpfs mounted by the test when it runs as root, else skipped; plus SQLite's
// max_page_count, which works anywhere). Each gives one clear line and leaves the existing
// file as it was; a damaged file can be moved aside and a fresh database started.
#include "message_store.h"
#include "storage_test_util.h"
#include "streaming_writer.h"

#include <QDir>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/mount.h>

using namespace rwb::storage;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

QString bigText(int chars, int seed) {
    QString s;
    s.reserve(chars);
    quint32 x = quint32(seed) * 2654435761u + 1;
    while (s.size() < chars) { // incompressible-ish text so pages really fill up
        x = x * 1103515245u + 12345u;
        s += QChar(u'a' + (x >> 16) % 26);
    }
    return s;
}

// A tmpfs of `size` mounted at `dir`; unmounted on destruction.
struct TmpfsMount {
    QString dir;
    bool mounted = false;
    TmpfsMount(const QString& d, const char* options) : dir(d) {
        QDir().mkpath(dir);
        mounted = ::mount("tmpfs", QFile::encodeName(dir).constData(), "tmpfs", 0, options) == 0;
    }
    bool remountReadOnly() {
        return ::mount("tmpfs", QFile::encodeName(dir).constData(), "tmpfs", MS_REMOUNT | MS_RDONLY,
                       nullptr) == 0;
    }
    ~TmpfsMount() {
        if (mounted) ::umount2(QFile::encodeName(dir).constData(), MNT_DETACH);
    }
};

} // namespace

class TestStorageBadInput : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    void verifyRefusedUntouched(const QString& path, OpenError expected, const char* words) {
        const QByteArray before = test::fileBytes(path);
        MessageStore store;
        QVERIFY(!store.open(path));
        QCOMPARE(store.openError(), expected);
        QVERIFY2(store.lastError().contains(QLatin1String(words)), qPrintable(store.lastError()));
        QVERIFY(store.lastError().contains(path));
        QVERIFY(!store.lastError().contains(QLatin1Char('\n')));
        QCOMPARE(test::fileBytes(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void notSqliteIsRefusedThenMovedAside() {
        const QString path = m_dir.filePath("notes.sqlite");
        QByteArray text;
        for (int i = 0; i < 100; ++i) text += "This is somebody's text file, not a database.\n";
        writeFile(path, text);
        verifyRefusedUntouched(path, OpenError::NotADatabase, "not a SQLite database");

        MessageStore store;
        QVERIFY(!store.open(path));
        QString movedTo;
        QVERIFY2(store.moveAsideAndRecreate(&movedTo), qPrintable(store.lastError()));
        QVERIFY(movedTo.startsWith(path + QStringLiteral(".corrupt-")));
        QCOMPARE(test::fileBytes(movedTo), text); // kept, for the user to inspect
        QVERIFY(store.isOpen());
        QCOMPARE(store.integrityCheck(), QStringLiteral("ok"));
        QVERIFY(test::addSampleConversation(store, QStringLiteral("fresh start")) > 0);
    }

    void tinyFileIsRefused() {
        const QString path = m_dir.filePath("tiny.sqlite");
        writeFile(path, "SQLite");
        verifyRefusedUntouched(path, OpenError::NotADatabase, "not a SQLite database");
    }

    void damagedSchemaIsRefusedUntouched() {
        const QString path = m_dir.filePath("damaged.sqlite");
        {
            MessageStore store;
            QVERIFY(store.open(path));
            QVERIFY(test::addSampleConversation(store, QStringLiteral("soon damaged")) > 0);
        }
        QByteArray bytes = test::fileBytes(path);
        QVERIFY(bytes.size() > 4096);
        for (int i = 100; i < 4096; ++i) bytes[i] = char(0xA5 ^ i); // page 1 after the header
        writeFile(path, bytes);
        verifyRefusedUntouched(path, OpenError::Corrupt, "damaged");
        MessageStore store;
        QVERIFY(!store.open(path));
        QString movedTo;
        QVERIFY(store.moveAsideAndRecreate(&movedTo));
        QCOMPARE(test::fileBytes(movedTo), bytes);
        QCOMPARE(store.listConversations().size(), 0);
    }

    void damagedDataPageIsFoundByIntegrityCheck() {
        const QString path = m_dir.filePath("damaged_data.sqlite");
        {
            MessageStore store;
            QVERIFY(store.open(path));
            for (int i = 0; i < 20; ++i)
                QVERIFY(test::addSampleConversation(store, bigText(3000, i)) > 0);
        }
        QByteArray bytes = test::fileBytes(path);
        const int pages = int(bytes.size() / 4096);
        QVERIFY(pages > 10);
        for (int p = pages / 2; p < pages / 2 + 3; ++p)
            for (int i = 0; i < 4096; i += 7) bytes[p * 4096 + i] = char(i * 31);
        writeFile(path, bytes);
        MessageStore store;
        if (!store.open(path)) {
            QCOMPARE(store.openError(), OpenError::Corrupt);
        } else {
            QVERIFY(store.integrityCheck() != QStringLiteral("ok"));
        }
    }

    void readOnlyDiskIsRefusedUntouched() {
        TmpfsMount mount(m_dir.filePath("ro"), "size=4m");
        if (!mount.mounted) QSKIP("cannot mount a tmpfs here (needs root)");
        const QString path = mount.dir + QStringLiteral("/history.sqlite");
        {
            MessageStore store;
            QVERIFY(store.open(path));
            QVERIFY(test::addSampleConversation(store, QStringLiteral("on a disk soon read-only")) >
                    0);
        }
        QVERIFY(mount.remountReadOnly());
        verifyRefusedUntouched(path, OpenError::ReadOnly, "read-only");
        MessageStore fresh; // and no new database can be made there either
        QVERIFY(!fresh.open(mount.dir + QStringLiteral("/new.sqlite")));
        QCOMPARE(fresh.openError(), OpenError::ReadOnly);
    }

    void fullDiskKeepsWhatWasSaved() {
        TmpfsMount mount(m_dir.filePath("full"), "size=512k");
        if (!mount.mounted) QSKIP("cannot mount a tmpfs here (needs root)");
        MessageStore store;
        QVERIFY(store.open(mount.dir + QStringLiteral("/history.sqlite")));
        const qint64 cid = test::addSampleConversation(store, QStringLiteral("filling up"));
        QVERIFY(cid > 0);
        QVector<qint64> saved;
        QString error;
        for (int i = 0; i < 100 && error.isEmpty(); ++i) {
            Message m;
            m.conversationId = cid;
            m.answer = bigText(20000, i);
            if (store.addMessage(m) > 0)
                saved.append(m.id);
            else
                error = store.lastError();
        }
        QVERIFY2(error.contains(QLatin1String("full")), qPrintable(error));
        QVERIFY(error.startsWith(QLatin1String("Cannot save the message")));
        QVERIFY(!saved.isEmpty());
        // Streaming into a full disk fails cleanly too.
        Message s;
        s.conversationId = cid;
        s.state = MessageState::Streaming;
        if (store.addMessage(s) > 0) {
            StreamingWriter writer(store, s.id, 0);
            QVERIFY(!writer.append(StreamPhase::Answering, bigText(60000, 999)));
            QVERIFY(store.lastError().contains(QLatin1String("full")));
        }
        for (int i = 0; i < saved.size(); ++i)
            QCOMPARE(store.message(saved[i])->answer, bigText(20000, i));
        QCOMPARE(store.integrityCheck(), QStringLiteral("ok"));
    }

    void pageLimitActsLikeAFullDisk() {
        MessageStore store;
        QVERIFY(store.open(m_dir.filePath("limited.sqlite")));
        const qint64 cid = test::addSampleConversation(store, QStringLiteral("limited"));
        QSqlQuery q(store.database());
        QVERIFY(q.exec("PRAGMA page_count") && q.next());
        const int pages = q.value(0).toInt();
        QVERIFY(q.exec(QStringLiteral("PRAGMA max_page_count = %1").arg(pages + 4)));
        Message m;
        m.conversationId = cid;
        m.answer = bigText(100000, 7);
        QCOMPARE(store.addMessage(m), 0);
        QVERIFY2(store.lastError().contains(QLatin1String("full")), qPrintable(store.lastError()));
        QCOMPARE(store.visiblePath(cid).size(), 3); // the rest is intact
        QCOMPARE(store.integrityCheck(), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestStorageBadInput)
#include "tst_storage_bad_input.moc"
