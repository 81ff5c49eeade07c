// Failure paths of `rwb serve` and the app's remote client, all over real sockets on 127.0.0.1:
// API key checks (401 as OpenAI-style JSON, the client's one-line message), malformed requests
// (400 JSON errors naming the field), unknown model (404), body too large (413), connection
// refused (retried with back-off, then one clear line), and a malformed event stream from a
// misbehaving server (a QTcpServer the test scripts).
#include "client_recorder.h"
#include "remote_test_setup.h"
#include "serve_process.h"

#include "remote/remote_model_list.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace rwb;
using rwb::test::ClientRecorder;
using rwb::test::RecordedClient;
using rwb::test::ServeProcess;

namespace {
void verify_error_json(const test::HttpResult& h, int status, const QString& code) {
    QCOMPARE(h.status, status);
    const QJsonObject e = h.json["error"].toObject();
    QVERIFY2(!e["message"].toString().isEmpty(), h.body.constData());
    QVERIFY(e["type"].isString());
    QCOMPARE(e["code"].toString(), code);
    QVERIFY(!e["message"].toString().contains('\n'));
}

// Says "hi" through a client whose connections fail: `retries` retries 10 ms apart (the
// endpoint's maxRetries), then the client fails; the caller checks the reason.
void verify_retried_then_failed(RecordedClient& c, int retries) {
    c.client.setBackoffBaseMs(10);
    QVERIFY(c.client.start({{"user", "hi"}}));
    QVERIFY(c.rec.wait(20000));
    QCOMPARE(c.rec.end, QString("failed"));
    QCOMPARE(c.rec.retries, retries);
}
} // namespace

// A misbehaving HTTP server for paths rwb serve never takes: answers every request with `reply`
// (nothing at all when empty, to test the connect timeout).
class ScriptedServer : public QTcpServer {
public:
    explicit ScriptedServer(QByteArray reply) : reply_(std::move(reply)) {
        connect(this, &QTcpServer::newConnection, this, [this] {
            QTcpSocket* s = nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [this, s] {
                seen_ += s->readAll();
                if (!seen_.contains("\r\n\r\n") || reply_.isEmpty()) return;
                s->write(reply_);
                s->flush();
            });
        });
        listen(QHostAddress::LocalHost, 0);
    }
    QString base() const { return test::local_base_url(serverPort()); }

private:
    QByteArray reply_, seen_;
};

