// Export and import on real databases: Markdown shows the visible branch with reasoning in a
// <details> block; JSON export -> import into an empty database -> export is byte-identical
// (every branch, figure and provenance survives); importing again adds nothing; files that are
// not ours, or are from a newer format, or are broken half-way, change nothing.
#include "export.h"
#include "message_store.h"
#include "storage_test_util.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::storage;

namespace {

int count(MessageStore& store, const char* table) {
    QSqlQuery q(store.database());
    q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)));
    return q.next() ? q.value(0).toInt() : -1;
}

} // namespace

class TestStorageExport : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    MessageStore m_source;
    qint64 m_cid = 0;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_source.open(m_dir.filePath("source.sqlite")));
        ModelRecord model;
        model.path = QStringLiteral("/models/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf");
        model.sha256 = test::sampleProvenance().modelSha256;
        model.name = QStringLiteral("R1-Distill-Qwen-7B");
        model.architecture = QStringLiteral("qwen2");
        model.sizeBytes = 4683073952;
        model.quantization = QStringLiteral("Q4_K_M");
        QVERIFY(m_source.upsertModel(model) > 0);
        m_cid = test::addSampleConversation(m_source, QStringLiteral("Primes 素数 🔢"));
        QVERIFY(m_cid > 0);
        auto path = m_source.visiblePath(m_cid);
        // A regenerated answer (a second branch) with the model, and an interrupted one.
        Message regen = path[1];
        regen.id = 0;
        regen.uuid.clear();
        regen.created = QDateTime();
        regen.modelId = model.id;
        regen.answer = QStringLiteral("It is 391 (second try)");
        regen.reasoning = QStringLiteral("Line one\n\nLine *two* with <tags> & \"quotes\"");
        regen.tokensPerSecond = 1.0 / 3.0; // a double that needs every digit
        QVERIFY(m_source.addMessage(regen) > 0);
        Message cut;
        cut.conversationId = m_cid;
        cut.parentId = regen.id;
        cut.role = MessageRole::Assistant;
        cut.state = MessageState::Interrupted;
        cut.answer = QStringLiteral("half an ans");
        QVERIFY(m_source.addMessage(cut) > 0);
        QVERIFY(m_source.selectBranch(path[1].id)); // show the first branch again
        QVERIFY(test::addSampleConversation(m_source, QStringLiteral("Second")) > 0);
        Conversation empty;
        empty.title = QStringLiteral("Nothing yet");
        empty.pinned = true;
        empty.modelId = model.id;
        QVERIFY(m_source.createConversation(empty) > 0);
    }

    void markdownShowsVisibleBranchWithCollapsibleReasoning() {
        const QString md = exportMarkdown(m_source, m_cid);
        QVERIFY(md.startsWith(QStringLiteral("# Primes 素数 🔢\n")));
        QVERIFY(md.contains(QStringLiteral("### User\n\nWhat is 17*23?")));
        QVERIFY(md.contains(QStringLiteral("<details>\n<summary>Reasoning (1.3 s)</summary>\n\n"
                                           "17*20=340, 17*3=51, so 391.\n\n</details>\n\n"
                                           "17 × 23 = **391**.")));
        QVERIFY(md.contains(QStringLiteral("Thanks!")));
        QVERIFY(!md.contains(QStringLiteral("second try"))); // another branch, not shown
        QVERIFY(md.contains(QStringLiteral("- Tags: arithmetic, demo")));
        const QString all = exportAllMarkdown(m_source);
        QCOMPARE(all.count(QStringLiteral("\n---\n")), 2);
        QVERIFY(all.contains(QStringLiteral("# Nothing yet")));
    }

    void jsonIsVersionedAndComplete() {
        const QJsonObject root = QJsonDocument::fromJson(exportJson(m_source)).object();
        QCOMPARE(root.value("format").toString(), QStringLiteral("reasoning-workbench-history"));
        QCOMPARE(root.value("version").toInt(), 1);
        QCOMPARE(root.value("models").toArray().size(), 1);
        const QJsonArray convs = root.value("conversations").toArray();
        QCOMPARE(convs.size(), 3);
        const QJsonArray msgs = convs[0].toObject().value("messages").toArray();
        QCOMPARE(msgs.size(), 5); // both branches
        const QJsonObject bot = msgs[1].toObject();
        QCOMPARE(bot.value("parent").toString(), msgs[0].toObject().value("uuid").toString());
        QCOMPARE(bot.value("provenance").toObject().value("seed").toString(),
                 QStringLiteral("1234567890123"));
        QCOMPARE(bot.value("provenance").toObject().value("thinking_budget").toInt(), 2048);
        QCOMPARE(msgs[4].toObject().value("state").toString(), QStringLiteral("interrupted"));
    }

    void roundTripIsByteIdentical() {
        const QByteArray first = exportJson(m_source);
        QVERIFY(!first.isEmpty());
        MessageStore target;
        QVERIFY(target.open(m_dir.filePath("target.sqlite")));
        const ImportResult r = importJson(target, first);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.conversationsAdded, 3);
        QCOMPARE(r.messagesAdded, 8);
        const QByteArray second = exportJson(target);
        QCOMPARE(second, first);
        QCOMPARE(exportAllMarkdown(target), exportAllMarkdown(m_source));

        // Importing the same file again adds nothing.
        const ImportResult again = importJson(target, first);
        QVERIFY2(again.ok, qPrintable(again.error));
        QCOMPARE(again.conversationsAdded, 0);
        QCOMPARE(again.messagesAdded, 0);
        QCOMPARE(again.messagesSkipped, 8);
        QCOMPARE(count(target, "conversations"), 3);
        QCOMPARE(count(target, "messages"), 8);
        QCOMPARE(count(target, "models"), 1);
        QCOMPARE(exportJson(target), first);
    }

    void importAddsNewMessagesToAKnownConversation() {
        MessageStore target;
        QVERIFY(target.open(m_dir.filePath("partial.sqlite")));
        QVERIFY(importJson(target, exportJson(m_source, {m_cid})).ok);
        Message more;
        more.conversationId = m_cid;
        more.parentId = m_source.visiblePath(m_cid).last().id;
        more.answer = QStringLiteral("one more");
        QVERIFY(m_source.addMessage(more) > 0);
        const ImportResult r = importJson(target, exportJson(m_source, {m_cid}));
        QVERIFY(r.ok);
        QCOMPARE(r.conversationsAdded, 0);
        QCOMPARE(r.messagesAdded, 1);
        QCOMPARE(count(target, "messages"), 6);
        QVERIFY(m_source.deleteMessage(more.id));
    }

    void foreignFilesChangeNothing_data() {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("\x89PNG\r\n\x1a\n binary")
                                  << "not a Reasoning Workbench";
        QTest::newRow("other json")
            << QByteArray(R"({"messages": []})") << "not a Reasoning Workbench";
        QTest::newRow("json array") << QByteArray("[1,2,3]") << "not a Reasoning Workbench";
        QTest::newRow("newer format")
            << QByteArray(
                   R"({"format":"reasoning-workbench-history","version":99,"conversations":[]})")
            << "newer version";
        QTest::newRow("bad message")
            << QByteArray(R"({"format":"reasoning-workbench-history","version":1,"conversations":[
                 {"uuid":"c-1","created":"2026-01-01T00:00:00.000Z","updated":"2026-01-01T00:00:00.000Z",
                  "messages":[{"uuid":"m-1","role":"user","state":"complete","created":"2026-01-01T00:00:00.000Z"},
                              {"uuid":"m-2","role":"wizard","state":"complete","created":"2026-01-01T00:00:00.000Z"}]}]})")
            << "malformed";
        QTest::newRow("missing parent")
            << QByteArray(R"({"format":"reasoning-workbench-history","version":1,"conversations":[
                 {"uuid":"c-2","created":"2026-01-01T00:00:00.000Z","updated":"2026-01-01T00:00:00.000Z",
                  "messages":[{"uuid":"m-3","parent":"nowhere","role":"user","state":"complete","created":"2026-01-01T00:00:00.000Z"}]}]})")
            << "parent";
    }
    void foreignFilesChangeNothing() {
        QFETCH(QByteArray, file);
        QFETCH(QString, expected);
        const QByteArray before = exportJson(m_source);
        const ImportResult r = importJson(m_source, file);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(expected), qPrintable(r.error));
        QVERIFY(!r.error.contains(QLatin1Char('\n')));
        QCOMPARE(exportJson(m_source), before); // the first, valid conversation was rolled back
    }
};

QTEST_GUILESS_MAIN(TestStorageExport)
#include "tst_storage_export.moc"
