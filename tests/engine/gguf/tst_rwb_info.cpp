// `rwb info` as a user runs it (QProcess on the built binary): on every llama.cpp reference
// model the key lines and the --json object carry the README's facts; on every hand-made bad
// file (tests/data/gguf/bad) it exits 1 with one line naming the defect.
#include "gguf_test_paths.h"
#include "reference_facts.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include "rwb_cli.h"

#include <map>

using namespace gguf_test;

namespace {

using Run = rwb::test::CliRun;
Run run_rwb(const QStringList& args) {
    return rwb::test::run_rwb(args, 60000);
}

// The value after "label:" on its own line of the text output.
QString field(const QString& out, const QString& label) {
    QRegularExpression re("^" + QRegularExpression::escape(label) + ":\\s+(.*)$",
                          QRegularExpression::MultilineOption);
    auto m = re.match(out);
    return m.hasMatch() ? m.captured(1) : QString("<missing %1>").arg(label);
}

uint64_t expected_params(const QString& name) {
    uint64_t n = 0;
    for (const auto& [tname, ne] : expected_tensors(facts_for(name))) {
        uint64_t e = 1;
        for (uint64_t d : ne) e *= d;
        n += e;
    }
    return n;
}

// type name -> tensor count, from the README's quantization rules.
std::map<QString, int> expected_type_counts(const QString& name) {
    std::map<QString, int> m;
    for (const auto& [tname, ne] : expected_tensors(facts_for(name)))
        m[QString::fromUtf8(rwb::ggml_type_name(expected_type(name, tname, ne.size())).data())]++;
    return m;
}

} // namespace

class TstRwbInfo : public QObject {
    Q_OBJECT
private slots:
    void describes_reference_models_data() {
        QTest::addColumn<QString>("name");
        for (const auto& n : reference_model_names()) QTest::newRow(qPrintable(n)) << n;
    }
    void describes_reference_models() {
        QFETCH(QString, name);
        const QString path = model_path(name);
        const Run r = run_rwb({"info", path});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const ArchFacts a = facts_for(name);
        const QString arch = QString::fromStdString(a.arch);
        QCOMPARE(field(r.out, "architecture"), arch);
        const uint64_t ftype = expected_ftype(name);
        const QString ftype_name = name.section('-', 2).toUpper();
        QCOMPARE(field(r.out, "file type"), QString("%1 (%2)").arg(ftype_name).arg(ftype));
        QVERIFY(field(r.out, "parameters").endsWith(QString("(%1)").arg(expected_params(name))));
        QCOMPARE(field(r.out, "context length"), QString::number(a.context));
        QCOMPARE(field(r.out, "embedding length"), QString("256"));
        QCOMPARE(field(r.out, "layers"), QString("2"));
        QCOMPARE(field(r.out, "feed forward"), QString::number(a.n_ff));
        QCOMPARE(field(r.out, "heads"), QString("4"));
        QCOMPARE(field(r.out, "kv heads"), QString("2"));
        QCOMPARE(field(r.out, "vocabulary size"), QString("1024"));
        QCOMPARE(field(r.out, "tokenizer"),
                 QString("gpt2 (pre: %1)").arg(QString::fromStdString(a.pre)));
        const QString bos = a.arch == "qwen2" ? "1021 '<|endoftext|>'" : "1019 '<|begin_of_text|>'";
        const QString eos = a.arch == "qwen2" ? "1021 '<|endoftext|>'" : "1020 '<|end_of_text|>'";
        QCOMPARE(field(r.out, "bos token"), bos);
        QCOMPARE(field(r.out, "eos token"), eos);
        QCOMPARE(field(r.out, "chat template"), QString("none"));
        QCOMPARE(field(r.out, "GGUF version"), QString("3"));
        QCOMPARE(field(r.out, "alignment"), QString("32"));
        QVERIFY(
            field(r.out, "file size").endsWith(QString("(%1 bytes)").arg(QFileInfo(path).size())));
        for (const auto& [type, count] : expected_type_counts(name)) {
            QRegularExpression re("^  " + type + "\\s+" + QString::number(count) + " tensors ",
                                  QRegularExpression::MultilineOption);
            QVERIFY2(re.match(r.out).hasMatch(), qPrintable(type + " x " + QString::number(count)));
        }

        const Run j = run_rwb({"info", "--json", path});
        QCOMPARE(j.code, 0);
        QJsonParseError perr;
        const QJsonObject o = QJsonDocument::fromJson(j.out.toUtf8(), &perr).object();
        QCOMPARE(perr.error, QJsonParseError::NoError);
        QCOMPARE(o["architecture"].toString(), arch);
        QCOMPARE(o["file_type"].toObject()["name"].toString(), ftype_name);
        QCOMPARE(uint64_t(o["file_type"].toObject()["id"].toInteger()), ftype);
        QCOMPARE(uint64_t(o["parameters"].toInteger()), expected_params(name));
        QCOMPARE(uint64_t(o["file_size"].toInteger()), uint64_t(QFileInfo(path).size()));
        QCOMPARE(o["tensor_count"].toInt(), int(expected_tensors(a).size()));
        QCOMPARE(uint64_t(o["hparams"].toObject()["context_length"].toInteger()), a.context);
        QCOMPARE(o["hparams"].toObject()["attention.head_count_kv"].toInt(), 2);
        QCOMPARE(o["vocab_size"].toInt(), 1024);
        QCOMPARE(o["tokenizer_pre"].toString(), QString::fromStdString(a.pre));
        QCOMPARE(uint64_t(o["special_tokens"].toObject()["bos"].toObject()["id"].toInteger()),
                 a.bos);
        if (a.arch == "qwen2") { // README: 1021 <|endoftext|> is bos = eos = pad
            const QJsonObject pad = o["special_tokens"].toObject()["pad"].toObject();
            QCOMPARE(pad["id"].toInt(), 1021);
            QCOMPARE(pad["text"].toString(), QString("<|endoftext|>"));
            QCOMPARE(field(r.out, "pad token"), QString("1021 '<|endoftext|>'"));
        }
        QCOMPARE(o["chat_template"].toObject()["present"].toBool(), false);
        std::map<QString, int> counts;
        for (const auto& t : o["tensor_types"].toArray())
            counts[t.toObject()["type"].toString()] = t.toObject()["count"].toInt();
        QVERIFY(counts == expected_type_counts(name));
    }

