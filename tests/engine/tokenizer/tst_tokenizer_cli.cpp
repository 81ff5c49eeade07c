// `rwb tokenize` as a user runs it: every corpus string is written to its own file and tokenized
// with --text-file (files batched per invocation: one vocabulary load, one output line per file)
// against vocabulary-only GGUFs of Qwen2, Llama 3 and R1-Distill-Qwen; the ids must equal the
// reference. Also the one-line errors.
#include "engine/tokenizer/tokenizer_corpus.h"
#include "engine/tokenizer/vocab_fixtures.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb;
using namespace rwb::test;

namespace {
struct CliRun {
    int exit_code = -1;
    QByteArray out, err;
};

CliRun run_cli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(RWB_CLI_PATH), args);
    CliRun r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

bool is_one_error_line(const CliRun& r) {
    return r.exit_code == 1 && r.err.startsWith("rwb tokenize: ") && r.err.count('\n') == 1 &&
           r.out.isEmpty();
}
} // namespace

class TstTokenizerCli : public QObject {
    Q_OBJECT
    std::vector<CorpusEntry> corpus_;
    QTemporaryDir dir_;
    QStringList files_; // one per corpus entry

    // Runs the whole corpus through `rwb tokenize -m model`, batch by batch.
    void check_corpus(const QString& model, const std::string& vocab) {
        constexpr qsizetype kBatch = 70;
        int bad = 0;
        for (qsizetype start = 0; start < files_.size(); start += kBatch) {
            QStringList args{"tokenize", "-m", model};
            const qsizetype end = std::min(files_.size(), start + kBatch);
            for (qsizetype i = start; i < end; ++i) args << "--text-file" << files_[i];
            const CliRun r = run_cli(args);
            QVERIFY2(r.exit_code == 0, r.err.constData());
            QVERIFY(r.err.isEmpty());
            const QList<QByteArray> lines = r.out.split('\n');
            QCOMPARE(lines.size(), end - start + 1); // the last line ends with '\n'
            QVERIFY(lines.back().isEmpty());
            for (qsizetype i = start; i < end; ++i) {
                const auto& e = corpus_[static_cast<size_t>(i)];
                const std::string want = ids_to_string(e.expected.at(vocab));
                const std::string got = lines[i - start].toStdString();
                if (got != want) {
                    ++bad;
                    qWarning().noquote()
                        << QString("%1 #%2 %3\n  expected: %4\n  got:      %5")
                               .arg(QString::fromStdString(vocab))
                               .arg(e.id)
                               .arg(QString::fromUtf8(e.bytes.data(), qsizetype(e.bytes.size())))
                               .arg(QString::fromStdString(want), QString::fromStdString(got));
                }
            }
        }
        QCOMPARE(bad, 0);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        corpus_ = load_tokenizer_corpus();
        QVERIFY(corpus_.size() >= 300);
        for (const auto& e : corpus_) {
            const QString path = dir_.filePath(QString("text-%1.txt").arg(e.id));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QCOMPARE(f.write(e.bytes.data(), qint64(e.bytes.size())), qint64(e.bytes.size()));
            files_ << path;
        }
    }

    void corpusWithVocabOnlyGguf_data() {
        QTest::addColumn<int>("fixture");
        QTest::addColumn<QString>("vocab");
        QTest::newRow("qwen2") << int(VocabFixture::Qwen2) << "qwen2";
        QTest::newRow("llama3") << int(VocabFixture::Llama3) << "llama3";
        QTest::newRow("r1qwen") << int(VocabFixture::R1Qwen) << "r1qwen";
    }
    void corpusWithVocabOnlyGguf() {
        QFETCH(int, fixture);
        QFETCH(QString, vocab);
        auto path = make_vocab_gguf(static_cast<VocabFixture>(fixture),
                                    dir_.filePath(vocab + "-vocab.gguf").toStdString());
        QVERIFY2(path.is_ok(), path.message().c_str());
        check_corpus(QString::fromStdString(path.value()), vocab.toStdString());
    }

