// `rwb quantize` on llama.cpp's reference F32 models: for every mix the output has llama.cpp's
// per-tensor types (and, our quantizers being bit-exact, llama-quantize's very bytes), metadata
// is copied with general.file_type updated, and bad input gives one clear line and no file.
#include "cli_helpers.h"
#include "quant/quant.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

using namespace rwb;
using quant_test::open_gguf;
using quant_test::run_rwb;

namespace {
const QString kModels = QStringLiteral(RWB_TEST_DATA_DIR "/reference/models/");
}

class TestQuantizeCli : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        if (!QFile::exists(kModels + "qwen2-tiny-f32.gguf"))
            QFAIL("tests/data/reference is missing (being sent to the GPU machine? retry)");
    }

    void mix_matches_llama_cpp_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QString>("mix");
        for (const char* arch : {"qwen2", "llama"})
            for (const char* mix : {"q4_k_m", "q5_k_m", "q6_k", "q8_0", "q4_0", "f16", "bf16"})
                QTest::newRow(qPrintable(QString("%1-%2").arg(arch, mix)))
                    << QString(arch) << QString(mix);
    }
    void mix_matches_llama_cpp() {
        QFETCH(QString, arch);
        QFETCH(QString, mix);
        const QString in = kModels + arch + "-tiny-f32.gguf";
        const QString out = tmp_.filePath(arch + "-" + mix + ".gguf");
        const auto r = run_rwb({"quantize", in, out, mix, "--threads", "2"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("quantize: [")); // progress lines
        const auto ours = open_gguf(out);
        const auto ref = open_gguf(kModels + arch + "-tiny-" + mix + ".gguf");
        const auto src = open_gguf(in);
        QVERIFY(ours && ref && src);
        QCOMPARE(ours->get_uint("general.file_type").value(),
                 ref->get_uint("general.file_type").value());
        // every other metadata entry of the input is carried over unchanged
        for (const auto& m : src->metadata()) {
            if (m.key == "general.file_type") continue;
            const gguf::Value* v = ours->find(m.key);
            QVERIFY2(v, m.key.c_str());
            QCOMPARE(int(v->type), int(m.value.type));
            QCOMPARE(v->s, m.value.s);
            QCOMPARE(v->u, m.value.u);
            QCOMPARE(v->strings, m.value.strings);
            QCOMPARE(v->ints, m.value.ints);
        }
        QCOMPARE(ours->tensors().size(), ref->tensors().size());
        for (const auto& t : ref->tensors()) {
            const gguf::TensorInfo* o = ours->find_tensor(t.name);
            QVERIFY2(o, t.name.c_str());
            QVERIFY2(o->type == t.type, qPrintable(QString("%1: ours %2, llama.cpp %3")
                                                       .arg(t.name.c_str())
                                                       .arg(ggml_type_name(o->type).data())
                                                       .arg(ggml_type_name(t.type).data())));
            QCOMPARE(o->ne, t.ne);
            QVERIFY2(std::memcmp(ours->tensor_data(*o), ref->tensor_data(t), t.n_bytes) == 0,
                     t.name.c_str());
        }
    }

    void requantizes_quantized_input_with_warning() {
        const QString out = tmp_.filePath("requant.gguf");
        const auto r = run_rwb({"quantize", kModels + "qwen2-tiny-q8_0.gguf", out, "q4_k_m"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("warning: the input is already quantized (q8_0)"));
        const auto ours = open_gguf(out);
        const auto ref = open_gguf(kModels + "qwen2-tiny-q4_k_m.gguf");
        QVERIFY(ours && ref);
        for (const auto& t : ref->tensors()) QVERIFY(ours->find_tensor(t.name)->type == t.type);
    }

    // Rows of 320 values cannot hold 256-value K-quant blocks: llama.cpp falls back to Q5_0/Q5_1/
    // Q8_0; we support only Q8_0 of those, so such tensors become Q8_0, with a warning.
    void k_quant_fallback_for_odd_rows() {
        QFile cfg(tmp_.filePath("odd.json"));
        QVERIFY(cfg.open(QIODevice::WriteOnly));
        cfg.write(R"({"model_type": "qwen2", "hidden_size": 320, "num_hidden_layers": 2,
            "num_attention_heads": 5, "num_key_value_heads": 1, "intermediate_size": 512,
            "vocab_size": 1024})");
        cfg.close();
        const QString f32 = tmp_.filePath("odd-f32.gguf"), out = tmp_.filePath("odd-q4km.gguf");
        auto r = run_rwb({"synth", "--like", cfg.fileName(), "--type", "f32", "-o", f32, "-q"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        r = run_rwb({"quantize", f32, out, "q4_k_m"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(
            "warning: blk.0.attn_q.weight: row length 320 is not a multiple of 256: q8_0 instead "
            "of q4_K"));
        const auto q = open_gguf(out);
        const auto src = open_gguf(f32);
        QVERIFY(q && src);
        auto type_of = [&](const char* n) { return q->find_tensor(n)->type; };
        QVERIFY(type_of("blk.0.attn_q.weight") == GgmlType::Q8_0);
        QVERIFY(type_of("token_embd.weight") == GgmlType::Q8_0);
        QVERIFY(type_of("output.weight") == GgmlType::Q8_0);         // Q6_K falls back too
        QVERIFY(type_of("blk.0.ffn_down.weight") == GgmlType::Q4_K); // rows of 512 are fine
        QVERIFY(type_of("blk.1.ffn_down.weight") == GgmlType::Q6_K);
        QVERIFY(type_of("blk.0.attn_q.bias") == GgmlType::F32);
        // the fallback really holds the weights: Q8_0 error is ~0.3% of their spread
        const auto* a = src->find_tensor("blk.0.attn_q.weight");
        const auto* b = q->find_tensor("blk.0.attn_q.weight");
        std::vector<float> x(size_t(a->n_elements)), y(x.size());
        QVERIFY(quant::dequantize_row(a->type, src->tensor_data(*a), x.data(), int64_t(x.size()))
                    .is_ok());
        QVERIFY(quant::dequantize_row(b->type, q->tensor_data(*b), y.data(), int64_t(y.size()))
                    .is_ok());
        double err = 0, ref = 0;
        for (size_t i = 0; i < x.size(); ++i) {
            err += double(x[i] - y[i]) * (x[i] - y[i]);
            ref += double(x[i]) * x[i];
        }
        QVERIFY(std::sqrt(err / ref) < 0.01);
    }

    void bad_inputs() {
        const QString in = kModels + "qwen2-tiny-f32.gguf";
        const QString out = tmp_.filePath("bad.gguf");
        struct Case {
            QStringList args;
            QString message;
        };
        QFile junk(tmp_.filePath("junk.gguf"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("this is not a gguf file at all");
        junk.close();
        const Case cases[] = {
            {{"quantize", in, out, "q3_k_m"}, "unknown type 'q3_k_m'"},
            {{"quantize", in, out}, "expected IN.gguf OUT.gguf TYPE"},
            {{"quantize", tmp_.filePath("missing.gguf"), out, "q8_0"}, "missing.gguf"},
            {{"quantize", junk.fileName(), out, "q8_0"}, ""},
            {{"quantize", in, in, "q8_0"}, "overwrite the input"},
            {{"quantize", in, out, "q8_0", "--threads", "x"}, "--threads"},
            {{"quantize", in, out, "q8_0", "--bogus"}, "unknown option"},
        };
        for (const auto& c : cases) {
            const auto r = run_rwb(c.args);
            QVERIFY2(r.exit_code == 1, qPrintable(c.args.join(' ')));
            QVERIFY2(r.err.startsWith("rwb quantize: "), qPrintable(r.err));
            QCOMPARE(r.err.trimmed().count('\n'), 0); // one line
            QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
            QVERIFY(!QFile::exists(out));
        }
        QVERIFY(open_gguf(in)); // the input is untouched
    }
};

QTEST_GUILESS_MAIN(TestQuantizeCli)
#include "tst_quantize_cli.moc"
