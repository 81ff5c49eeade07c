// rwb run and rwb bench through the real binary on the tiny reference models: --raw generation
// with a fixed seed is reproducible, statistics on stderr, the R1 template is refused with a clear
// line on a non-R1 vocabulary, bad options fail; bench --json has the llama-bench fields.
#include "../model/reference_data.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "rwb_cli.h"

using namespace model_test;

namespace {
using Run = rwb::test::CliRun;
using rwb::test::run_rwb;
} // namespace

class TestRwbRunCli : public QObject {
    Q_OBJECT
private slots:
    void raw_run_is_reproducible_and_reports_stats() {
        const QStringList args = {"run", "-m",     model_path("qwen2-tiny-q8_0"),
                                  "-p",  "hello",  "--raw",
                                  "-n",  "20",     "--seed",
                                  "3",   "--temp", "0.8",
                                  "-t",  "2"};
        Run a = run_rwb(args), b = run_rwb(args);
        QCOMPARE(a.code, 0);
        QCOMPARE(a.out, b.out);
        QVERIFY(a.err.contains("prompt:"));
        QVERIFY(a.err.contains("generation:"));
        QVERIFY(a.err.contains("answer:"));
        QVERIFY(!a.out.contains("\033")); // not a TTY: no colour codes
    }

    void template_needs_an_r1_vocabulary() {
        Run r = run_rwb({"run", "-m", model_path("qwen2-tiny-q8_0"), "-p", "hi", "-n", "2"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("rwb run: cannot use the R1 chat template"), qPrintable(r.err));
    }

    void bad_options_fail_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString m = model_path("qwen2-tiny-q8_0");
        QTest::newRow("no prompt") << QStringList{"run", "-m", m} << "-p PROMPT is required";
        QTest::newRow("missing model")
            << QStringList{"run", "-m", "/nonexistent/x.gguf", "-p", "x"} << "/nonexistent/x.gguf";
        QTest::newRow("temp") << QStringList{"run", "-m", m, "-p", "x", "--raw", "--temp", "-1"}
                              << "temperature";
        QTest::newRow("ctx") << QStringList{"run", "-m", m, "-p", "x", "--raw", "--ctx", "abc"}
                             << "expects an integer";
        QTest::newRow("bench no model") << QStringList{"bench", "-p", "8"} << "-m FILE is required";
        QTest::newRow("bench reps") << QStringList{"bench", "-m", m, "-r", "0"} << "-r must be";
    }
    void bad_options_fail() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        Run r = run_rwb(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }

    void bench_json_has_llama_bench_fields() {
        Run r = run_rwb({"bench", "-m", model_path("llama-tiny-q4_k_m"), "-p", "32", "-n", "8",
                         "-r", "2", "-t", "2", "--json"});
        QCOMPARE(r.code, 0);
        const auto doc = QJsonDocument::fromJson(r.out.toUtf8());
        QVERIFY(doc.isArray());
        const QJsonArray arr = doc.array();
        QCOMPARE(arr.size(), 2);
        QCOMPARE(arr[0].toObject()["n_prompt"].toInt(), 32);
        QCOMPARE(arr[1].toObject()["n_gen"].toInt(), 8);
        for (const auto& v : arr) {
            const QJsonObject o = v.toObject();
            QVERIFY(o["avg_ts"].toDouble() > 0);
            QVERIFY(o.contains("stddev_ts"));
            QCOMPARE(o["n_threads"].toInt(), 2);
            QCOMPARE(o["samples_ts"].toArray().size(), 2);
        }
        Run t = run_rwb(
            {"bench", "-m", model_path("llama-tiny-q4_k_m"), "-p", "16", "-n", "4", "-r", "1"});
        QCOMPARE(t.code, 0);
        QVERIFY(t.out.contains("pp16"));
        QVERIFY(t.out.contains("tg4"));
    }

    // --concurrent: the tg sessions generate on threads of their own (the app's way); the JSON
    // row counts the sessions and a rate from every sample.
    void bench_concurrent_sessions() {
        Run r = run_rwb({"bench", "-m", model_path("llama-tiny-q4_k_m"), "-p", "0", "-n", "8", "-r",
                         "2", "-t", "1", "--sessions", "3", "--concurrent", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray arr = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(arr.size(), 1);
        const QJsonObject o = arr[0].toObject();
        QCOMPARE(o["n_gen"].toInt(), 8);
        QCOMPARE(o["n_sessions"].toInt(), 3);
        QCOMPARE(o["concurrent"].toBool(), true);
        QCOMPARE(o["samples_ts"].toArray().size(), 2);
        for (const auto& v : o["samples_ts"].toArray()) QVERIFY(v.toDouble() > 0);
    }
};

QTEST_GUILESS_MAIN(TestRwbRunCli)
#include "tst_rwb_run_cli.moc"
