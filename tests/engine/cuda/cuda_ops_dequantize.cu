// Dequantize group: rwb::cuda::dequantize_f16 (the F16 tiles of the prefill GEMMs) for every
// weight type against the CPU engine's dequantizer (quant::dequantize_row) rounded to F16 by the
// engine's own conversion (quant/fp16.h, round to nearest even), over several shapes and row
// ranges [r0, r0 + nr) and column ranges [c0, c0 + nc) (whole blocks) of the matrix.
// Bound: at most 1 F16 unit in the last place apart. F32, F16 and BF16 decode exactly and must
// agree bit for bit; the block types' float value (d * scale * q - min) may be formed with an FMA
// on the device, which can move a value across an F16 rounding boundary.
#include "cuda_ops_weights.h"

#include "quant/fp16.h"

#include <cmath>
#include <string>

namespace cuda_ops {
namespace {

// Distance in F16 units in the last place, counted on the ordered integer line of the halves
// (so +0 and -0 are 0 apart and neighbours across zero are 1 apart).
int64_t ulps(uint16_t a, uint16_t b) {
    auto line = [](uint16_t h) {
        const int64_t mag = h & 0x7fff;
        return (h & 0x8000) ? -mag : mag;
    };
    return std::llabs(line(a) - line(b));
}

} // namespace

bool run_dequantize(Rng& rng) {
    bool ok = true;
    for (const WeightType& t : kWeightTypes) {
        const bool exact =
            t.block == 32 && t.type != rwb::GgmlType::Q8_0 && t.type != rwb::GgmlType::Q4_0;
        Group g(std::string("dequantize_f16 ") + t.name + " (ulps)", exact ? 0.0 : 1.0);
        const std::vector<int64_t> widths = t.block == 256
                                                ? std::vector<int64_t>{256, 1536, 8960}
                                                : std::vector<int64_t>{32, 96, 1536, 8960};
        for (int64_t rows : {int64_t(1), int64_t(7), int64_t(129 + 2 * pick(rng, 0, 40))})
            for (int64_t cols : widths) {
                const HostMatrix h = make_matrix(rng, t.type, rows, cols);
                const DevWeights dw(h);
                // The whole matrix, then a random row range of it, then a random range of
                // whole blocks of columns of a random row range (the wide matrices' tiles).
                const int64_t r0s[3] = {0, pick(rng, 0, int(rows - 1)),
                                        pick(rng, 0, int(rows - 1))};
                for (int k = 0; k < 3; ++k) {
                    const int64_t r0 = r0s[k];
                    const int64_t nr = k == 0 ? rows : pick(rng, 1, int(rows - r0));
                    const int64_t blocks = cols / t.block;
                    const int64_t b0 = k == 2 ? pick(rng, 0, int(blocks - 1)) : 0;
                    const int64_t c0 = b0 * t.block;
                    const int64_t nc = k == 2 ? t.block * pick(rng, 1, int(blocks - b0)) : cols;
                    constexpr uint16_t kSentinel = 0x7bff; // one F16 past the range must keep it
                    DevBuf<uint16_t> out(size_t(nr * nc + 1));
                    must(cudaMemset(out.p, 0, out.n * 2), "cudaMemset");
                    must(cudaMemcpy(out.p + nr * nc, &kSentinel, 2, cudaMemcpyHostToDevice),
                         "sentinel");
                    rwb::cuda::dequantize_f16(dw.m, r0, nr, c0, nc,
                                              reinterpret_cast<__half*>(out.p), nullptr);
                    sync("dequantize_f16");
                    const std::vector<uint16_t> got = out.download();
                    int64_t worst = 0;
                    for (int64_t i = 0; i < nr * nc; ++i) {
                        const int64_t src = (r0 + i / nc) * cols + c0 + i % nc;
                        const uint16_t want = rwb::quant::fp32_to_fp16(h.values[size_t(src)]);
                        worst = std::max(worst, ulps(got[size_t(i)], want));
                    }
                    const std::string what = shape(t.name, rows, cols) + " rows " +
                                             std::to_string(r0) + ".." + std::to_string(r0 + nr) +
                                             " cols " + std::to_string(c0) + ".." +
                                             std::to_string(c0 + nc);
                    g.add(double(worst), what);
                    g.require(got.back() == kSentinel, what + ": nothing written past the range");
                }
            }
        ok &= g.report();
    }
    return ok;
}

} // namespace cuda_ops
