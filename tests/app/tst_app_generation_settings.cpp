// GenerationSettings round trip through a real QSettings ini file, R1 defaults, validation with
// one-line messages, malformed stored values falling back to defaults; ModelLocator picks the
// configured file, else the bundled default under RWB_RESOURCE_DIR, and says where it looked.
#include "inference/generation_settings.h"
#include "models/model_locator.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::app;

class TestGenerationSettings : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void defaultsAreR1s() {
        const GenerationSettings g;
        QCOMPARE(g.temperature, 0.6);
        QCOMPARE(g.topP, 0.95);
        QVERIFY(g.systemPrompt.isEmpty());
        QVERIFY(g.modelPath.isEmpty());
        QCOMPARE(g.validate(), QString());
    }

    void roundTripThroughAnIniFile() {
        const QString ini = m_dir.filePath("settings.ini");
        GenerationSettings g;
        g.modelPath = "/models/r1 7b.gguf";
        g.temperature = 0.3;
        g.topP = 0.9;
        g.topK = 40;
        g.seed = 1234567890123;
        g.systemPrompt = "Be brief.\nÜnïcode ✓";
        g.contextLength = 16384;
        g.maxTokens = 2048;
        g.thinkingBudget = 512;
        g.threads = 6;
        g.backend = Backend::Cuda;
        g.gpuLayers = 20;
        g.autoWrapUp = true;
        {
            QSettings s(ini, QSettings::IniFormat);
            g.save(s);
            s.sync();
            QCOMPARE(s.status(), QSettings::NoError);
        }
        QVERIFY(QFile(ini).size() > 0);
        QSettings s(ini, QSettings::IniFormat);
        const GenerationSettings back = GenerationSettings::load(s);
        QVERIFY(back == g);
        QCOMPARE(back.systemPrompt, g.systemPrompt);
        QCOMPARE(back.backend, Backend::Cuda);

        // an empty file gives the defaults
        QSettings empty(m_dir.filePath("empty.ini"), QSettings::IniFormat);
        QVERIFY(GenerationSettings::load(empty) == GenerationSettings{});
    }

    void malformedValuesKeepDefaults() {
        QSettings s(m_dir.filePath("bad.ini"), QSettings::IniFormat);
        s.setValue("generation/temperature", "warm");
        s.setValue("generation/topK", "many");
        s.setValue("generation/backend", "quantum");
        s.setValue("generation/threads", 3);
        const GenerationSettings g = GenerationSettings::load(s);
        QCOMPARE(g.temperature, 0.6);
        QCOMPARE(g.topK, 0);
        QCOMPARE(g.backend, Backend::Auto);
        QCOMPARE(g.threads, 3);
    }

    void validateNamesTheField_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("word");
        QTest::newRow("temperature") << "temperature"
                                     << "Temperature";
        QTest::newRow("topP") << "topP"
                              << "Top-p";
        QTest::newRow("context") << "contextLength"
                                 << "Context length";
        QTest::newRow("threads") << "threads"
                                 << "Threads";
    }
    void validateNamesTheField() {
        QFETCH(QString, field);
        QFETCH(QString, word);
        GenerationSettings g;
        if (field == "temperature") g.temperature = -1;
        if (field == "topP") g.topP = 1.5;
        if (field == "contextLength") g.contextLength = 0;
        if (field == "threads") g.threads = -2;
        const QString e = g.validate();
        QVERIFY2(e.startsWith(word), qPrintable(e));
        QVERIFY(!e.contains('\n'));
    }

    void samplingJsonUsesEngineNames() {
        GenerationSettings g;
        g.seed = 42;
        const QJsonObject o = g.samplingJson();
        QCOMPARE(o["temperature"].toDouble(), 0.6);
        QCOMPARE(o["top_p"].toDouble(), 0.95);
        QCOMPARE(o["seed"].toInteger(), 42);
    }

    void locatorPrefersTheConfiguredFile() {
        const QString dir = m_dir.filePath("res");
        QVERIFY(QDir().mkpath(dir + "/models"));
        QFile bundled(dir + "/models/rwb-demo-medium.gguf");
        QVERIFY(bundled.open(QIODevice::WriteOnly));
        bundled.write("GGUF");
        bundled.close();
        qputenv("RWB_RESOURCE_DIR", dir.toUtf8());

        GenerationSettings g;
        QString error;
        QCOMPARE(ModelLocator::resolve(g, &error), QFileInfo(bundled).absoluteFilePath());
        QVERIFY(ModelLocator::bundledModels().contains(QFileInfo(bundled).absoluteFilePath()));

        g.modelPath = m_dir.filePath("mine.gguf");
        QVERIFY(ModelLocator::resolve(g, &error).isEmpty());
        QVERIFY2(error.startsWith("Model file not found"), qPrintable(error));
        QFile mine(g.modelPath);
        QVERIFY(mine.open(QIODevice::WriteOnly));
        mine.close();
        QCOMPARE(ModelLocator::resolve(g, &error), QFileInfo(mine).absoluteFilePath());

        // no bundled model anywhere: the error says where it looked, on one line
        qputenv("RWB_RESOURCE_DIR", m_dir.filePath("nowhere").toUtf8());
        const QString found = ModelLocator::defaultModelPath(&error);
        if (found.isEmpty()) {
            QVERIFY(!error.isEmpty());
            QVERIFY(!error.contains('\n'));
        } else {
            // the source tree's resources/models has the demo model (a development build)
            QVERIFY(found.endsWith("rwb-demo-medium.gguf"));
        }
        qunsetenv("RWB_RESOURCE_DIR");
    }
};

QTEST_GUILESS_MAIN(TestGenerationSettings)
#include "tst_app_generation_settings.moc"