    void unsupportedVocabulariesAreNamed() {
        auto v = load_fixture_vocabulary(VocabFixture::Qwen2);
        QVERIFY(v.is_ok());
        for (auto [key, value, expect] :
             {std::tuple{"model", "llama", "only byte-level BPE"},
              {"pre", "gpt-4o", "supported: qwen2, deepseek-r1-qwen, llama-bpe"}}) {
            Vocabulary bad = v.value();
            (std::string(key) == "model" ? bad.model : bad.pre) = value;
            gguf::GgufWriter w;
            w.add_string("general.architecture", "qwen2");
            write_vocabulary_gguf(w, bad);
            const QString path = dir_.filePath(QString("bad-%1.gguf").arg(key));
            QVERIFY(w.write(path.toStdString()).is_ok());
            const CliRun r = run_cli({"tokenize", "-m", path, "--text", "hi"});
            QVERIFY2(is_one_error_line(r), r.err.constData());
            QVERIFY2(r.err.contains(value) && r.err.contains(expect), r.err.constData());
        }
    }

    void tokenizerJsonAlsoWorks() {
        // -m may name a tokenizer.json (its tokenizer_config.json beside it is read too).
        const QString json =
            QString::fromStdString(tokenizer_json_dir("llama3") + "/tokenizer.json");
        QStringList args{"tokenize", "-m", json};
        for (int i = 0; i < 40; ++i) args << "--text-file" << files_[i];
        const CliRun r = run_cli(args);
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QList<QByteArray> lines = r.out.split('\n');
        QCOMPARE(lines.size(), 41);
        for (int i = 0; i < 40; ++i)
            QCOMPARE(lines[i].toStdString(),
                     ids_to_string(corpus_[size_t(i)].expected.at("llama3")));
    }

    void showPiecesAndText() {
        const QString json =
            QString::fromStdString(tokenizer_json_dir("qwen2") + "/tokenizer.json");
        const CliRun plain = run_cli({"tokenize", "-m", json, "--text", "Hello world"});
        QCOMPARE(plain.exit_code, 0);
        QCOMPARE(plain.out, QByteArray("9707 1879\n")); // the reference's ids (corpus #0)
        const CliRun pieces =
            run_cli({"tokenize", "-m", json, "--text", "Hello world<|im_end|>", "--show-pieces"});
        QCOMPARE(pieces.exit_code, 0);
        const QList<QByteArray> lines = pieces.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith("9707\tnormal\t\"Hello\""));
        QVERIFY(lines[1].startsWith("1879\tnormal\t\" world\""));
        QVERIFY(lines[2].startsWith("151645\tcontrol\t\"<|im_end|>\""));
    }

    void errorsAreOneLine() {
        const QString json =
            QString::fromStdString(tokenizer_json_dir("qwen2") + "/tokenizer.json");
        CliRun r = run_cli({"tokenize", "-m", "/nonexistent/model.gguf", "--text", "x"});
        QVERIFY2(is_one_error_line(r) && r.err.contains("/nonexistent/model.gguf"),
                 r.err.constData());
        r = run_cli({"tokenize", "-m", json, "--text-file", "/nonexistent/input.txt"});
        QVERIFY2(is_one_error_line(r) && r.err.contains("/nonexistent/input.txt"),
                 r.err.constData());
        r = run_cli({"tokenize", "--text", "x"});
        QVERIFY2(is_one_error_line(r), r.err.constData());
        r = run_cli({"tokenize", "-m", json});
        QVERIFY2(is_one_error_line(r), r.err.constData());
        r = run_cli({"tokenize", "-m", json, "--bogus"});
        QVERIFY2(is_one_error_line(r), r.err.constData());
        // A file that is not a GGUF.
        r = run_cli({"tokenize", "-m", files_[0], "--text", "x"});
        QVERIFY2(is_one_error_line(r), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TstTokenizerCli)
#include "tst_tokenizer_cli.moc"
