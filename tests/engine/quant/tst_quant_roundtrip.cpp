// Quantize -> dequantize round trips of every supported type on random normal data and on edge
// cases (all-zero, constant, huge, tiny, NaN), the Q8_0/Q8_K activation quantizers, and the
// reference dot products against a double-precision product of the dequantized operands.
#include "quant/quant.h"
#include "quant/quant_mix.h"
#include "quant/tensor_quantizer.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace rwb;
using namespace rwb::quant;

namespace {
std::vector<float> normal(size_t n, float std, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.f, std);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

std::vector<float> round_trip(GgmlType t, const std::vector<float>& x) {
    std::vector<uint8_t> q(*ggml_row_bytes(t, x.size()));
    std::vector<float> y(x.size());
    const Status s = quantize_row(t, x.data(), q.data(), int64_t(x.size()));
    if (!s.is_ok()) qFatal("quantize_row: %s", s.message().c_str());
    const Status d = dequantize_row(t, q.data(), y.data(), int64_t(x.size()));
    if (!d.is_ok()) qFatal("dequantize_row: %s", d.message().c_str());
    return y;
}

double rms(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += double(a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(s / double(a.size()));
}
} // namespace

class TestQuantRoundtrip : public QObject {
    Q_OBJECT
private slots:
    void supported_set() {
        QCOMPARE(supported_types().size(), size_t(8));
        for (GgmlType t : supported_types()) QVERIFY(is_supported(t));
        QVERIFY(!is_supported(GgmlType::Q2_K));
        QVERIFY(!is_supported(GgmlType::IQ4_XS));
        float out[256];
        uint8_t raw[256 * 4] = {};
        QVERIFY(!dequantize_row(GgmlType::Q3_K, raw, out, 256).is_ok());
        QVERIFY(!dequantize_row(GgmlType::Q4_K, raw, out, 100).is_ok()); // not whole blocks
        QVERIFY(!quantize_row(GgmlType::Q8_0, out, raw, 33).is_ok());
    }

    // Relative RMS error (vs the data's std) of each type on N(0, 0.02): each extra bit should
    // roughly halve it; bounds are ~1.5x the error ggml's quantizers reach on such data.
    void normal_data_error_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("max_rel_rmse");
        QTest::newRow("f32") << int(GgmlType::F32) << 0.0;
        QTest::newRow("f16") << int(GgmlType::F16) << 4e-4;
        QTest::newRow("bf16") << int(GgmlType::BF16) << 3e-3;
        QTest::newRow("q8_0") << int(GgmlType::Q8_0) << 0.012;
        QTest::newRow("q6_k") << int(GgmlType::Q6_K) << 0.045;
        QTest::newRow("q5_k") << int(GgmlType::Q5_K) << 0.09;
        QTest::newRow("q4_k") << int(GgmlType::Q4_K) << 0.17;
        QTest::newRow("q4_0") << int(GgmlType::Q4_0) << 0.2;
    }
    void normal_data_error() {
        QFETCH(int, type);
        QFETCH(double, max_rel_rmse);
        const auto x = normal(256 * 64, 0.02f, 7);
        const auto y = round_trip(GgmlType(type), x);
        const double rel = rms(x, y) / 0.02;
        qInfo("%s relative rmse %.5f", ggml_type_name(GgmlType(type)).data(), rel);
        QVERIFY2(rel <= max_rel_rmse, qPrintable(QString::number(rel)));
        if (GgmlType(type) != GgmlType::F32) QVERIFY(rel > 0); // really quantized
    }

    void more_bits_less_error() {
        const auto x = normal(256 * 32, 1.f, 11);
        const double e4 = rms(x, round_trip(GgmlType::Q4_K, x));
        const double e5 = rms(x, round_trip(GgmlType::Q5_K, x));
        const double e6 = rms(x, round_trip(GgmlType::Q6_K, x));
        const double e8 = rms(x, round_trip(GgmlType::Q8_0, x));
        QVERIFY(e5 < 0.6 * e4);
        QVERIFY(e6 < 0.6 * e5);
        QVERIFY(e8 < 0.6 * e6);
    }

    void all_zero_block_is_exact() {
        const std::vector<float> x(512, 0.f);
        for (GgmlType t : supported_types()) {
            const auto y = round_trip(t, x);
            for (float v : y) QCOMPARE(v, 0.f);
        }
    }

    void constant_block() {
        // (K-quant scales are fp16 values of about c/1000: for |c| below ~0.06 they turn subnormal
        // and lose precision, as in ggml; these constants stay in the normal range)
        for (float c : {0.5f, -3.25f, 7.f}) {
            const std::vector<float> x(256, c);
            for (GgmlType t : supported_types()) {
                const auto y = round_trip(t, x);
                // a constant is one scale times one level: only the fp16 scale's rounding remains
                for (float v : y)
                    QVERIFY2(
                        std::fabs(v - c) <= 2e-3f * std::fabs(c),
                        qPrintable(
                            QString("%1 %2 -> %3").arg(ggml_type_name(t).data()).arg(c).arg(v)));
            }
        }
    }

