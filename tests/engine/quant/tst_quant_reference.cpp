// Checks the quant layer against llama.cpp's own output (tests/data/reference, made by llama.cpp):
//  - dequantizing blk.0.ffn_down.weight of every reference model (2 archs x 8 types) is
//    bit-identical to ggml's to_float (the dequant/*.f32 files);
//  - quantizing the F32 model's tensor with our quantizers gives llama-quantize's bytes, and in
//    any case an RMS error within 5% of llama.cpp's (the figures are printed);
//  - Llama 3.1 rope factors for `rwb synth` equal the converter's rope_freqs.weight.
#include "gguf/gguf_file.h"
#include "quant/quant.h"
#include "quant/synth_shape.h"
#include "quant/tensor_quantizer.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

using namespace rwb;

namespace {
const QString kRef = QStringLiteral(RWB_TEST_DATA_DIR "/reference");
const char* kTensor = "blk.0.ffn_down.weight";

std::vector<float> read_f32(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary | std::ios::ate);
    if (!in) qFatal("cannot read %s", qPrintable(path));
    const auto size = size_t(in.tellg());
    std::vector<float> v(size / 4);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * 4));
    return v;
}

std::shared_ptr<gguf::GgufFile> open_model(const QString& name) {
    auto f = gguf::GgufFile::open((kRef + "/models/" + name + ".gguf").toStdString());
    if (!f) qFatal("%s: %s", qPrintable(name), f.message().c_str());
    return f.value();
}

double rmse(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += double(a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(s / double(a.size()));
}
} // namespace

class TestQuantReference : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!QFile::exists(kRef + "/models/qwen2-tiny-f32.gguf"))
            QFAIL("tests/data/reference is missing (being sent to the GPU machine? retry)");
    }

    void dequant_bit_identical_data() {
        QTest::addColumn<QString>("model");
        for (const char* arch : {"qwen2", "llama"})
            for (const char* type :
                 {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_k_m", "q5_k_m", "q6_k"})
                QTest::newRow(qPrintable(QString("%1-%2").arg(arch, type)))
                    << QString("%1-tiny-%2").arg(arch, type);
    }
    void dequant_bit_identical() {
        QFETCH(QString, model);
        const auto file = open_model(model);
        const gguf::TensorInfo* t = file->find_tensor(kTensor);
        QVERIFY(t);
        QVERIFY(quant::is_supported(t->type));
        const auto expect = read_f32(kRef + "/dequant/" + model + "." + kTensor + ".f32");
        QCOMPARE(uint64_t(expect.size()), t->n_elements);
        std::vector<float> got(expect.size());
        const int64_t cols = int64_t(t->ne[0]);
        QVERIFY(quant::dequantize_rows(t->type, file->tensor_data(*t),
                                       int64_t(t->n_elements) / cols, cols, got.data(), 2)
                    .is_ok());
        size_t differing = 0;
        for (size_t i = 0; i < got.size(); ++i)
            if (std::memcmp(&got[i], &expect[i], 4) != 0) ++differing;
        QCOMPARE(differing, size_t(0));
    }

    // Our quantizers on the original F32 tensor vs llama-quantize's result in each file.
    void quantize_matches_llama_cpp_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QString>("file_type");
        for (const char* arch : {"qwen2", "llama"})
            for (const char* type : {"f16", "bf16", "q8_0", "q4_0", "q4_k_m", "q5_k_m", "q6_k"})
                QTest::newRow(qPrintable(QString("%1-%2").arg(arch, type)))
                    << QString(arch) << QString(type);
    }
    void quantize_matches_llama_cpp() {
        QFETCH(QString, arch);
        QFETCH(QString, file_type);
        const auto f32 = open_model(arch + "-tiny-f32");
        const auto ref = open_model(arch + "-tiny-" + file_type);
        const gguf::TensorInfo* src = f32->find_tensor(kTensor);
        const gguf::TensorInfo* dst = ref->find_tensor(kTensor);
        QVERIFY(src && dst && src->type == GgmlType::F32);
        const int64_t cols = int64_t(src->ne[0]), rows = int64_t(src->n_elements) / cols;
        const float* x = reinterpret_cast<const float*>(f32->tensor_data(*src));
        std::vector<uint8_t> ours(dst->n_bytes);
        QVERIFY(quant::quantize_rows(dst->type, x, rows, cols, ours.data(), 3).is_ok());
        std::vector<float> ours_back(size_t(src->n_elements));
        QVERIFY(quant::dequantize_rows(dst->type, ours.data(), rows, cols, ours_back.data(), 1)
                    .is_ok());
        const auto theirs_back =
            read_f32(kRef + "/dequant/" + arch + "-tiny-" + file_type + "." + kTensor + ".f32");
        const std::vector<float> orig(x, x + src->n_elements);
        const double e_ours = rmse(orig, ours_back), e_theirs = rmse(orig, theirs_back);
        qInfo("%s %s (%s): rmse ours %.7g llama.cpp %.7g", qPrintable(arch), qPrintable(file_type),
              ggml_type_name(dst->type).data(), e_ours, e_theirs);
        QVERIFY2(e_ours <= e_theirs * 1.05 + 1e-12, "error more than 5% above llama.cpp's");
        // same algorithm, same float operation order: the very same bytes
        QVERIFY(std::memcmp(ours.data(), ref->tensor_data(*dst), ours.size()) == 0);
    }

    void llama3_rope_factors_match_converter() {
        const auto f = open_model("llama-tiny-f32");
        const gguf::TensorInfo* t = f->find_tensor("rope_freqs.weight");
        QVERIFY(t);
        quant::SynthShape s = *quant::synth_preset("r1-llama-8b");
        s.hidden = int64_t(f->get_uint("llama.embedding_length").value());
        s.heads = int64_t(f->get_uint("llama.attention.head_count").value());
        s.head_dim = s.hidden / s.heads;
        s.rope_theta = f->get_float("llama.rope.freq_base").value();
        const auto mine = quant::llama3_rope_factors(s);
        QCOMPARE(uint64_t(mine.size()), t->n_elements);
        const float* theirs = reinterpret_cast<const float*>(f->tensor_data(*t));
        for (size_t i = 0; i < mine.size(); ++i)
            QVERIFY2(std::fabs(mine[i] - theirs[i]) <= 2e-6f * theirs[i],
                     qPrintable(QString("%1: %2 vs %3").arg(i).arg(mine[i]).arg(theirs[i])));
    }
};

QTEST_APPLESS_MAIN(TestQuantReference)
#include "tst_quant_reference.moc"
