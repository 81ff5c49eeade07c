// The app's remote client against a real `rwb serve` on 127.0.0.1 serving a tiny synthesized R1
// model: streamed thought/answer split (reasoning_content, and <think> tags from a raw-format
// server), the whole-response shape, 8 concurrent clients, cancel mid-stream (the server stops
// generating), and the server killed mid-stream (the partial text is kept, marked interrupted).
#include "client_recorder.h"
#include "remote_test_setup.h"
#include "serve_process.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <functional>
#include <memory>

using namespace rwb;
using rwb::test::ClientRecorder;
using rwb::test::RecordedClient;
using rwb::test::ServeProcess;

class TestRemoteClient : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString model_;
    ServeProcess server_;
    QString longPrompt_;

    static remote::RemoteEndpoint endpoint(const ServeProcess& s) {
        auto e = test::make_endpoint("local", "rwb serve", s.baseUrl(), "tiny-r1");
        e.inputCostPerMTokens = 1.0;
        e.outputCostPerMTokens = 2.0;
        return e;
    }
    static QList<remote::RemoteMessage> ask(const QString& text) { return {{"user", text}}; }
    static remote::RemoteRequestParams greedy(int maxTokens) {
        remote::RemoteRequestParams p;
        p.temperature = 0;
        p.maxTokens = maxTokens;
        return p;
    }
    // At most maxTokens tokens, the thought ended after `budget` of them (rwb serve's
    // thinking_budget).
    static remote::RemoteRequestParams budgeted(int maxTokens, int budget) {
        remote::RemoteRequestParams p;
        p.maxTokens = maxTokens;
        p.extra = QJsonObject{{"thinking_budget", budget}};
        return p;
    }

    // The first choice of a greedy whole-response request to the shared server (raw HTTP);
    // `extra` adds fields to the body.
    QJsonObject greedyChoice(const QString& prompt, int maxTokens, const QJsonObject& extra = {}) {
        QJsonObject body{
            {"model", "tiny-r1"},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", prompt}}}},
            {"temperature", 0},
            {"max_tokens", maxTokens}};
        for (auto it = extra.begin(); it != extra.end(); ++it) body.insert(it.key(), it.value());
        auto h = test::http("POST", server_.baseUrl() + "/chat/completions",
                            QJsonDocument(body).toJson());
        return h.json["choices"].toArray().at(0).toObject();
    }

    // A prompt whose greedy reply runs at least 600 tokens without an end token, so a stream of
    // it is still going when the test acts on its first piece. Random weights end early on most
    // prompts; the search is over a fixed list, the check is real.
    QString findLongPrompt() {
        for (int i = 0; i < 12; ++i) {
            const QString p = QStringLiteral("tell me a long story %1").arg(i);
            if (greedyChoice(p, 600)["finish_reason"].toString() == "length") return p;
        }
        return {};
    }

    // Asks "What is 2+2?" (at most 24 tokens, seed 3) with a thinking budget of 4, which forces
    // </think> after 4 thought tokens: the reply ends with one non-empty thought.
    static void askWithShortThought(RecordedClient& c) {
        auto p = budgeted(24, 4);
        p.seed = 3;
        QVERIFY(c.client.start(ask("What is 2+2?"), p));
        QVERIFY(c.rec.wait());
        QCOMPARE(c.rec.end, QString("finished"));
        QCOMPARE(c.rec.thinkingStarted, 1);
        QCOMPARE(c.rec.thinkingEnded, 1);
        QVERIFY(!c.rec.thinking.isEmpty());
    }

    // Streams the long greedy reply, runs `act` on its first piece: the stream ends interrupted.
    void interruptLongReply(RecordedClient& c, std::function<void()> act) {
        c.rec.onFirstDelta = std::move(act);
        QVERIFY(c.client.start(ask(longPrompt_), greedy(4000)));
        QVERIFY(c.rec.wait());
        QCOMPARE(c.rec.end, QString("interrupted"));
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        test::start_tiny_server(tmp_.path(), model_, server_,
                                {"--parallel", "8", "--max-tokens", "4000"});
        if (QTest::currentTestFailed()) return;
        longPrompt_ = findLongPrompt();
        QVERIFY2(!longPrompt_.isEmpty(), "no prompt gave a long greedy reply on the tiny model");
    }

    void streams_thought_and_answer_from_reasoning_content() {
        RecordedClient c(endpoint(server_));
        askWithShortThought(c);
        if (QTest::currentTestFailed()) return;
        ClientRecorder& rec = c.rec;
        QVERIFY(!rec.answerBeforeThoughtEnded);
        QCOMPARE(rec.result.thinking, rec.thinking);
        QCOMPARE(rec.result.answer, rec.answer);
        QVERIFY(!rec.result.thinking.contains("</think>"));
        const auto& s = rec.result.stats;
        QVERIFY(s.usageReported);
        QVERIFY(s.promptTokens > 5);
        QVERIFY(s.completionTokens >= 5 && s.completionTokens <= 24);
        QVERIFY(s.reasoningTokens >= 4 && s.reasoningTokens < s.completionTokens + 1);
        if (s.completionTokens == 24) QCOMPARE(rec.result.finishReason, QString("length"));
        QVERIFY(s.ttftMs >= 0 && s.ttftMs <= s.totalMs);
        QVERIFY(s.tokensPerSecond > 0);
        QCOMPARE(s.cost, (s.promptTokens * 1.0 + s.completionTokens * 2.0) / 1e6);
        QCOMPARE(s.retries, 0);
    }

    // A server that leaves <think>...</think> in the content: the client splits it itself.
    void splits_think_tags_in_content() {
        ServeProcess raw;
        QVERIFY(raw.start(model_, {"--reasoning-format", "raw"}));
        RecordedClient c(endpoint(raw));
        askWithShortThought(c);
        if (QTest::currentTestFailed()) return;
        ClientRecorder& rec = c.rec;
        QVERIFY(!rec.thinking.contains("<think>") && !rec.thinking.contains("</think>"));
        QVERIFY(!rec.answer.startsWith("</think>"));
    }

    // The trained demo model thinks and then answers by itself (no thinking budget): the split
    // comes from its own </think>.
    void demo_model_thinks_then_answers() {
        const QString demo = QStringLiteral(RWB_SOURCE_DIR "/resources/models/rwb-demo-small.gguf");
        if (!QFile::exists(demo)) QSKIP("resources/models/rwb-demo-small.gguf is not there");
        ServeProcess server;
        QVERIFY(server.start(demo));
        auto e = endpoint(server);
        e.model = "rwb-demo-small";
        RecordedClient c(e);
        ClientRecorder& rec = c.rec;
        QVERIFY(c.client.start(ask("What is 48 + 76?"), greedy(1000)));
        QVERIFY(rec.wait());
        QCOMPARE(rec.end, QString("finished"));
        QCOMPARE(rec.result.finishReason, QString("stop"));
        QCOMPARE(rec.thinkingStarted, 1);
        QCOMPARE(rec.thinkingEnded, 1);
        QVERIFY(!rec.thinking.trimmed().isEmpty());
        QVERIFY(!rec.answer.trimmed().isEmpty());
        QVERIFY(!rec.answer.contains("</think>") && !rec.thinking.contains("</think>"));
        QVERIFY(rec.result.stats.reasoningTokens > 0);
        QVERIFY(rec.result.stats.reasoningTokens < rec.result.stats.completionTokens);
    }

    void whole_response_shape() {
        const QByteArray body = R"({"model":"tiny-r1","max_tokens":12,"seed":1,"thinking_budget":3,
            "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]})";
        auto h = test::http("POST", server_.baseUrl() + "/chat/completions", body);
        QCOMPARE(h.status, 200);
        QCOMPARE(h.json["object"].toString(), QString("chat.completion"));
        QVERIFY(h.json["id"].toString().startsWith("chatcmpl-"));
        QCOMPARE(h.json["model"].toString(), QString("tiny-r1"));
        QVERIFY(h.json["created"].toInteger() > 1600000000);
        const auto choices = h.json["choices"].toArray();
        QCOMPARE(choices.size(), 1);
        const auto msg = choices[0].toObject()["message"].toObject();
        QCOMPARE(msg["role"].toString(), QString("assistant"));
        QVERIFY(msg["content"].isString());
        QVERIFY(!msg["reasoning_content"].toString().isEmpty());
        QVERIFY(choices[0].toObject()["finish_reason"].isString());
        const auto usage = h.json["usage"].toObject();
        QCOMPARE(usage["total_tokens"].toInt(),
                 usage["prompt_tokens"].toInt() + usage["completion_tokens"].toInt());
        QVERIFY(usage["completion_tokens"].toInt() <= 12);

        // The client in non-streaming mode reads the same shape.
        RecordedClient c(endpoint(server_));
        ClientRecorder& rec = c.rec;
        auto p = budgeted(12, 3);
        p.stream = false;
        QVERIFY(c.client.start(ask("hi"), p));
        QVERIFY(rec.wait());
        QCOMPARE(rec.end, QString("finished"));
        QVERIFY(!rec.result.thinking.isEmpty());
        QVERIFY(rec.result.stats.usageReported);
        QVERIFY(rec.result.stats.completionTokens <= 12);

        auto models = test::http("GET", server_.baseUrl() + "/models");
        QCOMPARE(models.status, 200);
        QCOMPARE(models.json["object"].toString(), QString("list"));
        QCOMPARE(models.json["data"].toArray()[0].toObject()["id"].toString(), QString("tiny-r1"));
    }

    // Stop sequences end the answer before the sequence, also when it spans tokens: a greedy
    // reply is cut where a piece of its own answer text occurs first.
    void stop_sequence_cuts_the_answer() {
        auto ask_greedy = [&](const QJsonValue& stop) {
            QJsonObject extra{{"thinking_budget", 2}};
            if (!stop.isNull()) extra.insert("stop", stop);
            return greedyChoice("stop test", 40, extra);
        };
        const QJsonObject full = ask_greedy(QJsonValue());
        const QString answer = full["message"].toObject()["content"].toString();
        if (answer.size() < 12) QSKIP("the greedy answer is too short to cut");
        const QString stop = answer.mid(6, 4);
        const QJsonObject cut = ask_greedy(QJsonArray{"never-occurs", stop});
        QCOMPARE(cut["message"].toObject()["content"].toString(),
                 answer.left(answer.indexOf(stop)));
        QCOMPARE(cut["finish_reason"].toString(), QString("stop"));
        // The thought is not searched for stop sequences.
        QCOMPARE(cut["message"].toObject()["reasoning_content"].toString(),
                 full["message"].toObject()["reasoning_content"].toString());
    }

    void eight_concurrent_clients() {
        std::vector<std::unique_ptr<RecordedClient>> clients;
        for (int i = 0; i < 8; ++i) {
            clients.push_back(std::make_unique<RecordedClient>(endpoint(server_)));
            auto p = budgeted(48, 6);
            p.seed = 100 + i;
            QVERIFY(clients.back()->client.start(ask(QStringLiteral("question %1").arg(i)), p));
        }
        for (int i = 0; i < 8; ++i) {
            ClientRecorder& rec = clients[i]->rec;
            QVERIFY(rec.wait());
            QCOMPARE(rec.end, QString("finished"));
            QVERIFY(!rec.thinking.isEmpty());
            QCOMPARE(rec.result.thinking + rec.result.answer, rec.thinking + rec.answer);
            QVERIFY(rec.result.stats.completionTokens <= 48);
        }
    }

    void cancel_mid_stream_stops_the_generation() {
        RecordedClient c(endpoint(server_));
        interruptLongReply(c, [&] { c.client.cancel(); });
        if (QTest::currentTestFailed()) return;
        ClientRecorder& rec = c.rec;
        QCOMPARE(rec.reason, QString("cancelled"));
        QVERIFY(rec.result.interrupted);
        QVERIFY(!(rec.result.thinking + rec.result.answer).isEmpty());
        // The server notices the closed connection and frees the slot long before the 4000
        // tokens it would otherwise generate.
        QTRY_VERIFY_WITH_TIMEOUT(server_.errors().contains("cancelled (client disconnected)"),
                                 10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            test::http("GET", server_.root() + "/health").json["active"].toInt(), 0, 10000);
    }

    void server_killed_mid_stream_keeps_the_partial_answer() {
        ServeProcess doomed;
        QVERIFY(doomed.start(model_, {"--max-tokens", "4000"}));
        RecordedClient c(endpoint(doomed));
        interruptLongReply(c, [&] { doomed.kill(); });
        if (QTest::currentTestFailed()) return;
        ClientRecorder& rec = c.rec;
        QVERIFY2(rec.reason.contains("connection") || rec.reason.contains("stream ended"),
                 qPrintable(rec.reason));
        QVERIFY(rec.result.interrupted);
        QVERIFY(!(rec.result.thinking + rec.result.answer).isEmpty());
        QCOMPARE(rec.result.thinking, rec.thinking);
        QCOMPARE(rec.result.answer, rec.answer);
        QVERIFY(rec.result.finishReason.isEmpty());
    }

    void cleanupTestCase() {
        server_.stop();
        QCOMPARE(server_.process().exitCode(), 0); // SIGTERM: a clean shutdown
    }
};

QTEST_GUILESS_MAIN(TestRemoteClient)
#include "tst_remote_client.moc"
