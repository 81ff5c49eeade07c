// rwb logits through the real binary: output size and values (against the float64 reference),
// --all, exit codes and one-line errors for bad input.
#include "../model/reference_data.h"

#include <QTemporaryDir>
#include <QtTest>

#include "rwb_cli.h"

using namespace model_test;

namespace {
using Run = rwb::test::CliRun;
using rwb::test::run_rwb;
QString tokens_text(const std::vector<int32_t>& ids) {
    QStringList s;
    for (int32_t id : ids) s << QString::number(id);
    return s.join(' ');
}
} // namespace

class TestRwbLogitsCli : public QObject {
    Q_OBJECT
private slots:
    void last_and_all_rows_match_reference() {
        QTemporaryDir dir;
        const auto ids = read_tokens("seq17");
        const auto exact = read_f32(reference_dir() + "/logits/llama-tiny-f32.seq17.exact.f32");
        const QString last = dir.filePath("last.f32"), all = dir.filePath("all.f32");
        Run r = run_rwb({"logits", "-m", model_path("llama-tiny-f32"), "--tokens", tokens_text(ids),
                         "--out", last, "-t", "2", "--kv-type", "f32"});
        QCOMPARE(r.code, 0);
        auto v = read_f32(last);
        QCOMPARE(v.size(), size_t(1024));
        std::vector<float> exact_last(exact.end() - 1024, exact.end());
        QVERIFY(rel_l2(v, exact_last) < 1e-5);

        r = run_rwb({"logits", "-m", model_path("llama-tiny-f32"), "--tokens", tokens_text(ids),
                     "--out", all, "--all", "--ctx", "64"});
        QCOMPARE(r.code, 0);
        v = read_f32(all);
        QCOMPARE(v.size(), exact.size());
        QVERIFY(rel_l2(v, exact) < 5e-4); // default F16 KV cache
    }

    void bad_input_gives_one_line_error_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString m = model_path("qwen2-tiny-q4_0");
        QTest::newRow("no model") << QStringList{"logits", "--tokens", "1", "--out", "/tmp/x"}
                                  << "-m FILE is required";
        QTest::newRow("bad id") << QStringList{"logits", "-m", m, "--tokens", "1 x", "--out", "o"}
                                << "bad token id 'x'";
        QTest::newRow("id outside vocab")
            << QStringList{"logits", "-m", m, "--tokens", "1 1024", "--out", "o"}
            << "outside the vocabulary";
        QTest::newRow("missing file")
            << QStringList{"logits", "-m", "/nonexistent.gguf", "--tokens", "1", "--out", "o"}
            << "nonexistent";
        QTest::newRow("prompt longer than ctx")
            << QStringList{"logits", "-m", m, "--tokens", "1 2 3", "--ctx", "2", "--out", "o"}
            << "longer than the context";
        QTest::newRow("ctx longer than model")
            << QStringList{"logits", "-m", m, "--tokens", "1", "--ctx", "100000", "--out", "o"}
            << "longer than the model allows";
        QTest::newRow("not a gguf")
            << QStringList{"logits",
                           "-m",
                           QStringLiteral(RWB_TEST_DATA_DIR "/reference/index.tsv"),
                           "--tokens",
                           "1",
                           "--out",
                           "o"}
            << "rwb logits:";
    }
    void bad_input_gives_one_line_error() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QDir::setCurrent(dir.path());
        Run r = run_rwb(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFile::exists(dir.filePath("o")));
    }
};

QTEST_GUILESS_MAIN(TestRwbLogitsCli)
#include "tst_rwb_logits_cli.moc"
