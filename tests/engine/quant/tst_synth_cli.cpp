// `rwb synth`: tiny custom shapes are written and checked against llama.cpp's reference models of
// the same shape (tensor names, dimensions, metadata keys), weights are non-zero normals with the
// intended mean/std, output is reproducible, and --dry-run gives the published parameter counts
// of the real R1 distills without writing anything.
#include "cli_helpers.h"
#include "quant/quant.h"
#include "rwb/tokenizer.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

using namespace rwb;
using quant_test::open_gguf;
using quant_test::run_rwb;

namespace {
const QString kModels = QStringLiteral(RWB_TEST_DATA_DIR "/reference/models/");

// Same shape as llama.cpp's reference tiny models (tests/data/reference/README.md).
const char* kQwenTiny = R"({"model_type": "qwen2", "hidden_size": 256, "num_hidden_layers": 2,
  "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 512,
  "vocab_size": 1024, "max_position_embeddings": 32768, "rope_theta": 10000.0,
  "rms_norm_eps": 1e-06, "tie_word_embeddings": false})";
const char* kLlamaTiny = R"({"model_type": "llama", "hidden_size": 256, "num_hidden_layers": 2,
  "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 768,
  "vocab_size": 1024, "max_position_embeddings": 131072, "rope_theta": 500000.0,
  "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0,
  "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}})";

struct Stats {
    double mean = 0, std = 0;
    uint64_t zeros = 0;
};
Stats stats(const gguf::GgufFile& f, const gguf::TensorInfo& t) {
    std::vector<float> v(size_t(t.n_elements));
    const int64_t cols = int64_t(t.ne[0]);
    if (!quant::dequantize_row(t.type, f.tensor_data(t), v.data(), int64_t(t.n_elements)).is_ok())
        qFatal("dequantize %s", t.name.c_str());
    (void)cols;
    Stats s;
    double sum = 0, sq = 0;
    for (float x : v) {
        sum += x;
        sq += double(x) * x;
        if (x == 0.f) ++s.zeros;
    }
    s.mean = sum / double(v.size());
    s.std = std::sqrt(sq / double(v.size()) - s.mean * s.mean);
    return s;
}
} // namespace

