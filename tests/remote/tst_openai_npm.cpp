// Compatibility with a standard client: the official `openai` npm package (vendored as a tarball
// in tests/data/npm, installed offline into a temporary folder) lists the models, completes a
// chat whole and streamed, and sees an API error as an APIError with its status, against a real
// `rwb serve`. Skipped with a message when node or npm is not installed.
#include "serve_process.h"

#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace rwb;

namespace {
const QString kTarball = QStringLiteral(RWB_TEST_DATA_DIR "/npm/openai-6.30.1.tgz");

struct Ran {
    int code = -1;
    QByteArray out, err;
};
Ran run(const QString& program, const QStringList& args, const QString& dir,
        const QProcessEnvironment& env, int timeout_ms) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessEnvironment(env);
    p.start(program, args);
    Ran r;
    if (!p.waitForFinished(timeout_ms)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}
} // namespace

class TestOpenaiNpm : public QObject {
    Q_OBJECT
private slots:
    void openai_package_completes_a_chat() {
        const QString node = QStandardPaths::findExecutable("node");
        const QString npm = QStandardPaths::findExecutable("npm");
        if (node.isEmpty() || npm.isEmpty())
            QSKIP("node and npm are not installed: the openai npm compatibility test needs both");
        QVERIFY2(QFile::exists(kTarball), qPrintable(kTarball));

        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        // npm gets a private cache and home and must not look for updates: nothing leaves
        // the machine (--offline), nothing outside the temporary folder changes.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", tmp.path());
        env.insert("npm_config_cache", tmp.filePath(".npm"));
        env.insert("npm_config_update_notifier", "false");
        const Ran install = run(npm,
                                {"install", "--offline", "--no-audit", "--no-fund",
                                 "--no-package-lock", "--ignore-scripts", kTarball},
                                tmp.path(), env, 240000);
        QVERIFY2(install.code == 0, install.err.constData());
        QVERIFY(QFile::exists(tmp.filePath("node_modules/openai/package.json")));
        QVERIFY(QFile::copy(QStringLiteral(RWB_SOURCE_DIR "/tests/remote/openai_npm_chat.mjs"),
                            tmp.filePath("chat.mjs")));

        const QString model = test::make_tiny_r1_model(tmp.path(), "tiny-r1");
        QVERIFY(!model.isEmpty());
        test::ServeProcess server;
        QVERIFY(server.start(model, {"--api-key", "npm-key"}));
        env.insert("BASE_URL", server.baseUrl());
        env.insert("API_KEY", "npm-key");
        const Ran chat = run(node, {"chat.mjs"}, tmp.path(), env, 120000);
        QVERIFY2(chat.code == 0, chat.err.constData());

        const QJsonObject o = QJsonDocument::fromJson(chat.out).object();
        QCOMPARE(o["models"].toArray(), QJsonArray{"tiny-r1"});
        const QJsonObject whole = o["whole"].toObject();
        QCOMPARE(whole["object"].toString(), QString("chat.completion"));
        QVERIFY(!whole["reasoning"].toString().isEmpty());
        QVERIFY(whole["finish"].isString());
        QVERIFY(whole["usage"].toObject()["completion_tokens"].toInt() <= 16);
        const QJsonObject stream = o["stream"].toObject();
        QVERIFY(stream["chunks"].toInt() >= 2);
        QVERIFY(!stream["reasoning"].toString().isEmpty());
        QVERIFY(stream["finish"].isString());
        QCOMPARE(stream["usage"].toObject()["total_tokens"].toInt(),
                 stream["usage"].toObject()["prompt_tokens"].toInt() +
                     stream["usage"].toObject()["completion_tokens"].toInt());
        const QJsonObject error = o["error"].toObject();
        QCOMPARE(error["status"].toInt(), 404);
        QCOMPARE(error["code"].toString(), QString("model_not_found"));
        QCOMPARE(error["type"].toString(), QString("invalid_request_error"));
    }
};

QTEST_GUILESS_MAIN(TestOpenaiNpm)
#include "tst_openai_npm.moc"
