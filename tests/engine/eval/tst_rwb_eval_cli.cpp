// `rwb eval` through the real binary on a synthesized R1-vocabulary model (random weights, so
// it never solves anything but thinks, answers and stops like a real one): the JSON has one
// object per model in the given order with n, accuracy, token means and speed; a fixed seed
// reproduces every count; --limit, --samples and --think-budget take effect; bad sets fail in
// one line. When the bundled demo models are present, they are graded on the held-out set too.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "rwb_cli.h"

namespace {
using rwb::test::CliRun;
using rwb::test::run_rwb;

const char* kQwenTiny = R"({"model_type": "qwen2", "hidden_size": 64, "num_hidden_layers": 2,
  "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128,
  "vocab_size": 1024, "max_position_embeddings": 4096, "rope_theta": 10000.0,
  "rms_norm_eps": 1e-06, "tie_word_embeddings": false})";

const QString kHeldOut =
    QStringLiteral(RWB_SOURCE_DIR "/resources/problem_sets/demo-arithmetic-heldout.jsonl");

QJsonArray json_array(const CliRun& r) {
    const auto doc = QJsonDocument::fromJson(r.out.toUtf8());
    return doc.isArray() ? doc.array() : QJsonArray();
}
} // namespace

class TestRwbEvalCli : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString model_a_, model_b_;

    QString write(const QString& name, const QByteArray& text) {
        QFile f(tmp_.filePath(name));
        if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(name));
        f.write(text);
        return f.fileName();
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        const QString cfg = write("tiny.json", kQwenTiny);
        model_a_ = tmp_.filePath("a.gguf");
        model_b_ = tmp_.filePath("b.gguf");
        for (auto [out, seed] : {std::pair{model_a_, "1"}, std::pair{model_b_, "2"}}) {
            const CliRun r =
                run_rwb({"synth", "--like", cfg, "--type", "f16", "--seed", seed, "-q", "-o", out});
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }
    }

    void json_per_model_in_order() {
        const QStringList args = {"eval",   "-m",      model_b_, "-m", model_a_, "--set",
                                  kHeldOut, "--limit", "3",      "-n", "24",     "--think-budget",
                                  "12",     "--seed",  "7",      "-t", "2",      "--json"};
        const CliRun r = run_rwb(args);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray arr = json_array(r);
        QCOMPARE(arr.size(), 2);
        QCOMPARE(arr[0].toObject()["model"].toString(), model_b_);
        QCOMPARE(arr[1].toObject()["model"].toString(), model_a_);
        for (const auto& v : arr) {
            const QJsonObject o = v.toObject();
            QCOMPARE(o["n"].toInt(), 3);
            QCOMPARE(o["samples"].toInt(), 1);
            const double acc = o["accuracy"].toDouble(-1);
            QVERIFY(acc >= 0 && acc <= 1);
            // The budget closes the thought after 12 tokens ("</think>" is one more thought
            // token); the rest of the 24 is the answer unless the model stopped earlier.
            const double think = o["mean_thinking_tokens"].toDouble();
            const double answer = o["mean_answer_tokens"].toDouble();
            QVERIFY2(think > 0 && think <= 13, qPrintable(QString::number(think)));
            QVERIFY(answer >= 0 && think + answer <= 24);
            QVERIFY(o["tokens_per_second"].toDouble() > 0);
            QVERIFY(o["wall_seconds"].toDouble() > 0);
            QCOMPARE(o["seed"].toInt(), 7);
            QCOMPARE(o["accuracy_ci95"].toArray().size(), 2);
        }
        // Same seed: the same tokens, so the same counts and grades.
        const QJsonArray again = json_array(run_rwb(args));
        QCOMPARE(again.size(), 2);
        for (int i = 0; i < 2; ++i)
            for (const char* key : {"accuracy", "mean_thinking_tokens", "mean_answer_tokens"})
                QCOMPARE(again[i].toObject()[key].toDouble(), arr[i].toObject()[key].toDouble());
    }

    void samples_give_pass_and_cons_at_k() {
        const CliRun r = run_rwb({"eval", "-m", model_a_, "--set", kHeldOut, "--limit", "2",
                                  "--samples", "3", "-n", "8", "-t", "2", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = json_array(r)[0].toObject();
        QCOMPARE(o["n"].toInt(), 2);
        QCOMPARE(o["samples"].toInt(), 3);
        QVERIFY(o.contains("pass_at_k"));
        QVERIFY(o.contains("cons_at_k"));
        QVERIFY(o["pass_at_k"].toDouble() >= o["accuracy"].toDouble());
        // No thinking budget: every sample thinks for all 8 tokens (random weights never
        // write "</think>" that early in practice, but stopping earlier is allowed).
        QVERIFY(o["mean_thinking_tokens"].toDouble() <= 8);

        const CliRun text = run_rwb({"eval", "-m", model_a_, "--set", kHeldOut, "--limit", "2",
                                     "--samples", "2", "-n", "4", "-t", "2"});
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QVERIFY(text.out.contains("accuracy"));
        QVERIFY(text.out.contains("pass@2"));
        QVERIFY(text.out.contains("cons@2"));
        QVERIFY(text.out.contains("a.gguf"));
    }

    void greedy_is_independent_of_seed() {
        auto run = [&](const char* seed) {
            return json_array(run_rwb({"eval", "-m", model_a_, "--set", kHeldOut, "--limit", "2",
                                       "--temp", "0", "--seed", seed, "-n", "16", "--think-budget",
                                       "6", "-t", "2", "--json"}))[0]
                .toObject();
        };
        const QJsonObject a = run("1"), b = run("99");
        QCOMPARE(a["mean_answer_tokens"].toDouble(), b["mean_answer_tokens"].toDouble());
        QCOMPARE(a["mean_thinking_tokens"].toDouble(), b["mean_thinking_tokens"].toDouble());
    }

    void bad_input_fails_in_one_line_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString no_answer = write("no_answer.jsonl", "{\"problem\": \"1+1\"}\n");
        const QString not_json =
            write("not_json.jsonl", "{\"problem\": \"1+1\", \"answer\": 2}\nxx\n");
        const QString empty = write("empty.jsonl", "\n");
        const QString m = model_a_;
        QTest::newRow("missing answer") << QStringList{"eval", "-m", m, "--set", no_answer}
                                        << "no_answer.jsonl:1: missing or empty field \"answer\"";
        QTest::newRow("bad line") << QStringList{"eval", "-m", m, "--set", not_json}
                                  << "not_json.jsonl:2: not valid JSON";
        QTest::newRow("empty set")
            << QStringList{"eval", "-m", m, "--set", empty} << "no problems in the set";
        QTest::newRow("no set file") << QStringList{"eval", "-m", m, "--set", "/nonexistent.jsonl"}
                                     << "cannot read problem set";
        QTest::newRow("no set") << QStringList{"eval", "-m", m} << "--set FILE.jsonl is required";
        QTest::newRow("no model") << QStringList{"eval", "--set", kHeldOut}
                                  << "-m MODEL is required";
        QTest::newRow("missing model")
            << QStringList{"eval", "-m", "/nonexistent.gguf", "--set", kHeldOut}
            << "cannot read model /nonexistent.gguf";
        QTest::newRow("samples") << QStringList{"eval",   "-m",        m,  "--set",
                                                kHeldOut, "--samples", "0"}
                                 << "--samples must be";
        QTest::newRow("temp") << QStringList{"eval", "-m", m, "--set", kHeldOut, "--temp", "-1"}
                              << "temperature";
        QTest::newRow("limit") << QStringList{"eval", "-m", m, "--set", kHeldOut, "--limit", "x"}
                               << "expects an integer";
    }
    void bad_input_fails_in_one_line() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliRun r = run_rwb(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("rwb eval: "), qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(r.out.isEmpty());
    }

    // The bundled demo models, once they ship: real reasoning, graded on the held-out set.
    void demo_models_answer_correctly() {
        const QString dir = QStringLiteral(RWB_SOURCE_DIR "/resources/models/");
        const QString large = dir + "rwb-demo-large.gguf";
        if (!QFile::exists(large)) QSKIP("the demo models are not in resources/models yet");
        const CliRun r = run_rwb({"eval", "-m", large, "--set", kHeldOut, "--limit", "5", "--temp",
                                  "0", "-t", "2", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = json_array(r)[0].toObject();
        QCOMPARE(o["n"].toInt(), 5);
        QVERIFY2(o["accuracy"].toDouble() >= 0.6, qPrintable(r.out));
        QVERIFY(o["mean_thinking_tokens"].toDouble() > 10);
        QVERIFY(o["mean_answer_tokens"].toDouble() > 0);
    }
};

QTEST_GUILESS_MAIN(TestRwbEvalCli)
#include "tst_rwb_eval_cli.moc"
