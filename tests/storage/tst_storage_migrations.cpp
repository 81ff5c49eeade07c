// Schema migrations on real files: a new database gets the newest schema; databases left by
// every earlier version (made here step by step, and fixture files made by the sqlite3 CLI in
// tests/data/storage) upgrade with their data intact and searchable; a database from a newer
// version is refused with a clear message and not changed by a single byte; a migration that
// fails part-way leaves the database at the version it had.
#include "message_store.h"
#include "migrations.h"
#include "search.h"
#include "storage_test_util.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::storage;

namespace {

// A bare connection, so the test controls exactly which migrations ran.
struct RawDb {
    QSqlDatabase db;
    QString name;
    explicit RawDb(const QString& path) : name(QStringLiteral("raw_") + path) {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb() {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    bool exec(const QString& s) {
        QSqlQuery q(db);
        if (!q.exec(s)) qWarning() << s << q.lastError().text();
        return q.isActive();
    }
};

bool hasColumn(MessageStore& store, const char* table, const char* column) {
    QSqlQuery q(store.database());
    q.exec(QStringLiteral("SELECT 1 FROM pragma_table_info('%1') WHERE name='%2'")
               .arg(QLatin1String(table), QLatin1String(column)));
    return q.next();
}

} // namespace

class TestStorageMigrations : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(migrations::latestVersion() >= 3);
    }

    void splitterKeepsTriggerBodiesWhole() {
        const QStringList parts = migrations::splitStatements(
            QStringLiteral("-- comment; with semicolon\nCREATE TABLE a(x TEXT DEFAULT ';');\n"
                           "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO a VALUES (CASE "
                           "WHEN 1 THEN 'x' "
                           "END);\n  DELETE FROM a;\nEND;\n/* block; */ PRAGMA user_version = 1"));
        QCOMPARE(parts.size(), 3);
        QVERIFY(parts[0].startsWith(QLatin1String("CREATE TABLE")));
        QVERIFY(parts[1].startsWith(QLatin1String("CREATE TRIGGER")));
        QVERIFY(parts[1].endsWith(QLatin1String("END")));
        QCOMPARE(parts[2], QStringLiteral("PRAGMA user_version = 1"));
    }

    void newDatabaseGetsNewestSchema() {
        MessageStore store;
        QVERIFY2(store.open(m_dir.filePath("new.sqlite")), qPrintable(store.lastError()));
        QCOMPARE(store.schemaVersion(), migrations::latestVersion());
        QVERIFY(hasColumn(store, "messages", "model_sha256"));
        QVERIFY(hasColumn(store, "benchmark_runs", "decode_tokens_per_s"));
        QCOMPARE(store.integrityCheck(), QStringLiteral("ok"));
    }

