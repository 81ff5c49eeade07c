// `rwb serve` as a child process for the remote-client tests: a tiny random-weight R1 model made
// with `rwb synth` (real tokenizer, real GGUF), a server on 127.0.0.1 with port 0, whose
// "listening on http://127.0.0.1:PORT" line gives the address. stderr (one line per request) is
// collected for assertions about what the server did.
#pragma once

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>
#include <QtTest>

#include "rwb_cli.h"

namespace rwb::test {

// Same shape as llama.cpp's tiny reference Qwen2 model; the vocabulary has the R1 specials.
inline const char* kTinyR1Config = R"({"model_type": "qwen2", "hidden_size": 256,
  "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
  "intermediate_size": 512, "vocab_size": 1024, "max_position_embeddings": 32768,
  "rope_theta": 10000.0, "rms_norm_eps": 1e-06, "tie_word_embeddings": false})";

// Writes dir/<name>.gguf with rwb synth; returns its path ("" on failure, with a warning).
inline QString make_tiny_r1_model(const QString& dir, const QString& name) {
    const QString cfg = dir + "/" + name + ".json", out = dir + "/" + name + ".gguf";
    QFile f(cfg);
    if (!f.open(QIODevice::WriteOnly) || f.write(kTinyR1Config) < 0) return {};
    f.close();
    const CliRun r =
        run_rwb({"synth", "--like", cfg, "--type", "q8_0", "--seed", "7", "-q", "-o", out});
    if (r.code != 0) {
        qWarning("rwb synth failed: %s", qPrintable(r.err));
        return {};
    }
    return out;
}

class ServeProcess {
public:
    ~ServeProcess() { stop(); }

    // Starts `rwb serve -m model --port 0 ARGS`; false (with a warning) if it does not listen.
    bool start(const QString& model, const QStringList& args = {}) {
        proc_.setProgram(QStringLiteral(RWB_CLI_PATH));
        proc_.setArguments(QStringList{"serve", "-m", model, "--port", "0"} + args);
        proc_.start();
        QElapsedTimer t;
        t.start();
        static const QRegularExpression re(QStringLiteral("listening on (http://[^\\s]+)"));
        while (t.elapsed() < 30000) {
            proc_.waitForReadyRead(200);
            out_ += QString::fromUtf8(proc_.readAllStandardOutput());
            if (auto m = re.match(out_); m.hasMatch()) {
                base_ = m.captured(1);
                return true;
            }
            if (proc_.state() == QProcess::NotRunning) break;
        }
        qWarning("rwb serve did not start: %s", qPrintable(errors()));
        return false;
    }
    QString baseUrl() const { return base_ + "/v1"; }
    QString root() const { return base_; }
    QString errors() {
        err_ += QString::fromUtf8(proc_.readAllStandardError());
        return err_;
    }
    void kill() {
        proc_.kill();
        proc_.waitForFinished(5000);
    }
    void stop() {
        if (proc_.state() == QProcess::NotRunning) return;
        proc_.terminate(); // SIGTERM: the server cancels its generations and exits
        if (!proc_.waitForFinished(10000)) kill();
    }
    QProcess& process() { return proc_; }

private:
    QProcess proc_;
    QString out_, err_, base_;
};

// What the tests that share one server do first: makes "tiny-r1.gguf" in dir and starts server
// on it with args. A failed check returns from this function only, so a caller that does more
// afterwards tests QTest::currentTestFailed() first.
inline void start_tiny_server(const QString& dir, QString& model, ServeProcess& server,
                              const QStringList& args = {}) {
    model = make_tiny_r1_model(dir, "tiny-r1");
    QVERIFY(!model.isEmpty());
    QVERIFY(server.start(model, args));
}

// A plain HTTP exchange for checking raw response shapes (the test's event loop spins).
struct HttpResult {
    int status = 0;
    QByteArray body;
    QJsonObject json;
};
inline HttpResult http(const QString& method, const QString& url, const QByteArray& body = {},
                       const QByteArray& key = {}) {
    QNetworkAccessManager nam;
    QNetworkRequest req{QUrl(url)};
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    if (!key.isEmpty()) req.setRawHeader("Authorization", "Bearer " + key);
    QNetworkReply* r = method == "GET" ? nam.get(req) : nam.post(req, body);
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpResult h;
    h.status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    h.body = r->readAll();
    h.json = QJsonDocument::fromJson(h.body).object();
    r->deleteLater();
    return h;
}

} // namespace rwb::test
