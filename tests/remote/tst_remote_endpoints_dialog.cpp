// RemoteEndpointsDialog driven as a user does (offscreen): add an endpoint, fill it in, test the
// connection against a real `rwb serve` on 127.0.0.1 (one line: its model), save. The list is in
// QSettings (a temporary ini) without the key; the key is in ApiKeyStore's 0600 file; a new
// dialog shows it again (masked); an invalid URL saves nothing; remove deletes the key file.
#include "remote/api_key_store.h"
#include "remote/remote_endpoints_dialog.h"
#include "remote_test_setup.h"
#include "serve_process.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

using rwb::remote::ApiKeyStore;
using rwb::remote::RemoteEndpoint;
using rwb::remote::RemoteEndpointList;
using rwb::ui::RemoteEndpointsDialog;

class TestRemoteEndpointsDialog : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    rwb::test::ServeProcess m_server;

    static void type(QLineEdit* edit, const QString& text) {
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Delete);
        QTest::keyClicks(edit, text);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        rwb::test::use_settings_in(m_dir);
        QString model;
        rwb::test::start_tiny_server(m_dir.path(), model, m_server);
    }

    void add_test_and_save_with_key_in_file() {
        ApiKeyStore keys(ApiKeyStore::Backend::File, m_dir.filePath("keys"));
        RemoteEndpointsDialog dialog(&keys);
        dialog.show();
        QCOMPARE(dialog.list()->count(), 0);
        QTest::mouseClick(dialog.findChild<QPushButton*>("addEndpoint"), Qt::LeftButton);
        QCOMPARE(dialog.list()->count(), 1);
        type(dialog.nameEdit(), "my server");
        type(dialog.urlEdit(), m_server.baseUrl());
        type(dialog.modelEdit(), "tiny-r1");
        type(dialog.keyEdit(), "sk-test-42");
        QCOMPARE(dialog.keyEdit()->echoMode(), QLineEdit::Password);
        dialog.inputCost()->setValue(0.55);
        dialog.outputCost()->setValue(2.19);
        QCOMPARE(dialog.list()->item(0)->text(), QStringLiteral("my server"));

        QTest::mouseClick(dialog.findChild<QPushButton*>("testConnection"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult()->text().startsWith("OK"), 20000);
        QVERIFY(dialog.testResult()->text().contains("tiny-r1"));
        QVERIFY(!dialog.testResult()->text().contains('\n'));

        QSignalSpy saved(&dialog, &RemoteEndpointsDialog::saved);
        dialog.save();
        QVERIFY(saved.wait(5000) || !saved.isEmpty());

        QSettings qs;
        const auto list = RemoteEndpointList::load(qs);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].name, QStringLiteral("my server"));
        QCOMPARE(list[0].baseUrl, m_server.baseUrl());
        QCOMPARE(list[0].model, QStringLiteral("tiny-r1"));
        QCOMPARE(list[0].inputCostPerMTokens, 0.55);
        QCOMPARE(list[0].outputCostPerMTokens, 2.19);
        qs.sync();
        QFile ini(qs.fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains("sk-test-42")); // the key is not in the settings

        QFile keyFile(keys.keyFilePath(list[0].id));
        QVERIFY(keyFile.exists());
        QCOMPARE(keyFile.permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        QVERIFY(keyFile.readAll().contains("sk-test-42"));

        // A new dialog shows the endpoint and its key again.
        RemoteEndpointsDialog again(&keys);
        QCOMPARE(again.list()->count(), 1);
        QCOMPARE(again.nameEdit()->text(), QStringLiteral("my server"));
        QTRY_COMPARE_WITH_TIMEOUT(again.keyEdit()->text(), QStringLiteral("sk-test-42"), 5000);
    }

    void invalid_url_saves_nothing() {
        ApiKeyStore keys(ApiKeyStore::Backend::File, m_dir.filePath("keys"));
        RemoteEndpointsDialog dialog(&keys);
        QTest::mouseClick(dialog.findChild<QPushButton*>("addEndpoint"), Qt::LeftButton);
        type(dialog.nameEdit(), "broken");
        type(dialog.urlEdit(), "not a url");
        type(dialog.modelEdit(), "m");
        QSignalSpy saved(&dialog, &RemoteEndpointsDialog::saved);
        dialog.save();
        QTest::qWait(100);
        QVERIFY(saved.isEmpty());
        QVERIFY(!dialog.testResult()->text().isEmpty());
        QSettings qs;
        QCOMPARE(RemoteEndpointList::load(qs).size(), 1); // still only the first one
    }

    void remove_deletes_endpoint_and_key() {
        ApiKeyStore keys(ApiKeyStore::Backend::File, m_dir.filePath("keys"));
        RemoteEndpointsDialog dialog(&keys);
        QCOMPARE(dialog.list()->count(), 1);
        const QString id = dialog.endpoints()[0].id;
        QVERIFY(QFile::exists(keys.keyFilePath(id)));
        QSignalSpy removed(&keys, &ApiKeyStore::keyRemoved);
        QTest::mouseClick(dialog.findChild<QPushButton*>("removeEndpoint"), Qt::LeftButton);
        QCOMPARE(dialog.list()->count(), 0);
        dialog.save();
        QVERIFY(removed.wait(5000) || !removed.isEmpty());
        QVERIFY(!QFile::exists(keys.keyFilePath(id)));
        QSettings qs;
        QCOMPARE(RemoteEndpointList::load(qs).size(), 0);
    }
};

QTEST_MAIN(TestRemoteEndpointsDialog)
#include "tst_remote_endpoints_dialog.moc"