    void huge_and_tiny_values() {
        for (float scale : {3000.f, 1e-4f}) {
            auto x = normal(512, scale, 3);
            for (GgmlType t : supported_types()) {
                const auto y = round_trip(t, x);
                for (float v : y) QVERIFY(std::isfinite(v));
                QVERIFY2(rms(x, y) <= 0.25 * scale, ggml_type_name(t).data());
            }
        }
        // values far below fp16's range: block formats flush to zero, never to garbage
        const auto x = normal(256, 1e-12f, 5);
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_K, GgmlType::Q6_K}) {
            const auto y = round_trip(t, x);
            for (float v : y) QVERIFY(std::fabs(v) <= 1e-10f);
        }
    }

    void nan_policy() {
        auto x = normal(256, 1.f, 9);
        x[17] = std::numeric_limits<float>::quiet_NaN();
        std::vector<uint8_t> q(256 * 4);
        for (GgmlType t :
             {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
            const Status s = quantize_row(t, x.data(), q.data(), 256);
            QVERIFY(!s.is_ok());
            QVERIFY(s.message().find("NaN") != std::string::npos);
        }
        x[18] = std::numeric_limits<float>::infinity();
        for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16}) {
            const auto y = round_trip(t, x);
            QVERIFY(std::isnan(y[17]));
            QVERIFY(std::isinf(y[18]) && y[18] > 0);
        }
    }

    void q8_0_activation_rounding() {
        // amax 127 -> d = 1 exactly; halves round away from zero (roundf)
        std::vector<float> x(32, 0.f);
        x[0] = 127.f;
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.5f;
        BlockQ8_0 b;
        quantize_row_q8_0(x.data(), &b, 32);
        QCOMPARE(b.d, uint16_t(0x3c00)); // 1.0 in fp16
        QCOMPARE(int(b.qs[0]), 127);
        QCOMPARE(int(b.qs[1]), 3);
        QCOMPARE(int(b.qs[2]), -3);
        QCOMPARE(int(b.qs[3]), 1);
    }

    void q8_K_activation() {
        auto x = normal(512, 1.f, 21);
        x[40] = -9.f; // the peak of block 0 is negative: iscale = -127/peak > 0, peak -> -127
        std::vector<BlockQ8_K> b(2);
        quantize_row_q8_K(x.data(), b.data(), 512);
        QVERIFY(b[0].d > 0);
        QCOMPARE(int(b[0].qs[40]), -127);
        QCOMPARE(b[0].d, 1 / (-127.f / -9.f));
        for (int blk = 0; blk < 2; ++blk) {
            for (int g = 0; g < 16; ++g) {
                int s = 0;
                for (int j = 0; j < 16; ++j) s += b[size_t(blk)].qs[16 * g + j];
                QCOMPARE(int(b[size_t(blk)].bsums[g]), s);
            }
        }
        std::vector<float> y(512);
        dequantize_row_q8_K(b.data(), y.data(), 512);
        for (int i = 0; i < 512; ++i)
            QVERIFY(std::fabs(y[size_t(i)] - x[size_t(i)]) <=
                    std::fabs(b[size_t(i / 256)].d) * 0.5f + 1e-6f);
        // ties go to even (nearest_int), unlike Q8_0's roundf: 127/254*x with x = 1 -> 0.5 -> 0
        std::vector<float> t(256, 0.f);
        t[0] = 254.f;
        t[1] = 1.f;
        t[2] = 3.f;
        BlockQ8_K tb;
        quantize_row_q8_K(t.data(), &tb, 256);
        QCOMPARE(int(tb.qs[0]), -127);
        QCOMPARE(int(tb.qs[1]), 0);  // -0.5 -> -0
        QCOMPARE(int(tb.qs[2]), -2); // -1.5 -> -2
        std::vector<float> z(256, 0.f);
        quantize_row_q8_K(z.data(), &tb, 256);
        QCOMPARE(tb.d, 0.f);
        for (int g = 0; g < 16; ++g) QCOMPARE(int(tb.bsums[g]), 0);
    }

    void dot_products_match_dequantized() {
        const int64_t n = 1024;
        const auto w = normal(size_t(n), 0.05f, 31);
        const auto a = normal(size_t(n), 1.f, 32);
        for (GgmlType t : supported_types()) {
            std::vector<uint8_t> wq(*ggml_row_bytes(t, n));
            QVERIFY(quantize_row(t, w.data(), wq.data(), n).is_ok());
            std::vector<float> wd(static_cast<size_t>(n)), ad(static_cast<size_t>(n));
            QVERIFY(dequantize_row(t, wq.data(), wd.data(), n).is_ok());
            std::vector<uint8_t> aq;
            const GgmlType at = vec_dot_type(t);
            if (at == GgmlType::Q8_0) {
                aq.resize(*ggml_row_bytes(at, n));
                quantize_row_q8_0(a.data(), reinterpret_cast<BlockQ8_0*>(aq.data()), n);
                dequantize_row_q8_0(reinterpret_cast<BlockQ8_0*>(aq.data()), ad.data(), n);
            } else if (at == GgmlType::Q8_K) {
                aq.resize(size_t(n / QK_K) * sizeof(BlockQ8_K));
                quantize_row_q8_K(a.data(), reinterpret_cast<BlockQ8_K*>(aq.data()), n);
                dequantize_row_q8_K(reinterpret_cast<BlockQ8_K*>(aq.data()), ad.data(), n);
            } else {
                aq.resize(size_t(n) * 4);
                std::memcpy(aq.data(), a.data(), aq.size());
                ad = a;
            }
            double expect = 0, mag = 0;
            for (int64_t i = 0; i < n; ++i) {
                expect += double(wd[size_t(i)]) * ad[size_t(i)];
                mag += std::fabs(double(wd[size_t(i)]) * ad[size_t(i)]);
            }
            const auto got = vec_dot(t, n, wq.data(), aq.data());
            QVERIFY(got.is_ok());
            QVERIFY2(
                std::fabs(*got - expect) <= 1e-5 * mag,
                qPrintable(
                    QString("%1: %2 vs %3").arg(ggml_type_name(t).data()).arg(*got).arg(expect)));
        }
    }

    void threaded_equals_single() {
        const int64_t rows = 37, cols = 512;
        const auto x = normal(size_t(rows * cols), 0.02f, 41);
        for (GgmlType t : supported_types()) {
            const size_t bytes = *ggml_row_bytes(t, cols) * size_t(rows);
            std::vector<uint8_t> one(bytes), many(bytes);
            QVERIFY(quantize_rows(t, x.data(), rows, cols, one.data(), 1).is_ok());
            QVERIFY(quantize_rows(t, x.data(), rows, cols, many.data(), 5).is_ok());
            QVERIFY(one == many);
            std::vector<float> back(size_t(rows * cols));
            QVERIFY(dequantize_rows(t, many.data(), rows, cols, back.data(), 3).is_ok());
            QVERIFY(rms(x, back) < 0.01);
        }
    }

    void mix_rules() {
        const auto m = parse_quant_mix("Q4_K_M");
        QVERIFY(m.has_value());
        QCOMPARE(m->file_type, 15u);
        QVERIFY(!parse_quant_mix("q3_k_m").has_value());
        QCOMPARE(parse_quant_mix("q4_k")->name, std::string("q4_k_s"));
        ModelFacts f{28, true, false};
        auto pick = [&](const char* name, std::vector<uint64_t> ne) {
            return choose_tensor_type(*m, f, name, ne, GgmlType::F32).type;
        };
        QCOMPARE(pick("output.weight", {1536, 151936}), GgmlType::Q6_K);
        QCOMPARE(pick("token_embd.weight", {1536, 151936}), GgmlType::Q4_K);
        QCOMPARE(pick("blk.0.attn_norm.weight", {1536}), GgmlType::F32);
        QCOMPARE(pick("blk.0.attn_q.bias", {1536}), GgmlType::F32);
        // 28 layers: n/8 = 3, 7n/8 = 24 -> layers 0-2, 24-27 and 5, 8, 11, ... get Q6_K
        QCOMPARE(pick("blk.2.ffn_down.weight", {8960, 1536}), GgmlType::Q6_K);
        QCOMPARE(pick("blk.3.ffn_down.weight", {8960, 1536}), GgmlType::Q4_K);
        QCOMPARE(pick("blk.5.attn_v.weight", {1536, 256}), GgmlType::Q6_K);
        QCOMPARE(pick("blk.6.attn_v.weight", {1536, 256}), GgmlType::Q4_K);
        QCOMPARE(pick("blk.24.ffn_down.weight", {8960, 1536}), GgmlType::Q6_K);
        QCOMPARE(pick("blk.6.ffn_gate.weight", {1536, 8960}), GgmlType::Q4_K);
        // a row of 8960 is fine for Q4_K (35 blocks); a row of 100 is not: falls back
        QCOMPARE(pick("blk.6.ffn_up.weight", {96, 8}), GgmlType::Q8_0);
        QCOMPARE(pick("blk.6.ffn_up.weight", {100, 8}), GgmlType::F16);
        f.has_output = false; // tied embeddings: token_embd is the output
        QCOMPARE(pick("token_embd.weight", {1536, 151936}), GgmlType::Q6_K);
        QCOMPARE(layer_index("blk.17.attn_k.weight"), int64_t(17));
        QCOMPARE(layer_index("output.weight"), int64_t(-1));
    }
};

QTEST_APPLESS_MAIN(TestQuantRoundtrip)
#include "tst_quant_roundtrip.moc"
