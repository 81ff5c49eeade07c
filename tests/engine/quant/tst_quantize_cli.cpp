// `rwb quantize` on llama.cpp's reference F32 models: for every mix the output has llama.cpp's
// per-tensor types (and, our quantizers being bit-exact, llama-quantize's very bytes), metadata
// is copied with general.file_type updated, and bad input gives one clear line and no file.
#include "cli_helpers.h"

#include <QtTest>

#include <cstring>

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
