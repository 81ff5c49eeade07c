// LocalServerController (the app's "serve the model locally" toggle) runs the real `rwb serve` on
// 127.0.0.1 with port 0: the "listening on" line gives the URL, /v1/models answers through
// RemoteModelList, an API key set on the controller is required by the server, stop() ends the
// process, and a missing model is one line with nothing started.
#include "remote/local_server_controller.h"
#include "remote/remote_model_list.h"
#include "remote_test_setup.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QtTest>

using rwb::remote::LocalServerController;
using rwb::remote::RemoteEndpoint;
using rwb::remote::RemoteModelList;

class TestLocalServer : public QObject {
    Q_OBJECT
    QString m_model = QStringLiteral(RWB_SOURCE_DIR) + "/resources/models/rwb-demo-small.gguf";

    // {listed ids} or {"failed: " + line}
    static QStringList models(const QString& baseUrl, const QString& key) {
        const RemoteEndpoint e = rwb::test::make_endpoint("local", "local", baseUrl, "x");
        RemoteModelList list;
        QSignalSpy listed(&list, &RemoteModelList::listed);
        QSignalSpy failed(&list, &RemoteModelList::failed);
        list.fetch(e, key);
        for (int i = 0; i < 100 && listed.isEmpty() && failed.isEmpty(); ++i) QTest::qWait(100);
        if (!listed.isEmpty()) return listed[0][0].toStringList();
        if (!failed.isEmpty()) return {"failed: " + failed[0][0].toString()};
        return {"failed: no answer"};
    }

private slots:
    void initTestCase() {
        if (!QFileInfo::exists(m_model)) QSKIP("resources/models/rwb-demo-small.gguf is missing");
    }

    void starts_lists_models_and_stops() {
        LocalServerController server;
        server.setRwbPath(QStringLiteral(RWB_CLI_PATH));
        server.setPort(0);
        QSignalSpy started(&server, &LocalServerController::started);
        QSignalSpy stopped(&server, &LocalServerController::stopped);
        QSignalSpy failed(&server, &LocalServerController::failed);
        QVERIFY(server.start(m_model));
        QVERIFY(server.isRunning());
        QVERIFY2(started.wait(30000),
                 failed.isEmpty() ? "no listening line" : qPrintable(failed[0][0].toString()));
        const QString url = started[0][0].toString();
        QVERIFY(url.startsWith("http://127.0.0.1:"));
        QVERIFY(!url.endsWith(":0"));
        QCOMPARE(server.url(), url);
        QCOMPARE(models(server.baseUrl(), {}), QStringList{"rwb-demo-small"});
        // A second start while running is refused.
        QVERIFY(!server.start(m_model));
        QCOMPARE(failed.size(), 1);

        server.stop();
        QVERIFY(stopped.wait(10000));
        QVERIFY(!server.isRunning());
        QVERIFY(server.url().isEmpty());
        QCOMPARE(failed.size(), 1); // a requested stop is not a failure
        QVERIFY(models(url + "/v1", {}).first().startsWith("failed: "));
    }

    void api_key_is_required_when_set() {
        LocalServerController server;
        server.setRwbPath(QStringLiteral(RWB_CLI_PATH));
        server.setApiKey("sekrit-123");
        QSignalSpy started(&server, &LocalServerController::started);
        QVERIFY(server.start(m_model));
        QVERIFY(started.wait(30000));
        QVERIFY(models(server.baseUrl(), {}).first().startsWith("failed: "));
        QCOMPARE(models(server.baseUrl(), "sekrit-123"), QStringList{"rwb-demo-small"});
        QSignalSpy stopped(&server, &LocalServerController::stopped);
        server.stop();
        QVERIFY(stopped.wait(10000));
    }

    void missing_model_is_one_line_and_starts_nothing() {
        LocalServerController server;
        server.setRwbPath(QStringLiteral(RWB_CLI_PATH));
        QSignalSpy failed(&server, &LocalServerController::failed);
        QVERIFY(!server.start("/nonexistent/model.gguf"));
        QCOMPARE(failed.size(), 1);
        QVERIFY(!failed[0][0].toString().contains('\n'));
        QVERIFY(!server.isRunning());
    }
};

QTEST_MAIN(TestLocalServer)
#include "tst_local_server.moc"