    void lists_tensors_and_metadata() {
        const QString path = model_path("llama-tiny-q5_k_m");
        const Run r = run_rwb({"info", path, "--tensors", "--metadata"});
        QCOMPARE(r.code, 0);
        for (const auto& [tname, ne] : expected_tensors(facts_for("llama-tiny-q5_k_m")))
            QVERIFY2(r.out.contains(QString("\n  %1 ").arg(QString::fromStdString(tname))),
                     tname.c_str());
        QVERIFY(r.out.contains("tokenizer.ggml.tokens"));
        QVERIFY(r.out.contains("[string x 1024]"));
        const Run j = run_rwb({"info", "--json", "--tensors", path});
        const QJsonArray tensors =
            QJsonDocument::fromJson(j.out.toUtf8()).object()["tensors"].toArray();
        QCOMPARE(tensors.size(), 22);
    }

    void chat_template_is_reported() {
        const Run r =
            run_rwb({"info", QStringLiteral(RWB_TEST_DATA_DIR "/gguf/corpus/tiny_model.gguf")});
        QCOMPARE(r.code, 0);
        QCOMPARE(field(r.out, "chat template"), QString("present (14 bytes)"));
        QCOMPARE(field(r.out, "file type"), QString("Q4_K_M (15)"));
    }

    void bad_files_fail_with_one_line_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");
        QFile f(QStringLiteral(RWB_TEST_DATA_DIR "/gguf/bad/expectations.tsv"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        for (const QByteArray& raw : f.readAll().split('\n')) {
            const QString line = QString::fromUtf8(raw);
            if (line.isEmpty() || line.startsWith('#')) continue;
            QTest::newRow(qPrintable(line.section('\t', 0, 0)))
                << line.section('\t', 0, 0) << line.section('\t', 1);
        }
    }
    void bad_files_fail_with_one_line() {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        const Run r = run_rwb({"info", QStringLiteral(RWB_TEST_DATA_DIR "/gguf/bad/") + file});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.startsWith("rwb info: gguf: "), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains(fragment), qPrintable(r.err));
    }

    void usage_errors() {
        Run r = run_rwb({"info"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("no file given"));
        r = run_rwb({"info", "/no/such/model.gguf"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("cannot open '/no/such/model.gguf'"));
        r = run_rwb({"info", "--bogus", model_path("qwen2-tiny-f32")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("unknown option"));
        r = run_rwb({"info", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--json"));
    }
};

QTEST_GUILESS_MAIN(TstRwbInfo)
#include "tst_rwb_info.moc"