class TestSynthCli : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    QString config(const QString& name, const char* json) {
        QFile f(tmp_.filePath(name));
        if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write config");
        f.write(json);
        return f.fileName();
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        if (!QFile::exists(kModels + "qwen2-tiny-f32.gguf"))
            QFAIL("tests/data/reference is missing (being sent to the GPU machine? retry)");
    }

    void same_layout_as_llama_cpp_data() {
        QTest::addColumn<QString>("arch");
        QTest::newRow("qwen2") << "qwen2";
        QTest::newRow("llama") << "llama";
    }
    void same_layout_as_llama_cpp() {
        QFETCH(QString, arch);
        const QString cfg = config(arch + ".json", arch == "qwen2" ? kQwenTiny : kLlamaTiny);
        const QString out = tmp_.filePath(arch + "-synth.gguf");
        const auto r = run_rwb({"synth", "--like", cfg, "--type", "f32", "--seed", "5", "-o", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto ours = open_gguf(out);
        const auto ref = open_gguf(kModels + arch + "-tiny-f32.gguf");
        QVERIFY(ours && ref);
        // the same tensors with the same dimensions and types
        QCOMPARE(ours->tensors().size(), ref->tensors().size());
        for (const auto& t : ref->tensors()) {
            const gguf::TensorInfo* o = ours->find_tensor(t.name);
            QVERIFY2(o, t.name.c_str());
            QCOMPARE(o->ne, t.ne);
            QVERIFY(o->type == t.type);
        }
        // llama.cpp's model metadata, with equal values
        for (const auto& m : ref->metadata()) {
            if (m.key.rfind(arch.toStdString() + ".", 0) != 0 && m.key != "general.architecture" &&
                m.key != "general.file_type" && m.key != "tokenizer.ggml.model")
                continue;
            const gguf::Value* v = ours->find(m.key);
            QVERIFY2(v, m.key.c_str());
            QCOMPARE(v->u, m.value.u);
            QCOMPARE(v->s, m.value.s);
            QCOMPARE(float(v->f), float(m.value.f));
        }
        // rope factors are computed, not random: equal to the converter's within float rounding
        if (arch == "llama") {
            const auto* a = ours->find_tensor("rope_freqs.weight");
            const auto* b = ref->find_tensor("rope_freqs.weight");
            const float* x = reinterpret_cast<const float*>(ours->tensor_data(*a));
            const float* y = reinterpret_cast<const float*>(ref->tensor_data(*b));
            for (uint64_t i = 0; i < a->n_elements; ++i)
                QVERIFY(std::fabs(x[i] - y[i]) <= 2e-6f * y[i]);
        }
        // weights: normal, never zero; norms around 1; biases small
        for (const auto& t : ours->tensors()) {
            if (t.name == "rope_freqs.weight") continue;
            const Stats s = stats(*ours, t);
            QCOMPARE(s.zeros, uint64_t(0));
            const bool norm = t.name.find("_norm") != std::string::npos;
            const bool bias = t.name.find(".bias") != std::string::npos;
            const double mean = norm ? 1.0 : 0.0, std = bias ? 0.01 : 0.02;
            const double n = double(t.n_elements);
            QVERIFY2(std::fabs(s.mean - mean) < 5 * std / std::sqrt(n), t.name.c_str());
            QVERIFY2(std::fabs(s.std / std - 1) < 8 / std::sqrt(n) + 0.01, t.name.c_str());
        }
        // tokenizer: exact vocabulary size, R1 specials on the top ids of a small vocabulary
        const auto tokens = ours->get_string_array("tokenizer.ggml.tokens").value();
        QCOMPARE(tokens.size(), size_t(1024));
        QCOMPARE(std::set<std::string>(tokens.begin(), tokens.end()).size(), tokens.size());
        QCOMPARE(tokens[1023], std::string("</think>"));
        QCOMPARE(tokens[1022], std::string("<think>"));
        QCOMPARE(tokens[1020], std::string("<｜begin▁of▁sentence｜>"));
        QCOMPARE(tokens[1017], std::string("<｜end▁of▁sentence｜>"));
        QCOMPARE(ours->get_uint("tokenizer.ggml.bos_token_id").value(), uint64_t(1020));
        QCOMPARE(ours->get_uint("tokenizer.ggml.eos_token_id").value(), uint64_t(1017));
        QCOMPARE(ours->get_string("tokenizer.ggml.pre").value(),
                 std::string(arch == "qwen2" ? "deepseek-r1-qwen" : "llama-bpe"));
        QVERIFY(!ours->get_string_array("tokenizer.ggml.merges").value().empty());
    }

    // The synthesized vocabulary loads in the engine's tokenizer, which finds the R1 specials.
    void tokenizer_loads() {
        const QString cfg = config("tok.json", kQwenTiny);
        const QString out = tmp_.filePath("tok.gguf");
        const auto r = run_rwb({"synth", "--like", cfg, "--type", "q8_0", "-q", "-o", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        auto tok = Tokenizer::load_gguf(out.toStdString());
        QVERIFY2(tok.is_ok(), tok.message().c_str());
        QCOMPARE(tok->n_vocab(), 1024);
        QCOMPARE(tok->bos(), 1020);
        QCOMPARE(tok->eos(), 1017);
        QVERIFY(tok->add_bos());
        const std::string text =
            "<｜begin▁of▁sentence｜><｜User｜>What is 2+2? ok<｜Assistant｜><think>\nx</think>";
        const auto ids = tok->encode(text, true);
        QVERIFY(ids.size() > 8);
        QCOMPARE(ids.front(), 1020);
        QCOMPARE(ids[1], 1018);
        QCOMPARE(ids.back(), 1023);
        QVERIFY(std::find(ids.begin(), ids.end(), 1022) != ids.end());
        QCOMPARE(tok->decode(ids), text);
    }

    void reproducible_and_seeded() {
        const QString cfg = config("q.json", kQwenTiny);
        auto make = [&](const QString& name, const QStringList& extra) {
            const QString out = tmp_.filePath(name);
            const auto r =
                run_rwb(QStringList{"synth", "--like", cfg, "--quiet", "-o", out} + extra);
            if (r.exit_code != 0) qFatal("%s", qPrintable(r.err));
            QFile f(out);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        };
        const QByteArray a = make("a.gguf", {"--seed", "7", "--threads", "1"});
        const QByteArray b = make("b.gguf", {"--seed", "7", "--threads", "3"});
        const QByteArray c = make("c.gguf", {"--seed", "8"});
        QVERIFY(!a.isEmpty());
        QVERIFY(a == b);
        QCOMPARE(a.size(), c.size());
        QVERIFY(a != c);
    }

    void quantized_output_follows_mix() {
        const QString cfg = config("q2.json", kQwenTiny);
        const QString out = tmp_.filePath("q4km.gguf");
        const auto r = run_rwb({"synth", "--like", cfg, "--type", "q4_k_m", "-o", out, "--quiet"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto ours = open_gguf(out);
        const auto ref = open_gguf(kModels + "qwen2-tiny-q4_k_m.gguf");
        QVERIFY(ours && ref);
        QCOMPARE(ours->get_uint("general.file_type").value(), uint64_t(15));
        for (const auto& t : ref->tensors()) QVERIFY(ours->find_tensor(t.name)->type == t.type);
        const auto* down = ours->find_tensor("blk.0.ffn_down.weight");
        const Stats s = stats(*ours, *down);
        QVERIFY(std::fabs(s.std / 0.02 - 1) < 0.05);
    }

    // Parameter counts of the published models (Hugging Face model cards, rounded as they are).
    void dry_run_shapes_data() {
        QTest::addColumn<QString>("like");
        QTest::addColumn<int>("tensors");
        QTest::addColumn<double>("billions");
        QTest::newRow("1.5b") << "r1-qwen-1.5b" << 1 + 28 * 12 + 2 << 1.78;
        QTest::newRow("7b") << "r1-qwen-7b" << 1 + 28 * 12 + 2 << 7.62;
        QTest::newRow("14b") << "r1-qwen-14b" << 1 + 48 * 12 + 2 << 14.8;
        QTest::newRow("32b") << "r1-qwen-32b" << 1 + 64 * 12 + 2 << 32.8;
        QTest::newRow("8b") << "r1-llama-8b" << 2 + 32 * 9 + 2 << 8.03;
        QTest::newRow("70b") << "r1-llama-70b" << 2 + 80 * 9 + 2 << 70.6;
    }
    void dry_run_shapes() {
        QFETCH(QString, like);
        QFETCH(int, tensors);
        QFETCH(double, billions);
        const QString out = tmp_.filePath("never.gguf");
        const auto r =
            run_rwb({"synth", "--like", like, "--type", "q4_k_m", "--dry-run", "-o", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
        const QStringList lines = r.out.trimmed().split('\n');
        const QStringList total = lines.last().split(' ');
        QCOMPARE(total.value(0), QString("tensors"));
        QCOMPARE(total.value(1).toInt(), tensors);
        const double params = total.value(3).toDouble();
        // rounded to 3 significant digits like the model cards
        const double digits = billions >= 10 ? 0.1 : 0.01;
        QVERIFY2(std::fabs(params / 1e9 - billions) <= digits / 2 + 1e-9, qPrintable(lines.last()));
        const double bytes = total.value(5).toDouble();
        QVERIFY(bytes > params * 0.5 && bytes < params * 0.75); // ~4.5-5 bits per weight
        QVERIFY(r.out.contains("output.weight                q6_K"));
    }

    void bad_arguments() {
        const QString out = tmp_.filePath("bad.gguf");
        QFile junk(tmp_.filePath("junk.json"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("{\"model_type\": \"qwen2\", \"hidden_size\": 250, \"num_hidden_layers\": 2}");
        junk.close();
        const QString zero = config("zero.json", R"({"model_type": "qwen2", "hidden_size": 256,
            "num_hidden_layers": 2, "num_attention_heads": 0, "intermediate_size": 512,
            "vocab_size": 1024})");
        const QString huge = config("huge.json", R"({"model_type": "llama", "hidden_size": 1048576,
            "num_hidden_layers": 2, "num_attention_heads": 8, "intermediate_size": 512,
            "vocab_size": 1048576})");
        const QList<QStringList> cases = {
            {"synth", "--like", huge, "-o", out},
            {"synth", "--like", "r1-qwen-3b", "-o", out},
            {"synth", "--like", "r1-qwen-1.5b", "--type", "q2_k", "-o", out},
            {"synth", "--like", "r1-qwen-1.5b"},
            {"synth", "-o", out},
            {"synth", "--like", junk.fileName(), "-o", out},
            {"synth", "--like", zero, "-o", out},
            {"synth", "--like", tmp_.filePath("missing.json"), "-o", out},
        };
        for (const auto& args : cases) {
            const auto r = run_rwb(args);
            QVERIFY2(r.exit_code == 1, qPrintable(args.join(' ')));
            QVERIFY2(r.err.startsWith("rwb synth: "), qPrintable(r.err));
            QCOMPARE(r.err.trimmed().count('\n'), 0);
            QVERIFY(!QFile::exists(out));
        }
    }
};

QTEST_GUILESS_MAIN(TestSynthCli)
#include "tst_synth_cli.moc"
