// CPU matmul kernels against float64 products of the quant layer's reference dequantization.
// For every weight type and every instruction set this machine runs:
//  - tight: vs sum(dequantized W * activations rounded exactly as the kernels round them). The
//    integer block sums are exact, so the only errors are float rounding of the block scales
//    (a few ulp per block) and float accumulation over at most cols/32 block terms (or cols/8
//    per SIMD lane for float weights, plus the horizontal sum). Bound: 2e-5 of sum|w*a|, which
//    leaves >10x margin over ~cols/8 * 6e-8 for cols <= 4096, yet one wrong element of a 4096
//    row (~1/4096 = 2.4e-4 of sum|w*a|) is caught.
//  - loose: vs the unrounded activations. Rounding x to 8 bits moves each value by at most half
//    a step (block amax / 254 for Q8_0 and Q8_K), so |error| <= sum |w| * step/2 exactly.
//  - ISA paths agree with the portable path (tight bound), thread counts 1..4 give bit-identical
//    results, and a row of X gives the same bits whether it is multiplied alone or in a batch.
#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/cpu_matmul.h"
#include "quant/quant.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace rwb;
using rwb::cpu::ThreadPool;
using rwb::cpu::WeightMatrix;

namespace {

struct Shape {
    int64_t rows, blocks, M; // cols = blocks * block size
};

const GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q8_0,
                           GgmlType::Q4_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

// Block counts are chosen per block size so K-quant rows reach 4096 columns too.
std::vector<Shape> shapes_for(int64_t block) {
    const int64_t s = block == 256 ? 1 : (block == 32 ? 8 : 256);
    return {{1, 1 * s, 1},    {2, 1, 3},       {9, 3, 5},       {5, 2 * s, 2},
            {17, 3 * s, 7},   {64, 6 * s, 1},  {33, 6 * s, 16}, {300, 1 * s, 65},
            {129, 16 * s, 3}, {7, 16 * s, 65}, {1, 4 * s, 16}};
}

struct Problem {
    WeightMatrix W;
    std::vector<uint8_t> bytes;
    std::vector<float> Wd;    // dequantized weights
    std::vector<float> X;     // rows of ldx floats
    std::vector<float> Xr;    // X rounded like the kernels' activations (dense, cols per row)
    std::vector<double> step; // per element: max rounding error of Xr (loose bound)
    int64_t ldx = 0;
};

Problem make_problem(GgmlType type, int64_t rows, int64_t cols, int64_t M, uint32_t seed) {
    Problem p;
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.f, 1.f);
    std::vector<float> w(size_t(rows * cols));
    for (int64_t r = 0; r < rows; ++r) {
        // rows of different magnitude and a few outliers, like real weights
        const float row_scale = 0.02f * (1.f + float(r % 5));
        for (int64_t k = 0; k < cols; ++k)
            w[size_t(r * cols + k)] = row_scale * normal(rng) * ((k % 97) == 3 ? 8.f : 1.f);
    }
    const size_t row_bytes = size_t(*ggml_row_bytes(type, uint64_t(cols)));
    p.bytes.resize(row_bytes * size_t(rows) + 64);
    p.Wd.resize(w.size());
    for (int64_t r = 0; r < rows; ++r) {
        auto st =
            quant::quantize_row(type, &w[size_t(r * cols)], &p.bytes[size_t(r) * row_bytes], cols);
        if (!st.is_ok()) qFatal("quantize_row failed");
        st = quant::dequantize_row(type, &p.bytes[size_t(r) * row_bytes], &p.Wd[size_t(r * cols)],
                                   cols);
        if (!st.is_ok()) qFatal("dequantize_row failed");
    }
    p.W = WeightMatrix{type, p.bytes.data(), rows, cols, row_bytes};

