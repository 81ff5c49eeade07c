// MessageStore on real database files: create/read/update/delete of conversations and messages,
// provenance, branches (regenerate and edit-and-resend keep siblings), the catalogue tables,
// pragmas (WAL, synchronous, foreign keys) and recovery of messages left streaming.
#include "message_store.h"
#include "storage_test_util.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::storage;

class TestStorageStore : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString dbPath(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaultPathIsUnderUserData() {
        QStandardPaths::setTestModeEnabled(true);
        const QString path = MessageStore::defaultDatabasePath();
        QVERIFY(path.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
        QVERIFY(path.endsWith(QLatin1String("history.sqlite")));
    }

    void pragmasAreSet() {
        MessageStore store;
        QVERIFY2(store.open(dbPath("pragmas.sqlite")), qPrintable(store.lastError()));
        QSqlQuery q(store.database());
        QVERIFY(q.exec("PRAGMA journal_mode") && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec("PRAGMA synchronous") && q.next());
        QCOMPARE(q.value(0).toInt(), 1); // NORMAL
        QVERIFY(q.exec("PRAGMA foreign_keys") && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QCOMPARE(store.integrityCheck(), QStringLiteral("ok"));
    }

    void conversationCrud() {
        MessageStore store;
        QVERIFY(store.open(dbPath("crud.sqlite")));
        const qint64 id = test::addSampleConversation(store, QStringLiteral("Multiplication"));
        QVERIFY(id > 0);
        auto c = store.conversation(id);
        QVERIFY(c);
        QCOMPARE(c->title, QStringLiteral("Multiplication"));
        QCOMPARE(c->tags, QStringList({"arithmetic", "demo"}));
        QCOMPARE(c->folder, QStringLiteral("maths"));
        QCOMPARE(c->sampling.value("temperature").toDouble(), 0.6);
        QVERIFY(!c->uuid.isEmpty());

        QVERIFY(store.renameConversation(id, QStringLiteral("Renamed")));
        QVERIFY(store.setPinned(id, true));
        const qint64 other = test::addSampleConversation(store, QStringLiteral("Second"));
        auto list = store.listConversations();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].id, id); // pinned first even though older
        QCOMPARE(list[0].title, QStringLiteral("Renamed"));
        QCOMPARE(list[0].messageCount, 3);
        QCOMPARE(list[1].id, other);

        QVERIFY(store.deleteConversation(id));
        QVERIFY(!store.conversation(id));
        QSqlQuery q(store.database());
        QVERIFY(
            q.exec(
                QStringLiteral("SELECT count(*) FROM messages WHERE conversation_id=%1").arg(id)) &&
            q.next());
        QCOMPARE(q.value(0).toInt(), 0); // messages went with it (foreign key cascade)
        QVERIFY(!store.deleteConversation(id));
    }

    void messageFieldsAndProvenanceRoundTrip() {
        MessageStore store;
        QVERIFY(store.open(dbPath("fields.sqlite")));
        const qint64 cid = test::addSampleConversation(store, QStringLiteral("Fields"));
        const auto path = store.visiblePath(cid);
        QCOMPARE(path.size(), 3);
        const Message& bot = path[1];
        QCOMPARE(bot.role, MessageRole::Assistant);
        QCOMPARE(bot.reasoning, QStringLiteral("17*20=340, 17*3=51, so 391."));
        QCOMPARE(bot.answer, QStringLiteral("17 × 23 = **391**."));
        QCOMPARE(bot.state, MessageState::Complete);
        QCOMPARE(bot.thinkingTokens, 20);
        QCOMPARE(bot.timeToFirstTokenMs, 85.5);
        QCOMPARE(bot.tokensPerSecond, 23.75);
        QCOMPARE(bot.finishReason, QStringLiteral("stop"));
        const Provenance want = test::sampleProvenance();
        QCOMPARE(bot.provenance.modelSha256, want.modelSha256);
        QCOMPARE(bot.provenance.quantization, want.quantization);
        QCOMPARE(bot.provenance.chatTemplateVersion, want.chatTemplateVersion);
        QCOMPARE(bot.provenance.sampling, want.sampling);
        QCOMPARE(bot.provenance.seed, want.seed);
        QCOMPARE(bot.provenance.thinkingBudget, want.thinkingBudget);
        QCOMPARE(bot.provenance.engineVersion, want.engineVersion);
        QCOMPARE(bot.provenance.backend, want.backend);
        QVERIFY(!path[0].provenance.seed); // a user message has none
    }

    void messageInAnotherConversationIsRefused() {
        MessageStore store;
        QVERIFY(store.open(dbPath("fk.sqlite")));
        Message m;
        m.conversationId = 999; // no such conversation: the foreign key refuses it
        m.answer = QStringLiteral("orphan");
        QCOMPARE(store.addMessage(m), 0);
        QVERIFY(store.lastError().contains(QLatin1String("FOREIGN KEY"), Qt::CaseInsensitive));
    }

    void branchesKeepEarlierVersions() {
        MessageStore store;
        QVERIFY(store.open(dbPath("branches.sqlite")));
        const qint64 cid = test::addSampleConversation(store, QStringLiteral("Branches"));
        const auto first = store.visiblePath(cid);
        const Message user = first[0], bot = first[1];

        // Regenerate: a second answer to the same question.
        Message regen;
        regen.conversationId = cid;
        regen.parentId = user.id;
        regen.role = MessageRole::Assistant;
        regen.answer = QStringLiteral("391, second try");
        QVERIFY(store.addMessage(regen) > 0);
        auto path = store.visiblePath(cid);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path.last().id, regen.id);
        QCOMPARE(store.siblingIds(regen.id), QVector<qint64>({bot.id, regen.id}));

        // Edit-and-resend the first question: a sibling root with its own answer.
        Message edited;
        edited.conversationId = cid;
        edited.role = MessageRole::User;
        edited.answer = QStringLiteral("What is 17*24?");
        QVERIFY(store.addMessage(edited) > 0);
        Message editedAnswer;
        editedAnswer.conversationId = cid;
        editedAnswer.parentId = edited.id;
        editedAnswer.role = MessageRole::Assistant;
        editedAnswer.answer = QStringLiteral("408");
        QVERIFY(store.addMessage(editedAnswer) > 0);
        path = store.visiblePath(cid);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].answer, QStringLiteral("What is 17*24?"));
        QCOMPARE(store.siblingIds(edited.id), QVector<qint64>({user.id, edited.id}));

        // The older branches stay reachable: going back shows the newest answer under it...
        QVERIFY(store.selectBranch(user.id));
        path = store.visiblePath(cid);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[1].id, regen.id);
        // ...and picking the first answer shows its whole original continuation.
        QVERIFY(store.selectBranch(bot.id));
        path = store.visiblePath(cid);
        QCOMPARE(path.size(), 3);
        QCOMPARE(path[2].answer, QStringLiteral("Thanks!"));
        QCOMPARE(store.allMessages(cid).size(), 6);

        // Deleting the shown branch falls back to the newest sibling branch.
        QVERIFY(store.deleteMessage(bot.id));
        path = store.visiblePath(cid);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[1].id, regen.id);
        QCOMPARE(store.allMessages(cid).size(), 4);  // bot and its child are gone
        QVERIFY(!store.setCurrentLeaf(cid, 424242)); // not a message of this conversation
    }

    void streamingMessagesAreMarkedInterruptedOnOpen() {
        const QString path = dbPath("recover.sqlite");
        qint64 id = 0, cid = 0;
        {
            MessageStore store;
            QVERIFY(store.open(path));
            cid = test::addSampleConversation(store, QStringLiteral("Crash"));
            Message m;
            m.conversationId = cid;
            m.role = MessageRole::Assistant;
            m.state = MessageState::Streaming;
            QVERIFY(store.addMessage(m) > 0);
            id = m.id;
            QVERIFY(store.saveStreamingText(id, QStringLiteral("partial answer"),
                                            QStringLiteral("partial thought")));
        } // closed while still "streaming", as a crash would leave it
        MessageStore store;
        QVERIFY(store.open(path));
        QCOMPARE(store.interruptedOnOpen(), 1);
        auto m = store.message(id);
        QVERIFY(m);
        QCOMPARE(m->state, MessageState::Interrupted);
        QCOMPARE(m->answer, QStringLiteral("partial answer"));
        QCOMPARE(m->reasoning, QStringLiteral("partial thought"));
        QCOMPARE(store.visiblePath(cid).last().id, id); // shown, with its text
    }

    void catalogueTables() {
        MessageStore store;
        QVERIFY(store.open(dbPath("catalogue.sqlite")));
        ModelRecord model;
        model.path = QStringLiteral("/models/r1-qwen-1.5b-q4_k_m.gguf");
        model.sha256 = QStringLiteral("abc123");
        model.name = QStringLiteral("R1-Distill-Qwen-1.5B");
        model.architecture = QStringLiteral("qwen2");
        model.sizeBytes = 1117320736;
        model.quantization = QStringLiteral("Q4_K_M");
        const qint64 mid = store.upsertModel(model);
        QVERIFY(mid > 0);
        ModelRecord moved = model;
        moved.id = 0;
        moved.path = QStringLiteral("/elsewhere/same.gguf");
        QCOMPARE(store.upsertModel(moved), mid); // same sha256: same model, new path
        QCOMPARE(store.model(mid)->path, moved.path);
        QCOMPARE(store.models().size(), 1);

        ComparisonRun run;
        run.title = QStringLiteral("1.5B vs 7B");
        run.prompt = QStringLiteral("Is 391 prime?");
        QVERIFY(store.addComparisonRun(run) > 0);
        ComparisonResult result;
        result.runId = run.id;
        result.modelId = mid;
        result.answer = QStringLiteral("No, 17 × 23.");
        result.tokensPerSecond = 41.5;
        result.provenance = test::sampleProvenance();
        QVERIFY(store.addComparisonResult(result) > 0);
        const auto results = store.comparisonResults(run.id);
        QCOMPARE(results.size(), 1);
        QCOMPARE(results[0].answer, result.answer);
        QCOMPARE(results[0].provenance.seed, result.provenance.seed);
        QCOMPARE(store.comparisonRuns().size(), 1);

        // Rename (trimmed; blank or unknown refused), delete (the results go with the run).
        QVERIFY(store.renameComparisonRun(run.id, QStringLiteral("  Primes  ")));
        QCOMPARE(store.comparisonRun(run.id)->title, QStringLiteral("Primes"));
        QVERIFY(!store.renameComparisonRun(run.id, QStringLiteral("   ")));
        QCOMPARE(store.comparisonRun(run.id)->title, QStringLiteral("Primes"));
        QVERIFY(!store.renameComparisonRun(run.id + 100, QStringLiteral("x")));
        QVERIFY(store.lastError().contains(QStringLiteral("not stored")));
        ComparisonRun other;
        other.title = QStringLiteral("kept");
        QVERIFY(store.addComparisonRun(other) > 0);
        ComparisonResult otherResult;
        otherResult.runId = other.id;
        QVERIFY(store.addComparisonResult(otherResult) > 0);
        QVERIFY(store.deleteComparisonRun(run.id));
        QVERIFY(!store.comparisonRun(run.id));
        QCOMPARE(store.comparisonResults(run.id).size(), 0);
        QCOMPARE(store.comparisonResults(other.id).size(), 1);
        QVERIFY(!store.deleteComparisonRun(run.id));
        QSqlQuery count(store.database());
        QVERIFY(count.exec(QStringLiteral("SELECT COUNT(*) FROM comparison_results")));
        QVERIFY(count.next());
        QCOMPARE(count.value(0).toInt(), 1);

        BenchmarkRun bench;
        bench.modelId = mid;
        bench.backend = QStringLiteral("cpu");
        bench.threads = 2;
        bench.decodeTokensPerSecond = 12.5;
        QVERIFY(store.addBenchmarkRun(bench) > 0);
        QCOMPARE(store.benchmarkRuns(mid).size(), 1);
        QCOMPARE(store.benchmarkRuns(mid)[0].decodeTokensPerSecond, 12.5);
        QCOMPARE(store.benchmarkRuns(mid + 1).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStorageStore)
#include "tst_storage_store.moc"
