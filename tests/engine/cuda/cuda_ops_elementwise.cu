// Element-wise group: rms_norm, swiglu, to_f16 and add_bias against the CPU engine's own row
// operations (runtime/ops.h) and F16 conversion (quant/fp16.h), on random shapes.
// Bounds:
// - rms_norm: relative L2 1e-5 per case. Both sum the squares in double and scale in float; only
//   the order of the double sum differs, which can move the float 1/rms by one unit.
// - swiglu: relative L2 1e-5. Both compute g / (1 + exp(-g)) * u in float; the device expf is
//   within 2 units of the C library's.
// - to_f16: bit-exact (both round to nearest even), over magnitudes from F16 subnormals to
//   overflow.
// - add_bias: exact (one float addition per element), and the leading-dimension padding untouched.
#include "cuda_ops_common.h"

#include "backends/cuda/kernels.h"
#include "quant/fp16.h"
#include "runtime/ops.h"

#include <cmath>
#include <cstring>
#include <string>

namespace cuda_ops {
namespace {

std::string dims(int64_t n, int64_t cols) {
    return std::to_string(n) + "x" + std::to_string(cols);
}

bool rms_norm_cases(Rng& rng) {
    Group g("rms_norm", 1e-5);
    const int64_t widths[] = {64, 896, 1536, 3584, 5120, 1001 + 2 * int64_t(pick(rng, 0, 50))};
    for (int64_t cols : widths)
        for (int64_t n : {int64_t(1), int64_t(3), int64_t(8), int64_t(17 + pick(rng, 0, 20))}) {
            const float sigma = std::exp(uniform(rng, 1, -4.0f, 4.0f)[0]);
            const std::vector<float> x = normal(rng, size_t(n * cols), sigma);
            const std::vector<float> w = normal(rng, size_t(cols));
            const float eps = pick(rng, 0, 1) ? 1e-6f : 1e-5f;
            DevBuf<float> dx(x.size()), dw(w.size()), dout(x.size());
            dx.upload(x), dw.upload(w);
            rwb::cuda::rms_norm(dx.p, dw.p, dout.p, n, cols, eps, nullptr);
            sync("rms_norm");
            const std::vector<float> got = dout.download();
            std::vector<float> want(x.size());
            for (int64_t r = 0; r < n; ++r)
                rwb::runtime::rms_norm_row(x.data() + r * cols, w.data(), want.data() + r * cols,
                                           cols, double(eps));
            g.add(rel_l2(got.data(), want.data(), got.size()), dims(n, cols));
        }
    return g.report();
}

bool swiglu_cases(Rng& rng) {
    Group g("swiglu", 1e-5);
    for (int64_t count : {int64_t(1), int64_t(31), int64_t(8960), int64_t(8 * 18944 + 3),
                          int64_t(pick(rng, 1, 100000))}) {
        const std::vector<float> gate = normal(rng, size_t(count), 4.0f);
        const std::vector<float> up = normal(rng, size_t(count));
        DevBuf<float> dg(gate.size()), du(up.size());
        dg.upload(gate), du.upload(up);
        rwb::cuda::swiglu(dg.p, du.p, count, nullptr);
        sync("swiglu");
        const std::vector<float> got = dg.download();
        std::vector<float> want = gate;
        rwb::runtime::swiglu_row(want.data(), up.data(), count);
        g.add(rel_l2(got.data(), want.data(), got.size()), std::to_string(count) + " values");
    }
    return g.report();
}

bool to_f16_cases(Rng& rng) {
    Group g("to_f16 (mismatching values)", 0.0);
    for (int64_t count : {int64_t(1), int64_t(255), int64_t(4096 + pick(rng, 0, 4096)),
                          int64_t(8 * 1536), int64_t(300001)}) {
        // Random signs and mantissas at exponents 2^-30 .. 2^17: F16 zeros, subnormals, normals
        // and overflow to infinity all occur.
        std::vector<float> x = uniform(rng, size_t(count), 1.0f, 2.0f);
        for (auto& v : x) v = std::ldexp(pick(rng, 0, 1) ? v : -v, pick(rng, -30, 16));
        DevBuf<float> dx(x.size());
        DevBuf<uint16_t> out(x.size());
        dx.upload(x);
        rwb::cuda::to_f16(dx.p, count, reinterpret_cast<__half*>(out.p), nullptr);
        sync("to_f16");
        const std::vector<uint16_t> got = out.download();
        int64_t bad = 0;
        for (size_t i = 0; i < x.size(); ++i) bad += got[i] != rwb::quant::fp32_to_fp16(x[i]);
        g.add(double(bad), std::to_string(count) + " values");
    }
    return g.report();
}

bool add_bias_cases(Rng& rng) {
    Group g("add_bias (max abs difference)", 0.0);
    for (int64_t cols : {int64_t(1), int64_t(256), int64_t(1536), int64_t(pick(rng, 2, 20000))})
        for (int64_t n : {int64_t(1), int64_t(5), int64_t(pick(rng, 2, 64))}) {
            const int64_t ldy = cols + (pick(rng, 0, 1) ? pick(rng, 1, 9) : 0);
            const std::vector<float> y = normal(rng, size_t(n * ldy));
            const std::vector<float> b = normal(rng, size_t(cols));
            DevBuf<float> dy(y.size()), db(b.size());
            dy.upload(y), db.upload(b);
            rwb::cuda::add_bias(dy.p, n, ldy, db.p, cols, nullptr);
            sync("add_bias");
            const std::vector<float> got = dy.download();
            double worst = 0;
            for (int64_t r = 0; r < n; ++r)
                for (int64_t c = 0; c < ldy; ++c) {
                    const size_t i = size_t(r * ldy + c);
                    const float want = c < cols ? y[i] + b[size_t(c)] : y[i];
                    worst = std::max(worst, std::fabs(double(got[i]) - double(want)));
                }
            g.add(worst, dims(n, cols) + " ldy " + std::to_string(ldy));
        }
    return g.report();
}

} // namespace

bool run_elementwise(Rng& rng) {
    bool ok = rms_norm_cases(rng);
    ok &= swiglu_cases(rng);
    ok &= to_f16_cases(rng);
    ok &= add_bias_cases(rng);
    return ok;
}

} // namespace cuda_ops