    p.ldx = cols + (M % 2 ? 5 : 0);       // exercise ldx > cols
    p.X.assign(size_t(M * p.ldx), 1e30f); // padding must never be read into a result
    p.Xr.resize(size_t(M * cols));
    p.step.assign(size_t(M * cols), 0.0);
    for (int64_t m = 0; m < M; ++m) {
        const float mag = m % 3 == 0 ? 1.f : (m % 3 == 1 ? 0.05f : 30.f);
        for (int64_t k = 0; k < cols; ++k) p.X[size_t(m * p.ldx + k)] = mag * normal(rng);
        const float* x = &p.X[size_t(m * p.ldx)];
        float* xr = &p.Xr[size_t(m * cols)];
        double* st = &p.step[size_t(m * cols)];
        const GgmlType at = quant::vec_dot_type(type);
        if (at == GgmlType::Q8_0) {
            std::vector<quant::BlockQ8_0> q(size_t(cols / 32));
            quant::quantize_row_q8_0(x, q.data(), cols);
            quant::dequantize_row_q8_0(q.data(), xr, cols);
        } else if (at == GgmlType::Q8_K) {
            std::vector<quant::BlockQ8_K> q(size_t(cols / 256));
            quant::quantize_row_q8_K(x, q.data(), cols);
            quant::dequantize_row_q8_K(q.data(), xr, cols);
        } else {
            std::copy(x, x + cols, xr);
        }
        const int64_t qb = at == GgmlType::Q8_0 ? 32 : (at == GgmlType::Q8_K ? 256 : 0);
        for (int64_t b0 = 0; qb && b0 < cols; b0 += qb) {
            float amax = 0;
            for (int64_t k = b0; k < b0 + qb; ++k) amax = std::max(amax, std::fabs(x[k]));
            // half a step, plus the fp16 rounding of Q8_0's scale (relative 2^-11 of the value)
            for (int64_t k = b0; k < b0 + qb; ++k)
                st[k] = amax / 254.0 * 1.001 + std::fabs(x[k]) * (qb == 32 ? 1.0 / 2048 : 1e-7);
        }
    }
    return p;
}

// Worst normalised error max |y - ref| / sum|w*a| over all outputs; `unrounded` uses X with the
// rounding bound instead (returns max |y-ref| / bound, which must be <= 1).
double tight_error(const Problem& p, const std::vector<float>& Y, int64_t M, int64_t ldy) {
    const int64_t rows = p.W.rows, cols = p.W.cols;
    double worst = 0;
    for (int64_t m = 0; m < M; ++m)
        for (int64_t r = 0; r < rows; ++r) {
            double ref = 0, mag = 0;
            for (int64_t k = 0; k < cols; ++k) {
                const double t = double(p.Wd[size_t(r * cols + k)]) * p.Xr[size_t(m * cols + k)];
                ref += t;
                mag += std::fabs(t);
            }
            const double err = std::fabs(double(Y[size_t(m * ldy + r)]) - ref);
            worst = std::max(worst, mag > 0 ? err / mag : (err > 0 ? 1.0 : 0.0));
        }
    return worst;
}

double loose_error_ratio(const Problem& p, const std::vector<float>& Y, int64_t M, int64_t ldy) {
    const int64_t rows = p.W.rows, cols = p.W.cols;
    double worst = 0;
    for (int64_t m = 0; m < M; ++m)
        for (int64_t r = 0; r < rows; ++r) {
            double ref = 0, mag = 0, bound = 0;
            for (int64_t k = 0; k < cols; ++k) {
                const double w = p.Wd[size_t(r * cols + k)];
                const double t = w * p.X[size_t(m * p.ldx + k)];
                ref += t;
                mag += std::fabs(t);
                bound += std::fabs(w) * p.step[size_t(m * cols + k)];
            }
            bound += 2e-5 * mag + 1e-30;
            worst = std::max(worst, std::fabs(double(Y[size_t(m * ldy + r)]) - ref) / bound);
        }
    return worst;
}

std::vector<float> run_matmul(const Problem& p, int64_t M, int64_t ldy, ThreadPool& pool) {
    std::vector<float> Y(size_t(M * ldy), -7.f);
    const Status st = cpu::matmul(p.W, p.X.data(), M, p.ldx, Y.data(), ldy, pool);
    if (!st.is_ok()) qFatal("matmul failed: %s", st.message().c_str());
    for (int64_t m = 0; m < M; ++m) // ldy padding untouched
        for (int64_t r = p.W.rows; r < ldy; ++r)
            if (Y[size_t(m * ldy + r)] != -7.f) qFatal("matmul wrote into ldy padding");
    return Y;
}

} // namespace

