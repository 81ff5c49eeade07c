// ApiKeyStore's file backend: keys round-trip, the file is 0600 in a 0700 folder from the moment
// it exists, ids cannot name files elsewhere, removal works. Endpoint settings round-trip through
// QSettings without the key.
#include "remote/api_key_store.h"
#include "remote/remote_endpoint.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace rwb::remote;

class TestApiKeyStore : public QObject {
    Q_OBJECT
private slots:
    void file_backend_round_trip_and_permissions() {
        QTemporaryDir tmp;
        ApiKeyStore store(ApiKeyStore::Backend::File, tmp.filePath("keys"));
        QSignalSpy written(&store, &ApiKeyStore::keyWritten);
        QSignalSpy read(&store, &ApiKeyStore::keyRead);
        QSignalSpy removed(&store, &ApiKeyStore::keyRemoved);

        store.writeKey("deepseek", "sk-abc123");
        QVERIFY(written.wait(5000));
        QCOMPARE(written[0][1].toString(), QString("file"));
        QCOMPARE(written[0][2].toString(), QString());
        struct stat st {};
        QCOMPARE(::stat(store.keyFilePath("deepseek").toLocal8Bit().constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QCOMPARE(::stat(store.fileDir().toLocal8Bit().constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0700);

        store.readKey("deepseek");
        QVERIFY(read.wait(5000));
        QCOMPARE(read[0][1].toString(), QString("sk-abc123"));

        store.readKey("../../etc/passwd");
        QVERIFY(read.wait(5000));
        QCOMPARE(read[1][2].toString(), QString("invalid endpoint id"));

        store.removeKey("deepseek");
        QVERIFY(removed.wait(5000));
        QVERIFY(!QFile::exists(store.keyFilePath("deepseek")));
        store.readKey("deepseek");
        QVERIFY(read.wait(5000));
        QCOMPARE(read[2][1].toString(), QString()); // none stored, no error
        QCOMPARE(read[2][2].toString(), QString());
    }

    void endpoints_round_trip_in_settings() {
        QTemporaryDir tmp;
        QSettings s(tmp.filePath("s.ini"), QSettings::IniFormat);
        RemoteEndpoint e;
        e.id = "r1-full";
        e.name = "DeepSeek R1";
        e.baseUrl = "https://api.deepseek.com/v1/";
        e.model = "deepseek-reasoner";
        e.inputCostPerMTokens = 0.55;
        e.outputCostPerMTokens = 2.19;
        RemoteEndpoint broken = e;
        broken.id = "bad id!";
        RemoteEndpointList::save(s, {e, broken});
        const auto back = RemoteEndpointList::load(s);
        QCOMPARE(back.size(), 1);
        QCOMPARE(back[0].model, QString("deepseek-reasoner"));
        QCOMPARE(back[0].outputCostPerMTokens, 2.19);
        QCOMPARE(back[0].chatCompletionsUrl().toString(),
                 QString("https://api.deepseek.com/v1/chat/completions"));
        QCOMPARE(back[0].cost(1000000, 500000), 0.55 + 2.19 / 2);
        QVERIFY(!s.allKeys().join(' ').contains("key", Qt::CaseInsensitive));
    }
};

QTEST_GUILESS_MAIN(TestApiKeyStore)
#include "tst_api_key_store.moc"
