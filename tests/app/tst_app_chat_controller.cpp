// ChatController end to end: real engine on a real GGUF, real SQLite file behind a StorageThread.
// A turn streams in batches whose concatenation is the text stored; stop() ends it quickly with
// the partial reply stored as interrupted, which a reopened database still has; regenerate adds
// a sibling reply and edit-and-resend a sibling prompt (new branches, shown as current); a bad
// model path is one line and writes nothing; a busy conversation refuses a second turn. Each
// reply stores the id of its model's catalogue entry, so a reopened database names the model.
#include "app_test_models.h"
#include "chat_fixture.h"
#include "inference/chat_controller.h"
#include "message_store.h"
#include "models/model_locator.h"
#include "storage_worker.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace rwb::app;
using namespace rwb::storage;
using rwb::test::Fixture;
using rwb::test::joined;

class TestChatController : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;
    QString m_slower; // for tests that stop or wrap up a generation midway

    GenerationSettings fastSettings() const { return rwb::test::fastSettings(m_model); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QString error;
        m_model = rwb::test::makeTinyR1Model(m_dir.path(), &error);
        QVERIFY2(!m_model.isEmpty(), qPrintable(error));
        m_slower = rwb::test::makeSlowerR1Model(m_dir.path(), &error);
        QVERIFY2(!m_slower.isEmpty(), qPrintable(error));
    }

    void sendStreamsInBatchesIntoStorage() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "send"));
        auto controller = std::make_unique<ChatController>(f.storage->worker());
        GenerationSettings g = fastSettings();
        g.thinkingBudget = 100;
        g.maxTokens = 1200;
        controller->setSettings(g);
        QSignalSpy created(controller.get(), &ChatController::messageCreated);
        QSignalSpy thinking(controller.get(), &ChatController::thinkingDelta);
        QSignalSpy answer(controller.get(), &ChatController::answerDelta);
        QSignalSpy thought(controller.get(), &ChatController::thinkingFinished);
        QSignalSpy stats(controller.get(), &ChatController::statsUpdated);
        QSignalSpy finished(controller.get(), &ChatController::generationFinished);
        QSignalSpy failed(controller.get(), &ChatController::generationFailed);
        QSignalSpy ready(controller.get(), &ChatController::modelReady);
        QSignalSpy busy(controller.get(), &ChatController::busyChanged);

        QVERIFY(controller->send(f.conversationId, "Tell me a story."));
        QVERIFY(controller->isBusy(f.conversationId));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1 || failed.size() > 0, 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(2).toString()));
        QCOMPARE(ready.size(), 1);
        QTRY_VERIFY(!controller->isBusy(f.conversationId));
        QCOMPARE(busy.size(), 2);

        QCOMPARE(created.size(), 2);
        const auto user = created[0][0].value<Message>();
        const auto placeholder = created[1][0].value<Message>();
        QCOMPARE(user.role, MessageRole::User);
        QCOMPARE(user.answer, QString("Tell me a story."));
        QCOMPARE(placeholder.role, MessageRole::Assistant);
        QCOMPARE(placeholder.state, MessageState::Streaming);
        QCOMPARE(placeholder.parentId, user.id);

        const auto reply = finished[0][0].value<Message>();
        QCOMPARE(reply.id, placeholder.id);
        QCOMPARE(reply.state, MessageState::Complete);
        QCOMPARE(reply.finishReason, QString("max_tokens"));
        QCOMPARE(reply.thinkingTokens + reply.answerTokens, 1200);
        QVERIFY(reply.tokensPerSecond > 0);
        QVERIFY(reply.timeToFirstTokenMs > 0);
        QVERIFY(reply.provenance.seed.has_value());
        QCOMPARE(reply.provenance.quantization, QString("f16"));
        QVERIFY(reply.provenance.backend == "cpu" || reply.provenance.backend.startsWith("cuda"));
        QCOMPARE(reply.provenance.chatTemplateVersion, QString("r1-v1"));
        QCOMPARE(thought.size(), 1);
        QCOMPARE(thought[0][3].toLongLong(), reply.thinkingTokens);
        QVERIFY(!reply.reasoning.isEmpty() && !reply.answer.isEmpty());
        QCOMPARE(joined(thinking, 2), reply.reasoning);
        QCOMPARE(joined(answer, 2), reply.answer);
        const int textSignals = int(thinking.size() + answer.size());
        qInfo("1200 tokens -> %d text signals, %d stats updates", textSignals, int(stats.size()));
        QVERIFY2(textSignals * 4 < 1200, qPrintable(QString::number(textSignals)));
        const auto last = stats.last()[2].value<StreamStats>();
        QVERIFY(!last.modelName.isEmpty());
        QVERIFY(last.tokensPerSecond > 0);

        // on disk, as streamed, after the app is gone
        controller.reset();
        f.storage.reset();
        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        const auto path = store.visiblePath(f.conversationId);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[1].reasoning, reply.reasoning);
        QCOMPARE(path[1].answer, reply.answer);
        QCOMPARE(path[1].state, MessageState::Complete);
        // the reply names its model after a restart: the catalogue entry the controller made
        QVERIFY(path[1].modelId > 0);
        QCOMPARE(path[1].modelName, last.modelName);
        QCOMPARE(path[0].modelId, 0); // a prompt has no model
        const auto models = store.models();
        QCOMPARE(models.size(), 1);
        QCOMPARE(models[0].id, path[1].modelId);
        QCOMPARE(models[0].path, QFileInfo(m_model).absoluteFilePath());
        QCOMPARE(models[0].quantization, QString("f16"));
        QCOMPARE(models[0].sizeBytes, QFileInfo(m_model).size());
    }

    void stopKeepsThePartialReplyAsInterrupted() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "stop"));
        auto controller = std::make_unique<ChatController>(f.storage->worker());
        GenerationSettings g = fastSettings(); // no limit: runs until the context is full
        g.modelPath = m_slower;
        controller->setSettings(g);
        QSignalSpy thinking(controller.get(), &ChatController::thinkingDelta);
        QSignalSpy interrupted(controller.get(), &ChatController::generationInterrupted);
        QSignalSpy finished(controller.get(), &ChatController::generationFinished);
        QElapsedTimer sinceStop;
        qint64 lastDeltaMs = -1, endMs = -1;
        connect(controller.get(), &ChatController::thinkingDelta, this, [&] {
            if (sinceStop.isValid()) lastDeltaMs = sinceStop.elapsed();
        });
        connect(controller.get(), &ChatController::generationInterrupted, this,
                [&] { endMs = sinceStop.elapsed(); });

        QVERIFY(controller->send(f.conversationId, "Think about this for a long time."));
        QTRY_VERIFY_WITH_TIMEOUT(thinking.size() >= 3, 30000);
        sinceStop.start();
        controller->stop(f.conversationId);
        QTRY_VERIFY_WITH_TIMEOUT(interrupted.size() == 1, 5000);
        qInfo("stop(): last text %lld ms, interrupted reply stored %lld ms after", lastDeltaMs,
              endMs);
        QVERIFY2(endMs >= 0 && endMs < 100, qPrintable(QString::number(endMs)));
        QCOMPARE(finished.size(), 0);
        const auto reply = interrupted[0][0].value<Message>();
        QCOMPARE(reply.state, MessageState::Interrupted);
        QCOMPARE(reply.finishReason, QString("cancelled"));
        QVERIFY(!reply.reasoning.isEmpty());
        QCOMPARE(joined(thinking, 2), reply.reasoning);

        // a restart: the database reopened has the interrupted reply with its text
        controller.reset();
        f.storage.reset();
        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        QCOMPARE(store.interruptedOnOpen(), 0); // it was finished properly, not left streaming
        const auto saved = store.message(reply.id);
        QVERIFY(saved.has_value());
        QCOMPARE(saved->state, MessageState::Interrupted);
        QCOMPARE(saved->reasoning, reply.reasoning);
        QCOMPARE(store.visiblePath(f.conversationId).size(), 2);
    }

    void wrapUpClosesTheThoughtAndTheReplyIsStored() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "wrapup"));
        ChatController controller(f.storage->worker());
        GenerationSettings g = fastSettings();
        g.modelPath = m_slower;
        g.maxTokens = 300;
        controller.setSettings(g);
        QSignalSpy thinking(&controller, &ChatController::thinkingDelta);
        QSignalSpy answer(&controller, &ChatController::answerDelta);
        QSignalSpy thought(&controller, &ChatController::thinkingFinished);
        QSignalSpy finished(&controller, &ChatController::generationFinished);
        QVERIFY(controller.send(f.conversationId, "Think first."));
        QTRY_VERIFY_WITH_TIMEOUT(thinking.size() >= 2, 30000);
        controller.wrapUp(f.conversationId);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 30000);
        QCOMPARE(thought.size(), 1);
        const auto reply = finished[0][0].value<Message>();
        QVERIFY(reply.thinkingTokens < 300);
        QVERIFY(reply.thinkingTokens + reply.answerTokens <= 300);
        QCOMPARE(joined(thinking, 2), reply.reasoning);
        QCOMPARE(joined(answer, 2), reply.answer);
        QVERIFY(!reply.answer.isEmpty());
    }

    void regenerateAddsASiblingReply() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "regenerate"));
        ChatController controller(f.storage->worker());
        GenerationSettings g = fastSettings();
        g.temperature = 0.8; // seeded per turn: the two replies differ
        g.topP = 0.95;
        g.maxTokens = 40;
        controller.setSettings(g);
        QSignalSpy created(&controller, &ChatController::messageCreated);
        QSignalSpy finished(&controller, &ChatController::generationFinished);
        QVERIFY(controller.send(f.conversationId, "Hello"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 30000);
        const auto first = finished[0][0].value<Message>();

        QVERIFY(controller.regenerate(f.conversationId, first.id));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2, 30000);
        const auto second = finished[1][0].value<Message>();
        QCOMPARE(created.size(), 3); // user, reply, second reply (no new prompt)
        QVERIFY(second.id != first.id);
        QCOMPARE(second.parentId, first.parentId);
        QVERIFY(second.provenance.seed != first.provenance.seed);

        // regenerating a message that is not a reply on the branch: one line, nothing written
        QSignalSpy failed(&controller, &ChatController::generationFailed);
        QVERIFY(controller.regenerate(f.conversationId, first.parentId));
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
        QCOMPARE(failed[0][1].toLongLong(), 0);
        QVERIFY(!failed[0][2].toString().contains('\n'));
        QCOMPARE(created.size(), 3);

        f.storage.reset();
        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        QCOMPARE(store.siblingIds(first.id), (QVector<qint64>{first.id, second.id}));
        const auto path = store.visiblePath(f.conversationId);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[1].id, second.id); // the new branch is shown
        // both replies carry the one catalogue entry of their model
        QVERIFY(first.modelId > 0);
        QCOMPARE(second.modelId, first.modelId);
        QCOMPARE(store.models().size(), 1);
        QCOMPARE(path[1].modelName, store.models()[0].name);
    }

    void editAndResendAddsASiblingPrompt() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "edit"));
        ChatController controller(f.storage->worker());
        GenerationSettings g = fastSettings();
        g.maxTokens = 30;
        controller.setSettings(g);
        QSignalSpy created(&controller, &ChatController::messageCreated);
        QSignalSpy finished(&controller, &ChatController::generationFinished);
        QVERIFY(controller.send(f.conversationId, "Fisrt question"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 30000);
        QVERIFY(controller.send(f.conversationId, "Follow-up"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2, 30000);
        const auto firstPrompt = created[0][0].value<Message>();
        const auto secondPrompt = created[2][0].value<Message>();
        QCOMPARE(secondPrompt.parentId, finished[0][0].value<Message>().id);

        // edit the follow-up: a sibling of it under the same reply, answered
        QVERIFY(controller.editAndResend(f.conversationId, secondPrompt.id, "Better follow-up"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 3, 30000);
        QCOMPARE(created.size(), 6);
        const auto edited = created[4][0].value<Message>();
        const auto reply = finished[2][0].value<Message>();
        QCOMPARE(edited.role, MessageRole::User);
        QCOMPARE(edited.answer, QString("Better follow-up"));
        QCOMPARE(edited.parentId, secondPrompt.parentId);
        QCOMPARE(reply.parentId, edited.id);

        // edit the first prompt: a new root branch
        QVERIFY(controller.editAndResend(f.conversationId, firstPrompt.id, "First question"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 4, 30000);
        const auto root2 = created[6][0].value<Message>();
        QCOMPARE(root2.parentId, 0);

        f.storage.reset();
        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        QCOMPARE(store.siblingIds(secondPrompt.id), (QVector<qint64>{secondPrompt.id, edited.id}));
        QCOMPARE(store.siblingIds(firstPrompt.id), (QVector<qint64>{firstPrompt.id, root2.id}));
        const auto path = store.visiblePath(f.conversationId);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].answer, QString("First question"));
        // the old branch is intact
        QVERIFY(store.selectBranch(reply.id));
        const auto old = store.visiblePath(f.conversationId);
        QCOMPARE(old.size(), 4);
        QCOMPARE(old[2].answer, QString("Better follow-up"));
    }

    void badModelPathWritesNothing() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "bad"));
        ChatController controller(f.storage->worker());
        GenerationSettings g = fastSettings();
        g.modelPath = m_dir.filePath("no-such-model.gguf");
        controller.setSettings(g);
        QSignalSpy created(&controller, &ChatController::messageCreated);
        QSignalSpy failed(&controller, &ChatController::generationFailed);
        QSignalSpy busy(&controller, &ChatController::busyChanged);
        QVERIFY(controller.send(f.conversationId, "Hello?"));
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
        const QString line = failed[0][2].toString();
        QVERIFY2(line.startsWith("Model file not found") && !line.contains('\n'), qPrintable(line));
        QCOMPARE(failed[0][1].toLongLong(), 0);
        QTRY_COMPARE(busy.size(), 2);
        QCOMPARE(busy[1][1].toBool(), false);
        QTest::qWait(100);
        QCOMPARE(created.size(), 0);

        f.storage.reset();
        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        QCOMPARE(store.allMessages(f.conversationId).size(), 0);
    }

    void aBusyConversationRefusesASecondTurn() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "busy"));
        ChatController controller(f.storage->worker());
        GenerationSettings g = fastSettings();
        g.modelPath = m_slower;
        controller.setSettings(g);
        QSignalSpy failed(&controller, &ChatController::generationFailed);
        QSignalSpy interrupted(&controller, &ChatController::generationInterrupted);
        QSignalSpy created(&controller, &ChatController::messageCreated);
        QVERIFY(controller.send(f.conversationId, "One"));
        QVERIFY(!controller.send(f.conversationId, "Two"));
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed[0][2].toString().contains("already"));
        QTRY_VERIFY_WITH_TIMEOUT(created.size() == 2, 10000);
        controller.stop();
        QTRY_VERIFY_WITH_TIMEOUT(interrupted.size() == 1, 5000);
        QVERIFY(!controller.isAnyBusy());
    }

    void idleWorkersAreReleased() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "workers", ChatController::kMaxIdleWorkers + 1));
        ChatController controller(f.storage->worker());
        GenerationSettings g = fastSettings();
        g.maxTokens = 3;
        controller.setSettings(g);
        QSignalSpy finished(&controller, &ChatController::generationFinished);
        QVector<qint64> all = {f.conversationId};
        all << f.more;
        for (int i = 0; i < all.size(); ++i) {
            QVERIFY(controller.send(all[i], "Hi"));
            QTRY_VERIFY_WITH_TIMEOUT(finished.size() == i + 1, 10000);
            QVERIFY(controller.workerCount() <= ChatController::kMaxIdleWorkers);
        }
        QCOMPARE(controller.workerCount(), ChatController::kMaxIdleWorkers);
        // the released one (the least recently used) still works: it gets a new worker
        QVERIFY(controller.send(all[0], "Again"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == all.size() + 1, 10000);
        QCOMPARE(controller.workerCount(), ChatController::kMaxIdleWorkers);
    }

    void demoModelAnswersArithmetic() {
        QString error;
        const QString demo = ModelLocator::defaultModelPath(&error);
        if (demo.isEmpty()) QSKIP("the bundled demo model is not there yet");
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "demo"));
        ChatController controller(f.storage->worker());
        GenerationSettings g; // R1 defaults, the bundled model
        g.seed = 1;
        g.maxTokens = 1024;
        controller.setSettings(g);
        QSignalSpy finished(&controller, &ChatController::generationFinished);
        QSignalSpy failed(&controller, &ChatController::generationFailed);
        QVERIFY(controller.send(f.conversationId, "What is 48 + 76?"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1 || failed.size() == 1, 120000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(2).toString()));
        const auto reply = finished[0][0].value<Message>();
        QVERIFY2(reply.answer.contains("\\boxed{124}"), qPrintable(reply.answer));
        QCOMPARE(reply.state, MessageState::Complete);
        QCOMPARE(reply.finishReason, QString("eog"));
        QVERIFY(!reply.reasoning.isEmpty());
        QVERIFY(reply.thinkingTokens > 0 && reply.answerTokens > 0);
        qInfo("demo medium: %lld thought + %lld answer tokens, %.0f tokens/s, first token %.1f ms",
              reply.thinkingTokens, reply.answerTokens, reply.tokensPerSecond,
              reply.timeToFirstTokenMs);
    }
};

QTEST_GUILESS_MAIN(TestChatController)
#include "tst_app_chat_controller.moc"