class TstCpuKernels : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { QVERIFY(cpu::set_kernel_isa(cpu::available_isas().front()).is_ok()); }

    void reportsIsa() {
        const auto isas = cpu::available_isas();
        QVERIFY(!isas.empty());
        QCOMPARE(std::string(isas.back()), std::string("portable"));
        qInfo("kernel ISA: %s (available: %d)", cpu::kernel_isa(), int(isas.size()));
        QVERIFY(!cpu::set_kernel_isa("no-such-isa").is_ok());
        QVERIFY(cpu::set_kernel_isa("portable").is_ok());
        QCOMPARE(std::string(cpu::kernel_isa()), std::string("portable"));
    }

    void matchesFloat64Reference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("isa");
        for (const char* isa : cpu::available_isas())
            for (GgmlType t : kTypes)
                QTest::newRow((std::string(ggml_type_name(t)) + "/" + isa).c_str())
                    << int(t) << QString(isa);
    }
    void matchesFloat64Reference() {
        QFETCH(int, type);
        QFETCH(QString, isa);
        const GgmlType t = GgmlType(type);
        QVERIFY(cpu::set_kernel_isa(isa.toStdString()).is_ok());
        ThreadPool pool(2);
        const int64_t block = ggml_type_traits(t)->block_size;
        uint32_t seed = 1;
        for (const Shape& s : shapes_for(block == 1 ? 1 : block)) {
            const int64_t cols = s.blocks * (block == 1 ? 1 : block);
            const Problem p = make_problem(t, s.rows, cols, s.M, seed++);
            const int64_t ldy = s.rows + (s.M % 2 ? 0 : 3);
            const auto Y = run_matmul(p, s.M, ldy, pool);
            const double tight = tight_error(p, Y, s.M, ldy);
            const double loose = loose_error_ratio(p, Y, s.M, ldy);
            if (tight > 2e-5 || loose > 1.0)
                qWarning("rows %lld cols %lld M %lld: tight %.3g loose %.3g", (long long)s.rows,
                         (long long)cols, (long long)s.M, tight, loose);
            QVERIFY(tight <= 2e-5);
            QVERIFY(loose <= 1.0);
        }
    }

    void isaPathsAgreeWithPortable_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : kTypes) QTest::newRow(std::string(ggml_type_name(t)).c_str()) << int(t);
    }
    void isaPathsAgreeWithPortable() {
        QFETCH(int, type);
        const GgmlType t = GgmlType(type);
        const int64_t block = std::max<int64_t>(32, ggml_type_traits(t)->block_size);
        const int64_t rows = 40, cols = 8 * block, M = 9;
        const Problem p = make_problem(t, rows, cols, M, 99);
        ThreadPool pool(2);
        QVERIFY(cpu::set_kernel_isa("portable").is_ok());
        const auto ref = run_matmul(p, M, rows, pool);
        for (const char* isa : cpu::available_isas()) {
            QVERIFY(cpu::set_kernel_isa(isa).is_ok());
            const auto Y = run_matmul(p, M, rows, pool);
            for (int64_t m = 0; m < M; ++m)
                for (int64_t r = 0; r < rows; ++r) {
                    double mag = 0;
                    for (int64_t k = 0; k < cols; ++k)
                        mag += std::fabs(double(p.Wd[size_t(r * cols + k)]) *
                                         p.Xr[size_t(m * cols + k)]);
                    const double d =
                        std::fabs(double(Y[size_t(m * rows + r)]) - ref[size_t(m * rows + r)]);
                    if (d > 2e-5 * mag)
                        qWarning("%s m %lld r %lld: %g vs %g", isa, (long long)m, (long long)r,
                                 Y[size_t(m * rows + r)], ref[size_t(m * rows + r)]);
                    QVERIFY(d <= 2e-5 * mag);
                }
        }
    }

    void threadCountsAndBatchingGiveIdenticalBits_data() { isaPathsAgreeWithPortable_data(); }
    void threadCountsAndBatchingGiveIdenticalBits() {
        QFETCH(int, type);
        const GgmlType t = GgmlType(type);
        const int64_t block = std::max<int64_t>(32, ggml_type_traits(t)->block_size);
        // big enough that the pool really splits the work
        const int64_t rows = 203, cols = 4 * block * (block == 32 ? 8 : 1), M = 11;
        const Problem p = make_problem(t, rows, cols, M, 7);
        for (const char* isa : cpu::available_isas()) {
            QVERIFY(cpu::set_kernel_isa(isa).is_ok());
            ThreadPool one(1);
            const auto ref = run_matmul(p, M, rows, one);
            for (int n = 2; n <= 4; ++n) {
                ThreadPool pool(n);
                const auto Y = run_matmul(p, M, rows, pool);
                QVERIFY2(std::memcmp(Y.data(), ref.data(), Y.size() * sizeof(float)) == 0, isa);
            }
            // each row of X alone (M = 1, the generation path) gives the batch's bits
            ThreadPool pool(2);
            for (int64_t m = 0; m < M; ++m) {
                std::vector<float> y(static_cast<size_t>(rows));
                QVERIFY(cpu::matmul(p.W, &p.X[size_t(m * p.ldx)], 1, p.ldx, y.data(), rows, pool)
                            .is_ok());
                QVERIFY2(std::memcmp(y.data(), &ref[size_t(m * rows)], y.size() * sizeof(float)) ==
                             0,
                         isa);
            }
        }
    }

    void activationQuantizersMatchReferenceBytes() {
        // Every ISA's Q8_0 / Q8_K quantizer must write the reference's bytes: ties, signs of the
        // peak, repeated magnitudes, zeros and all-zero blocks included.
        std::mt19937 rng(11);
        std::normal_distribution<float> normal(0.f, 1.f);
        const int64_t n = 4096;
        std::vector<float> x(static_cast<size_t>(n));
        for (int trial = 0; trial < 40; ++trial) {
            const float mag = std::pow(10.f, float(trial % 9) - 4.f);
            for (int64_t k = 0; k < n; ++k) x[size_t(k)] = mag * normal(rng);
            if (trial % 4 == 1) // exact ties: multiples of half a step
                for (int64_t k = 0; k < n; ++k) x[size_t(k)] = float(int(normal(rng) * 40)) * 0.5f;
            if (trial % 4 == 2) { // equal magnitudes of both signs, zero blocks
                for (int64_t k = 0; k < 256; ++k) x[size_t(k)] = 0.f;
                x[300] = -3.f;
                x[301] = 3.f;
                for (int64_t k = 512; k < 544; ++k) x[size_t(k)] = 0.f;
            }
            std::vector<quant::BlockQ8_0> ref0(size_t(n / 32)), got0(size_t(n / 32));
            std::vector<quant::BlockQ8_K> refk(size_t(n / 256)), gotk(size_t(n / 256));
            quant::quantize_row_q8_0(x.data(), ref0.data(), n);
            quant::quantize_row_q8_K(x.data(), refk.data(), n);
            for (const char* isa : cpu::available_isas()) {
                QVERIFY(cpu::set_kernel_isa(isa).is_ok());
                const auto& k = cpu::detail::active_kernels();
                std::memset(got0.data(), 0x5A, got0.size() * sizeof(got0[0]));
                std::memset(gotk.data(), 0x5A, gotk.size() * sizeof(gotk[0]));
                k.quantize_q8_0(x.data(), got0.data(), n);
                k.quantize_q8_K(x.data(), gotk.data(), n);
                QVERIFY2(std::memcmp(ref0.data(), got0.data(), ref0.size() * sizeof(ref0[0])) == 0,
                         isa);
                QVERIFY2(std::memcmp(refk.data(), gotk.data(), refk.size() * sizeof(refk[0])) == 0,
                         isa);
            }
        }
    }

    void dequantizeRowMatchesReference() {
        for (GgmlType t : kTypes) {
            const Problem p = make_problem(t, 4, 512, 1, 3);
            std::vector<float> row(512);
            for (int64_t r = 0; r < 4; ++r) {
                QVERIFY(cpu::dequantize_row(p.W, r, row.data()).is_ok());
                QVERIFY(std::memcmp(row.data(), &p.Wd[size_t(r * 512)], 512 * sizeof(float)) == 0);
            }
            QVERIFY(!cpu::dequantize_row(p.W, 4, row.data()).is_ok());
            QVERIFY(!cpu::dequantize_row(p.W, -1, row.data()).is_ok());
        }
    }

    void badInputIsRejected() {
        ThreadPool pool(2);
        const Problem p = make_problem(GgmlType::Q4_K, 4, 512, 2, 5);
        std::vector<float> Y(8, 0.f);
        WeightMatrix w = p.W;
        QVERIFY(cpu::matmul(w, p.X.data(), 2, p.ldx, Y.data(), 4, pool).is_ok());
        QVERIFY(!cpu::matmul(w, p.X.data(), 2, 100, Y.data(), 4, pool).is_ok());   // ldx < cols
        QVERIFY(!cpu::matmul(w, p.X.data(), 2, p.ldx, Y.data(), 3, pool).is_ok()); // ldy < rows
        QVERIFY(!cpu::matmul(w, p.X.data(), -1, p.ldx, Y.data(), 4, pool).is_ok());
        QVERIFY(!cpu::matmul(w, nullptr, 2, p.ldx, Y.data(), 4, pool).is_ok());
        w.cols = 500; // not a multiple of 256
        QVERIFY(!cpu::matmul(w, p.X.data(), 2, p.ldx, Y.data(), 4, pool).is_ok());
        w = p.W;
        w.row_bytes += 1;
        QVERIFY(!cpu::matmul(w, p.X.data(), 2, p.ldx, Y.data(), 4, pool).is_ok());
        w = p.W;
        w.type = GgmlType::Q2_K; // a real ggml type the engine does not compute with
        QVERIFY(!cpu::matmul(w, p.X.data(), 2, p.ldx, Y.data(), 4, pool).is_ok());
        w = p.W;
        w.data = nullptr;
        QVERIFY(!cpu::matmul(w, p.X.data(), 2, p.ldx, Y.data(), 4, pool).is_ok());
        QVERIFY(cpu::matmul(p.W, p.X.data(), 0, p.ldx, Y.data(), 4, pool).is_ok()); // M = 0: no-op
    }
};

QTEST_APPLESS_MAIN(TstCpuKernels)
#include "tst_cpu_kernels.moc"
