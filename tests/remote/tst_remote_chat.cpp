// A remote model in the chat, end to end: a real `rwb serve` on 127.0.0.1 (port 0) serving the
// bundled demo model, an endpoint saved in QSettings (a temporary ini), chosen in the real
// SettingsPanel's model picker; ChatController runs the turn through RemoteTurn and stores it in
// a real SQLite file: the reply's thought and answer are split and its figures stored; stop()
// mid-stream keeps the partial reply as interrupted.
#include "../app/chat_fixture.h"
#include "inference/chat_controller.h"
#include "inference/remote_turn.h"
#include "message_store.h"
#include "remote/remote_endpoint.h"
#include "remote_test_setup.h"
#include "serve_process.h"
#include "settings/settings_panel.h"

#include <QApplication>
#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace rwb::app;
using namespace rwb::storage;
using rwb::test::Fixture;
using rwb::test::joined;
using rwb::test::ServeProcess;

class TestRemoteChat : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    ServeProcess m_server;

    // Picks the endpoint in the settings panel the way a user does, returns its settings.
    GenerationSettings chooseRemote(int maxTokens, int thinkingBudget) {
        rwb::ui::SettingsPanel panel;
        QComboBox* picker = panel.modelPicker();
        const int index = picker->findText(QStringLiteral("remote: demo server / rwb-demo-small"));
        if (index < 0) return {};
        picker->setCurrentIndex(index);
        emit picker->activated(index);
        GenerationSettings s = panel.settings();
        s.maxTokens = maxTokens;
        s.thinkingBudget = thinkingBudget;
        s.seed = 11;
        return s;
    }
    // Settings that run the turn on the saved endpoint `id` (which need not exist).
    static GenerationSettings endpointSettings(const QString& id) {
        GenerationSettings s;
        s.modelPath = RemoteTurn::modelPathFor(id);
        return s;
    }
    // Adds `e` to the endpoint list saved in QSettings.
    static void saveEndpoint(const rwb::remote::RemoteEndpoint& e) {
        QSettings qs;
        auto list = rwb::remote::RemoteEndpointList::load(qs);
        list.append(e);
        rwb::remote::RemoteEndpointList::save(qs, list);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        rwb::test::use_settings_in(m_dir);
        const QString model =
            QStringLiteral(RWB_SOURCE_DIR) + "/resources/models/rwb-demo-small.gguf";
        if (!QFileInfo::exists(model)) QSKIP("resources/models/rwb-demo-small.gguf is missing");
        QVERIFY(m_server.start(model, {"--max-tokens", "4000"}));
        auto e =
            rwb::test::make_endpoint("demo", "demo server", m_server.baseUrl(), "rwb-demo-small");
        e.inputCostPerMTokens = 1;
        e.outputCostPerMTokens = 2;
        saveEndpoint(e); // the first one: the temporary ini holds no list yet
    }

    void picker_lists_the_endpoint_and_selects_it() {
        const GenerationSettings s = chooseRemote(0, 0);
        QCOMPARE(s.modelPath, QStringLiteral("remote:demo"));
        QVERIFY(RemoteTurn::isRemoteModel(s.modelPath));
    }

    void remote_turn_is_stored_with_thought_answer_and_stats() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "split"));
        ChatController controller(f.storage->worker());
        const GenerationSettings s = chooseRemote(96, 12);
        QCOMPARE(s.modelPath, QStringLiteral("remote:demo"));
        controller.setSettings(s);
        QSignalSpy thinking(&controller, &ChatController::thinkingDelta);
        QSignalSpy answer(&controller, &ChatController::answerDelta);
        QSignalSpy thoughtDone(&controller, &ChatController::thinkingFinished);
        QSignalSpy stats(&controller, &ChatController::statsUpdated);
        QSignalSpy finished(&controller, &ChatController::generationFinished);
        QSignalSpy failed(&controller, &ChatController::generationFailed);
        QVERIFY(controller.send(f.conversationId, "What is 12 + 30?"));
        QVERIFY2(finished.wait(60000) || !finished.isEmpty(),
                 failed.isEmpty() ? "no reply" : qPrintable(failed[0][2].toString()));
        QVERIFY(failed.isEmpty());
        QCOMPARE(thoughtDone.size(), 1);
        QVERIFY(!stats.isEmpty());

        const auto m = finished[0][0].value<Message>();
        QCOMPARE(m.state, MessageState::Complete);
        QVERIFY(!m.reasoning.isEmpty());
        QVERIFY(!m.answer.isEmpty());
        QCOMPARE(m.reasoning, joined(thinking, 2));
        QCOMPARE(m.answer, joined(answer, 2));
        QVERIFY(!m.reasoning.contains("</think>"));
        QVERIFY(m.promptTokens > 0);
        QVERIFY(m.thinkingTokens > 0);
        QVERIFY(m.thinkingTokens <= 13); // the thinking budget reached the server
        QVERIFY(m.answerTokens > 0);
        QVERIFY(m.timeToFirstTokenMs > 0);
        QCOMPARE(m.provenance.backend, QStringLiteral("remote"));

        MessageStore store; // what a reopened database has
        QVERIFY(store.open(f.dbPath));
        const auto saved = store.message(m.id);
        QVERIFY(saved.has_value());
        QCOMPARE(saved->reasoning, m.reasoning);
        QCOMPARE(saved->answer, m.answer);
        QCOMPARE(saved->state, MessageState::Complete);
        QCOMPARE(saved->promptTokens, m.promptTokens);
        QCOMPARE(saved->answerTokens, m.answerTokens);
        QCOMPARE(store.visiblePath(f.conversationId).size(), 2);
    }

    void stop_mid_stream_keeps_the_partial_reply_as_interrupted() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "stop"));
        ChatController controller(f.storage->worker());
        GenerationSettings s = chooseRemote(3000, 0);
        s.temperature = 1.0;
        controller.setSettings(s);
        QSignalSpy interrupted(&controller, &ChatController::generationInterrupted);
        QSignalSpy finished(&controller, &ChatController::generationFinished);
        QString seen;
        int pieces = 0;
        const auto onPiece = [&](qint64 conv, qint64, const QString& t) {
            seen += t;
            if (++pieces == 3) controller.stop(conv);
        };
        connect(&controller, &ChatController::thinkingDelta, this, onPiece);
        connect(&controller, &ChatController::answerDelta, this, onPiece);
        QVERIFY(controller.send(f.conversationId, "Tell me a very long story about numbers."));
        QVERIFY(interrupted.wait(60000) || !interrupted.isEmpty());
        QVERIFY(finished.isEmpty());
        const auto m = interrupted[0][0].value<Message>();
        QCOMPARE(m.state, MessageState::Interrupted);
        QVERIFY(!(m.reasoning + m.answer).isEmpty());
        QVERIFY(seen.startsWith(m.reasoning.left(1)));
        QVERIFY(m.reasoning.size() + m.answer.size() < 3000 * 20); // stopped, not run out
        QVERIFY(!controller.isBusy(f.conversationId));

        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        const auto saved = store.message(m.id);
        QVERIFY(saved.has_value());
        QCOMPARE(saved->state, MessageState::Interrupted);
        QCOMPARE(saved->reasoning + saved->answer, m.reasoning + m.answer);
    }

    void unknown_endpoint_is_one_line_and_writes_nothing() {
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "unknown"));
        ChatController controller(f.storage->worker());
        controller.setSettings(endpointSettings("no-such-endpoint"));
        QSignalSpy failed(&controller, &ChatController::generationFailed);
        QSignalSpy created(&controller, &ChatController::messageCreated);
        QVERIFY(controller.send(f.conversationId, "hello"));
        QVERIFY(failed.wait(10000) || !failed.isEmpty());
        QCOMPARE(failed[0][1].toLongLong(), 0); // no message written
        QVERIFY(failed[0][2].toString().contains("no-such-endpoint"));
        QVERIFY(created.isEmpty());
        QVERIFY(!controller.isBusy(f.conversationId));
        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        QVERIFY(store.visiblePath(f.conversationId).isEmpty());
    }

    void unreachable_server_stores_the_reply_as_error() {
        const quint16 port = rwb::test::closed_port(); // nothing listens there
        QVERIFY(port != 0);
        auto e = rwb::test::make_endpoint("dead", "dead server", rwb::test::local_base_url(port),
                                          "rwb-demo-small");
        e.maxRetries = 0;
        saveEndpoint(e);
        Fixture f;
        QVERIFY(f.open(m_dir.path(), "dead"));
        ChatController controller(f.storage->worker());
        controller.setSettings(endpointSettings("dead"));
        QSignalSpy failed(&controller, &ChatController::generationFailed);
        QVERIFY(controller.send(f.conversationId, "hello"));
        QVERIFY(failed.wait(30000) || !failed.isEmpty());
        const qint64 id = failed[0][1].toLongLong();
        QVERIFY(id > 0); // the reply exists, saved as an error with the one line
        QVERIFY(!failed[0][2].toString().isEmpty());
        QVERIFY(!failed[0][2].toString().contains('\n'));
        MessageStore store;
        QVERIFY(store.open(f.dbPath));
        const auto saved = store.message(id);
        QVERIFY(saved.has_value());
        QCOMPARE(saved->state, MessageState::Error);
    }
};

QTEST_MAIN(TestRemoteChat)
#include "tst_remote_chat.moc"