    void emptyFileIsAFreshDatabase() {
        const QString path = m_dir.filePath("empty.sqlite");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        MessageStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.schemaVersion(), migrations::latestVersion());
    }

    void everyEarlierVersionUpgrades_data() {
        QTest::addColumn<int>("from");
        for (int v = 1; v < migrations::latestVersion(); ++v)
            QTest::newRow(qPrintable(QStringLiteral("v%1").arg(v))) << v;
    }
    void everyEarlierVersionUpgrades() {
        QFETCH(int, from);
        const QString path = m_dir.filePath(QStringLiteral("from_v%1.sqlite").arg(from));
        {
            RawDb raw(path);
            QString error;
            QVERIFY2(migrations::migrate(raw.db, &error, from), qPrintable(error));
            QCOMPARE(migrations::currentVersion(raw.db, &error), from);
            QVERIFY(raw.exec("INSERT INTO conversations (uuid, title, created, updated) VALUES "
                             "('u1', 'Ancient primes 素数', 1000, 2000)"));
            QVERIFY(
                raw.exec("INSERT INTO messages (uuid, conversation_id, role, answer, reasoning, "
                         "created) VALUES ('m1', 1, 'assistant', 'an old answer', "
                         "'old reasoning 思考', 1500)"));
            QVERIFY(raw.exec("UPDATE conversations SET current_leaf_id = 1"));
        }
        MessageStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.schemaVersion(), migrations::latestVersion());
        auto m = store.message(1);
        QVERIFY(m);
        QCOMPARE(m->answer, QStringLiteral("an old answer"));
        QCOMPARE(m->reasoning, QStringLiteral("old reasoning 思考"));
        QVERIFY(m->provenance.modelSha256.isEmpty());
        QCOMPARE(store.visiblePath(1).size(), 1);
        // Rows from before the search index existed are indexed too.
        SearchQuery q;
        q.text = QStringLiteral("old reas");
        QCOMPARE(search(store, q).size(), 1);
        q.text = QStringLiteral("Ancient");
        QCOMPARE(search(store, q).size(), 1);
        QCOMPARE(store.integrityCheck(), QStringLiteral("ok"));
    }

    void fixtureFilesFromEarlierVersionsUpgrade_data() {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("v1") << QStringLiteral("schema_v1.sqlite");
        QTest::newRow("v2") << QStringLiteral("schema_v2.sqlite");
    }
    void fixtureFilesFromEarlierVersionsUpgrade() {
        QFETCH(QString, fixture);
        const QString path = m_dir.filePath(fixture);
        QFile::remove(path);
        QVERIFY(QFile::copy(QStringLiteral(RWB_TEST_DATA_DIR "/storage/") + fixture, path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        MessageStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.schemaVersion(), migrations::latestVersion());
        QCOMPARE(store.interruptedOnOpen(), 1); // the fixture's streaming message
        const auto path3 = store.visiblePath(1);
        QCOMPARE(path3.size(), 3);
        QCOMPARE(path3[1].answer, QStringLiteral("No: 391 = 17 × 23."));
        QCOMPARE(path3[2].state, MessageState::Interrupted);
        SearchQuery q;
        q.text = QStringLiteral("试除法");
        q.targets = SearchReasoning;
        QCOMPARE(search(store, q).size(), 1);
        q.text = QStringLiteral("中文 title");
        q.targets = SearchTitles;
        QCOMPARE(search(store, q).size(), 1);
    }

    void newerDatabaseIsRefusedUntouched() {
        const QString path = m_dir.filePath("future.sqlite");
        {
            RawDb raw(path);
            QVERIFY(raw.exec("CREATE TABLE future_things (x)"));
            QVERIFY(raw.exec(
                QStringLiteral("PRAGMA user_version = %1").arg(migrations::latestVersion() + 1)));
        }
        const QByteArray before = test::fileBytes(path);
        MessageStore store;
        QVERIFY(!store.open(path));
        QCOMPARE(store.openError(), OpenError::TooNew);
        QVERIFY2(store.lastError().contains(QLatin1String("newer version")),
                 qPrintable(store.lastError()));
        QVERIFY(!store.lastError().contains(QLatin1Char('\n')));
        QCOMPARE(test::fileBytes(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void failedMigrationRollsBack() {
        const QString path = m_dir.filePath("halfway.sqlite");
        {
            RawDb raw(path);
            QString error;
            QVERIFY(migrations::migrate(raw.db, &error, 2));
            // Something in the way of migration 3 (which creates comparison_runs).
            QVERIFY(raw.exec("CREATE TABLE comparison_runs (x)"));
        }
        MessageStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.lastError().contains(QLatin1String("migration 3")),
                 qPrintable(store.lastError()));
        RawDb raw(path);
        QString error;
        QCOMPARE(migrations::currentVersion(raw.db, &error), 2);
        QSqlQuery q(raw.db);
        QVERIFY(
            q.exec("SELECT count(*) FROM pragma_table_info('messages') WHERE name='model_sha256'"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0); // the ALTERs before the failure were rolled back
    }
};

QTEST_GUILESS_MAIN(TestStorageMigrations)
#include "tst_storage_migrations.moc"
