// The NEON kernel table against the portable one, built for AArch64 with the cross compiler and
// run under qemu-aarch64 (tests/engine/cpu/CMakeLists.txt: test tst_neon_kernels), since no ARM
// machine runs the tests here. A plain program, not a Qt test: there is no AArch64 Qt to link.
// Quantized rows (Q8_0, Q4_0; the K-quants fall back to the portable code) must give the same
// float bits, because both add each block's exact integer sum to the row sum in the same order.
// Float rows (F32, F16, BF16) are summed in eight lanes instead of one after another, so they
// must agree within the worst-case bound of that reordering: 2 n eps sum |w_i x_i|.
#include "backends/cpu/cpu_kernels.h"
#include "quant/block_layouts.h"
#include "quant/fp16.h"
#include "quant/quant.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace rwb;
using namespace rwb::cpu::detail;

namespace {

int g_failures = 0;

void report(bool ok, const std::string& what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
    if (!ok) ++g_failures;
}

std::vector<float> normal_floats(std::mt19937& rng, size_t n, float scale) {
    std::normal_distribution<float> d(0.f, scale);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

// Weight row of type t from floats, as the quant layer writes it.
std::vector<uint8_t> weight_row(GgmlType t, const std::vector<float>& x) {
    const int64_t n = int64_t(x.size());
    std::vector<uint8_t> out;
    auto as = [&](size_t bytes) {
        out.assign(bytes, 0);
        return out.data();
    };
    switch (t) {
    case GgmlType::F32:
        std::memcpy(as(x.size() * 4), x.data(), x.size() * 4);
        break;
    case GgmlType::F16: {
        auto* p = reinterpret_cast<uint16_t*>(as(x.size() * 2));
        for (size_t i = 0; i < x.size(); ++i) p[i] = quant::fp32_to_fp16(x[i]);
        break;
    }
    case GgmlType::BF16: {
        auto* p = reinterpret_cast<uint16_t*>(as(x.size() * 2));
        for (size_t i = 0; i < x.size(); ++i) p[i] = quant::fp32_to_bf16(x[i]);
        break;
    }
    case GgmlType::Q8_0:
        quant::quantize_row_q8_0(
            x.data(), reinterpret_cast<quant::BlockQ8_0*>(as(n / 32 * sizeof(quant::BlockQ8_0))),
            n);
        break;
    case GgmlType::Q4_0:
        quant::quantize_row_q4_0(
            x.data(), reinterpret_cast<quant::BlockQ4_0*>(as(n / 32 * sizeof(quant::BlockQ4_0))),
            n);
        break;
    case GgmlType::Q4_K:
        quant::quantize_row_q4_K(
            x.data(), reinterpret_cast<quant::BlockQ4_K*>(as(n / 256 * sizeof(quant::BlockQ4_K))),
            n);
        break;
    case GgmlType::Q6_K:
        quant::quantize_row_q6_K(
            x.data(), reinterpret_cast<quant::BlockQ6_K*>(as(n / 256 * sizeof(quant::BlockQ6_K))),
            n);
        break;
    default:
        break;
    }
    return out;
}

// The weight row's values back as floats (for the float types' error bound).
float weight_value(GgmlType t, const std::vector<uint8_t>& w, size_t i) {
    if (t == GgmlType::F32) return reinterpret_cast<const float*>(w.data())[i];
    const uint16_t h = reinterpret_cast<const uint16_t*>(w.data())[i];
    return t == GgmlType::F16 ? quant::fp16_to_fp32(h) : quant::bf16_to_fp32(h);
}

bool is_float(GgmlType t) {
    return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

void check_type(const char* name, GgmlType t, std::mt19937& rng) {
    const KernelTable& neon = neon_kernels();
    const KernelTable& port = portable_kernels();
    const bool kquant = t == GgmlType::Q4_K || t == GgmlType::Q6_K;
    const std::vector<int64_t> sizes = is_float(t)
                                           ? std::vector<int64_t>{1, 7, 8, 13, 40, 96, 1001, 4099}
                                       : kquant ? std::vector<int64_t>{256, 1536, 4096}
                                                : std::vector<int64_t>{32, 96, 256, 1536, 4096};
    int cases = 0, bad = 0;
    double worst = 0;
    for (int64_t n : sizes)
        for (int nm = 1; nm <= kMaxTile; ++nm)
            for (float scale : {0.02f, 1.f, 30.f}) {
                const auto wf = normal_floats(rng, size_t(n), scale);
                const auto w = weight_row(t, wf);
                // Activation rows in the type's activation format, a_stride bytes apart.
                std::vector<std::vector<float>> xs;
                for (int j = 0; j < nm; ++j) xs.push_back(normal_floats(rng, size_t(n), 1.f));
                size_t stride = size_t(n) * 4;
                if (!is_float(t))
                    stride = kquant ? size_t(n / 256) * sizeof(quant::BlockQ8_K)
                                    : size_t(n / 32) * sizeof(quant::BlockQ8_0);
                std::vector<uint8_t> a(stride * size_t(nm));
                for (int j = 0; j < nm; ++j) {
                    uint8_t* row = a.data() + size_t(j) * stride;
                    if (is_float(t))
                        std::memcpy(row, xs[size_t(j)].data(), stride);
                    else if (kquant)
                        neon.quantize_q8_K(xs[size_t(j)].data(), row, n);
                    else
                        neon.quantize_q8_0(xs[size_t(j)].data(), row, n);
                }
                float yn[kMaxTile], yp[kMaxTile];
                kernel_for(neon, t)(n, w.data(), a.data(), stride, nm, yn, 1);
                kernel_for(port, t)(n, w.data(), a.data(), stride, nm, yp, 1);
                for (int j = 0; j < nm; ++j) {
                    ++cases;
                    if (is_float(t)) {
                        double mag = 0;
                        for (int64_t i = 0; i < n; ++i)
                            mag += std::fabs(double(weight_value(t, w, size_t(i))) *
                                             xs[size_t(j)][size_t(i)]);
                        const double err = std::fabs(double(yn[j]) - double(yp[j]));
                        const double bound = 2.0 * double(n) * FLT_EPSILON * mag;
                        worst = std::max(worst, bound > 0 ? err / bound : err);
                        if (!(err <= bound)) ++bad;
                    } else if (std::memcmp(&yn[j], &yp[j], sizeof(float)) != 0) {
                        ++bad;
                    }
                }
            }
    char line[200];
    std::snprintf(line, sizeof line, "%-5s %3d cases, %d differ%s", name, cases, bad,
                  is_float(t) ? (", worst " + std::to_string(worst) + " of the bound").c_str()
                              : " (bits)");
    report(bad == 0, line);
}

} // namespace

int main() {
    const unsigned seed = std::random_device{}();
    std::printf("neon kernels vs portable, seed %u\n", seed);
    std::mt19937 rng(seed);
    report(std::string(neon_kernels().isa) == "neon", "the table is the NEON one");
    // The activation quantizers are the portable ones (the kernels' comment says so): the same
    // functions, so the quantized comparisons below use identical activations on both sides.
    report(neon_kernels().quantize_q8_0 == portable_kernels().quantize_q8_0 &&
               neon_kernels().quantize_q8_K == portable_kernels().quantize_q8_K,
           "activation quantizers shared with the portable table");
    check_type("f32", GgmlType::F32, rng);
    check_type("f16", GgmlType::F16, rng);
    check_type("bf16", GgmlType::BF16, rng);
    check_type("q8_0", GgmlType::Q8_0, rng);
    check_type("q4_0", GgmlType::Q4_0, rng);
    check_type("q4_K", GgmlType::Q4_K, rng);
    check_type("q6_K", GgmlType::Q6_K, rng);
    std::printf("%s: %d failure(s)\n", g_failures ? "FAIL" : "PASS", g_failures);
    return g_failures ? 1 : 0;
}
