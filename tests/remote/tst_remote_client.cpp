// The app's remote client against a real `rwb serve` on 127.0.0.1 serving a tiny synthesized R1
// model: streamed thought/answer split (reasoning_content, and <think> tags from a raw-format
// server), the whole-response shape, 8 concurrent clients, cancel mid-stream (the server stops
// generating), and the server killed mid-stream (the partial text is kept, marked interrupted).
#include "client_recorder.h"
#include "serve_process.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <memory>

using namespace rwb;
using rwb::test::ClientRecorder;
using rwb::test::ServeProcess;

class TestRemoteClient : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString model_;
    ServeProcess server_;
    QString longPrompt_;

    remote::RemoteEndpoint endpoint(const ServeProcess& s) const {
        remote::RemoteEndpoint e;
        e.id = "local";
        e.name = "rwb serve";
        e.baseUrl = s.baseUrl();
        e.model = "tiny-r1";
        e.inputCostPerMTokens = 1.0;
        e.outputCostPerMTokens = 2.0;
        return e;
    }
    static QList<remote::RemoteMessage> ask(const QString& text) { return {{"user", text}}; }

    // A prompt whose greedy reply runs at least 600 tokens without an end token, so a stream of
    // it is still going when the test acts on its first piece. Random weights end early on most
    // prompts; the search is over a fixed list, the check is real.
    QString findLongPrompt() {
        for (int i = 0; i < 12; ++i) {
            const QString p = QStringLiteral("tell me a long story %1").arg(i);
            QJsonObject body{
                {"model", "tiny-r1"},
                {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", p}}}},
                {"temperature", 0},
                {"max_tokens", 600}};
            auto h = test::http("POST", server_.baseUrl() + "/chat/completions",
                                QJsonDocument(body).toJson());
            const auto choice = h.json["choices"].toArray().at(0).toObject();
            if (choice["finish_reason"].toString() == "length") return p;
        }
        return {};
    }
    remote::RemoteRequestParams greedyLong() const {
        remote::RemoteRequestParams p;
        p.temperature = 0;
        p.maxTokens = 4000;
        return p;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        model_ = test::make_tiny_r1_model(tmp_.path(), "tiny-r1");
        QVERIFY(!model_.isEmpty());
        QVERIFY(server_.start(model_, {"--parallel", "8", "--max-tokens", "4000"}));
        longPrompt_ = findLongPrompt();
        QVERIFY2(!longPrompt_.isEmpty(), "no prompt gave a long greedy reply on the tiny model");
    }

    void streams_thought_and_answer_from_reasoning_content() {
        remote::RemoteChatClient client;
        client.setEndpoint(endpoint(server_));
        ClientRecorder rec(client);
        remote::RemoteRequestParams p;
        p.maxTokens = 24;
        p.seed = 3;
        p.extra = QJsonObject{{"thinking_budget", 4}}; // forces </think> after 4 thought tokens
        QVERIFY(client.start(ask("What is 2+2?"), p));
        QVERIFY(rec.wait());
        QCOMPARE(rec.end, QString("finished"));
        QCOMPARE(rec.thinkingStarted, 1);
        QCOMPARE(rec.thinkingEnded, 1);
        QVERIFY(!rec.thinking.isEmpty());
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
        remote::RemoteChatClient client;
        client.setEndpoint(endpoint(raw));
        ClientRecorder rec(client);
        remote::RemoteRequestParams p;
        p.maxTokens = 24;
        p.seed = 3;
        p.extra = QJsonObject{{"thinking_budget", 4}};
        QVERIFY(client.start(ask("What is 2+2?"), p));
        QVERIFY(rec.wait());
        QCOMPARE(rec.end, QString("finished"));
        QCOMPARE(rec.thinkingStarted, 1);
        QCOMPARE(rec.thinkingEnded, 1);
        QVERIFY(!rec.thinking.isEmpty());
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
        remote::RemoteChatClient client;
        auto e = endpoint(server);
        e.model = "rwb-demo-small";
        client.setEndpoint(e);
        ClientRecorder rec(client);
        remote::RemoteRequestParams p;
        p.temperature = 0;
        p.maxTokens = 1000;
        QVERIFY(client.start(ask("What is 48 + 76?"), p));
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
        remote::RemoteChatClient client;
        client.setEndpoint(endpoint(server_));
        ClientRecorder rec(client);
        remote::RemoteRequestParams p;
        p.stream = false;
        p.maxTokens = 12;
        p.extra = QJsonObject{{"thinking_budget", 3}};
        QVERIFY(client.start(ask("hi"), p));
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
            QJsonObject body{
                {"model", "tiny-r1"},
                {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "stop test"}}}},
                {"temperature", 0},
                {"max_tokens", 40},
                {"thinking_budget", 2}};
            if (!stop.isNull()) body.insert("stop", stop);
            auto h = test::http("POST", server_.baseUrl() + "/chat/completions",
                                QJsonDocument(body).toJson());
            return h.json["choices"].toArray().at(0).toObject();
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
        std::vector<std::unique_ptr<remote::RemoteChatClient>> clients;
        std::vector<std::unique_ptr<ClientRecorder>> recs;
        for (int i = 0; i < 8; ++i) {
            clients.push_back(std::make_unique<remote::RemoteChatClient>());
            clients.back()->setEndpoint(endpoint(server_));
            recs.push_back(std::make_unique<ClientRecorder>(*clients.back()));
            remote::RemoteRequestParams p;
            p.maxTokens = 48;
            p.seed = 100 + i;
            p.extra = QJsonObject{{"thinking_budget", 6}};
            QVERIFY(clients.back()->start(ask(QStringLiteral("question %1").arg(i)), p));
        }
        for (int i = 0; i < 8; ++i) {
            QVERIFY(recs[i]->wait());
            QCOMPARE(recs[i]->end, QString("finished"));
            QVERIFY(!recs[i]->thinking.isEmpty());
            QCOMPARE(recs[i]->result.thinking + recs[i]->result.answer,
                     recs[i]->thinking + recs[i]->answer);
            QVERIFY(recs[i]->result.stats.completionTokens <= 48);
        }
    }

    void cancel_mid_stream_stops_the_generation() {
        remote::RemoteChatClient client;
        client.setEndpoint(endpoint(server_));
        ClientRecorder rec(client);
        rec.onFirstDelta = [&] { client.cancel(); };
        QVERIFY(client.start(ask(longPrompt_), greedyLong()));
        QVERIFY(rec.wait());
        QCOMPARE(rec.end, QString("interrupted"));
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
        remote::RemoteChatClient client;
        client.setEndpoint(endpoint(doomed));
        ClientRecorder rec(client);
        rec.onFirstDelta = [&] { doomed.kill(); };
        QVERIFY(client.start(ask(longPrompt_), greedyLong()));
        QVERIFY(rec.wait());
        QCOMPARE(rec.end, QString("interrupted"));
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