class TestRemoteErrors : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString model_;
    ServeProcess keyed_;

    static remote::RemoteEndpoint endpoint(const QString& base) {
        return test::make_endpoint("local", {}, base, "tiny-r1");
    }
    QString chatUrl() const { return keyed_.baseUrl() + "/chat/completions"; }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        test::start_tiny_server(tmp_.path(), model_, keyed_,
                                {"--api-key", "s3cret", "--max-body", "4096"});
    }

    void wrong_or_missing_key_is_401() {
        verify_error_json(test::http("GET", keyed_.baseUrl() + "/models"), 401, "invalid_api_key");
        verify_error_json(test::http("GET", keyed_.baseUrl() + "/models", {}, "nope"), 401,
                          "invalid_api_key");
        QCOMPARE(test::http("GET", keyed_.baseUrl() + "/models", {}, "s3cret").status, 200);

        RecordedClient c(endpoint(keyed_.baseUrl()));
        remote::RemoteChatClient& client = c.client;
        ClientRecorder& rec = c.rec;
        client.setApiKey("wrong");
        QVERIFY(client.start({{"user", "hi"}}));
        QVERIFY(rec.wait());
        QCOMPARE(rec.end, QString("failed"));
        QVERIFY2(rec.reason.startsWith("401 Unauthorized"), qPrintable(rec.reason));
        QVERIFY(rec.reason.contains("incorrect API key"));
        QCOMPARE(rec.retries, 0); // an HTTP answer is never retried

        client.setApiKey("s3cret");
        ClientRecorder ok(client);
        remote::RemoteRequestParams p;
        p.maxTokens = 8;
        QVERIFY(client.start({{"user", "hi"}}, p));
        QVERIFY(ok.wait());
        QCOMPARE(ok.end, QString("finished"));
    }

    void model_list_needs_the_key() {
        remote::RemoteModelList list;
        QSignalSpy listed(&list, &remote::RemoteModelList::listed);
        QSignalSpy failed(&list, &remote::RemoteModelList::failed);
        list.fetch(endpoint(keyed_.baseUrl()), "wrong");
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed[0][0].toString().startsWith("HTTP 401: incorrect API key"),
                 qPrintable(failed[0][0].toString()));
        list.fetch(endpoint(keyed_.baseUrl()), "s3cret");
        QVERIFY(listed.wait(20000));
        QCOMPARE(listed[0][0].toStringList(), QStringList{"tiny-r1"});
    }

    void malformed_requests_get_json_errors_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("param");
        QTest::newRow("not json") << QByteArray("{\"model\": ") << 400 << "invalid_value"
                                  << "";
        QTest::newRow("no messages")
            << QByteArray(R"({"model":"tiny-r1"})") << 400 << "invalid_value"
            << "messages";
        QTest::newRow("bad role")
            << QByteArray(R"({"model":"tiny-r1","messages":[{"role":"tool","content":"x"}]})")
            << 400 << "invalid_value"
            << "messages[0].role";
        QTest::newRow("temperature")
            << QByteArray(
                   R"({"model":"tiny-r1","temperature":7,"messages":[{"role":"user","content":"x"}]})")
            << 400 << "invalid_value"
            << "temperature";
        QTest::newRow("max_tokens over the cap")
            << QByteArray(
                   R"({"model":"tiny-r1","max_tokens":99999,"messages":[{"role":"user","content":"x"}]})")
            << 400 << "invalid_value"
            << "max_tokens";
        QTest::newRow("stream not bool")
            << QByteArray(
                   R"({"model":"tiny-r1","stream":"yes","messages":[{"role":"user","content":"x"}]})")
            << 400 << "invalid_value"
            << "stream";
        QTest::newRow("unknown model")
            << QByteArray(R"({"model":"gpt-9","messages":[{"role":"user","content":"x"}]})") << 404
            << "model_not_found"
            << "";
        QTest::newRow("too large") << QByteArray(8000, ' ') << 413 << "request_too_large"
                                   << "";
    }
    void malformed_requests_get_json_errors() {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, param);
        const auto h = test::http("POST", chatUrl(), body, "s3cret");
        verify_error_json(h, status, code);
        if (!param.isEmpty()) QCOMPARE(h.json["error"].toObject()["param"].toString(), param);
    }

    void prompt_longer_than_the_context_is_refused() {
        ServeProcess small;
        QVERIFY(small.start(model_, {"--ctx", "64"}));
        const QString text = QString("word ").repeated(200);
        const QByteArray body =
            QJsonDocument(QJsonObject{{"model", "tiny-r1"},
                                      {"messages", QJsonArray{QJsonObject{{"role", "user"},
                                                                          {"content", text}}}}})
                .toJson();
        verify_error_json(test::http("POST", small.baseUrl() + "/chat/completions", body), 400,
                          "context_length_exceeded");
    }

    void non_loopback_without_key_is_refused() {
        const auto r = test::run_rwb({"serve", "-m", model_, "--host", "0.0.0.0", "--port", "0"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("rwb serve: an API key is required"), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }

    void bad_serve_options_fail_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no model") << QStringList{"serve"} << "-m FILE is required";
        QTest::newRow("port") << QStringList{"serve", "-m", "x.gguf", "--port", "70000"}
                              << "--port must be";
        QTest::newRow("format") << QStringList{"serve", "-m", "x.gguf", "--reasoning-format", "x"}
                                << "--reasoning-format must be";
        QTest::newRow("parallel") << QStringList{"serve", "-m", "x.gguf", "--parallel", "0"}
                                  << "--parallel must be";
        QTest::newRow("missing file")
            << QStringList{"serve", "-m", "/nonexistent/m.gguf", "--port", "0"} << "m.gguf";
    }
    void bad_serve_options_fail() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = test::run_rwb(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("rwb serve: ") && r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }

    void connection_refused_is_retried_then_reported() {
        const quint16 port = test::closed_port(); // free a moment ago and closed now
        QVERIFY(port != 0);
        auto e = endpoint(test::local_base_url(port));
        e.maxRetries = 2;
        RecordedClient c(e);
        verify_retried_then_failed(c, 2);
        if (QTest::currentTestFailed()) return;
        QVERIFY2(c.rec.reason.startsWith("cannot connect to 127.0.0.1"), qPrintable(c.rec.reason));
    }

    void http_errors_are_one_clear_line_data() {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("message");
        auto http = [](const char* status, const char* extra, const char* body) {
            return QByteArray("HTTP/1.1 ") + status + "\r\nContent-Type: application/json\r\n" +
                   extra + "Content-Length: " + QByteArray::number(qstrlen(body)) +
                   "\r\nConnection: close\r\n\r\n" + body;
        };
        QTest::newRow("429") << http("429 Too Many Requests", "Retry-After: 7\r\n",
                                     R"({"error":{"message":"slow down"}})")
                             << "429 Too Many Requests: rate limited by the server, try again in 7 "
                                "s (slow down)";
        QTest::newRow("500") << http("500 Internal Server Error", "",
                                     "{\"error\":{\"message\":\"boom\\nsecond line\"}}")
                             << "server error 500 (boom second line)";
        QTest::newRow("502 html") << http("502 Bad Gateway", "", "<html>bad gateway</html>")
                                  << "server error 502 (<html>bad gateway</html>)";
        QTest::newRow("not json") << http("200 OK", "", "hello")
                                  << "malformed response from the server: not a JSON object";
    }
    void http_errors_are_one_clear_line() {
        QFETCH(QByteArray, reply);
        QFETCH(QString, message);
        ScriptedServer server(reply);
        QVERIFY(server.isListening());
        RecordedClient c(endpoint(server.base()));
        ClientRecorder& rec = c.rec;
        remote::RemoteRequestParams p;
        p.stream = false;
        QVERIFY(c.client.start({{"user", "hi"}}, p));
        QVERIFY(rec.wait(20000));
        QCOMPARE(rec.end, QString("failed"));
        QVERIFY2(rec.reason.startsWith(message), qPrintable(rec.reason));
        QVERIFY(!rec.reason.contains('\n'));
        QCOMPARE(rec.retries, 0);
    }

    void silent_server_hits_the_connect_timeout() {
        ScriptedServer silent({}); // accepts, never answers
        QVERIFY(silent.isListening());
        auto e = endpoint(silent.base());
        e.connectTimeoutMs = 300;
        e.maxRetries = 1;
        RecordedClient c(e);
        verify_retried_then_failed(c, 1);
        if (QTest::currentTestFailed()) return;
        QVERIFY2(c.rec.reason.startsWith("no response from 127.0.0.1 within 0.3 s"),
                 qPrintable(c.rec.reason));
    }

    // A misbehaving server: a valid first chunk, then garbage where JSON belongs.
    void malformed_stream_keeps_what_came_and_says_why() {
        QTcpServer bad;
        QVERIFY(bad.listen(QHostAddress::LocalHost, 0));
        connect(&bad, &QTcpServer::newConnection, this, [&bad] {
            QTcpSocket* s = bad.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [s] {
                if (!s->readAll().contains("\r\n\r\n")) return;
                s->write(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                    "Connection: close\r\n\r\n"
                    ": keep-alive comment\r\n"
                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n"
                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n"
                    "data: {this is not json\n\n");
                s->flush();
            });
        });
        RecordedClient c(endpoint(test::local_base_url(bad.serverPort())));
        ClientRecorder& rec = c.rec;
        QVERIFY(c.client.start({{"user", "hi"}}));
        QVERIFY(rec.wait(20000));
        QCOMPARE(rec.end, QString("interrupted"));
        QVERIFY2(rec.reason.startsWith("malformed stream from the server"), qPrintable(rec.reason));
        QCOMPARE(rec.result.answer, QString("Hello"));
    }
};

QTEST_GUILESS_MAIN(TestRemoteErrors)
#include "tst_remote_errors.moc"
