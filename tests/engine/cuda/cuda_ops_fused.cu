// Fused mat-vec group: rwb::cuda::matvec_fused (RMSNorm of the input rows, then up to three
// products of them in one launch, or the SwiGLU pair silu(W0 x) * (W1 x)) for every weight type,
// against the CPU engine's path for the same thing: runtime::rms_norm_row, cpu::matmul of the
// same quantized weights (which rounds the normalised activations to 8 bits for the block
// types), SwiGLU in float64. Shapes: the attention inputs (q, k, v of different heights, with
// biases), the FFN gate/up pair, and a single product added to a residual without a norm;
// n = 1..8 rows, widths from 96 to 8960.
// Bounds: relative L2 1e-3 for F32/F16/BF16 and 1e-2 for the block types against the CPU (as in
// the plain mat-vec group: the device may round the activations differently, ~0.5% per product).
// A second group per type measures the distance to float64 products of the engine's dequantized
// weights (no activation rounding at all): 1e-3 for the float types; 3e-2 for the block types,
// where the 8-bit rounding of normalised activations alone costs ~0.5..1% (more through
// silu(a) * b), so the bound is loose by design and only catches gross decoding errors.
// matvec_fused may refuse a case (returns false: too wide to stage, mixed types); refusals are
// counted and printed, and a type whose every case is refused fails.
#include "cuda_ops_weights.h"

#include "backends/cpu/cpu_matmul.h"
#include "runtime/ops.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

namespace cuda_ops {
namespace {

struct Job {
    HostMatrix h;
    std::unique_ptr<DevWeights> dw;
    std::vector<float> bias, y0; // y0: [n][ldy], the rows past `rows` hold a sentinel
    int64_t ldy = 0;
    bool use_bias = false, accumulate = false;
};

constexpr float kSentinel = -54321.0f;

// One case: njobs products of the same n rows (silu_pair: a gate/up pair), optionally normalised.
// Returns false when matvec_fused refused it.
// types: one weight type per job (the q/k/v of a Q4_K_M file mix Q4_K and Q6_K); empty: t's.
bool run_case(Rng& rng, const WeightType& t, int64_t cols, const std::vector<int64_t>& heights,
              bool silu_pair, bool norm, bool accumulate, int n, rwb::cpu::ThreadPool& pool,
              Group& g, Group& g64, const std::vector<rwb::GgmlType>& types = {}) {
    const int njobs = int(heights.size());
    const int64_t ldx = cols + 4 * pick(rng, 0, 2);
    std::vector<float> x = uniform(rng, size_t(n * ldx), -1.0f, 1.0f);
    for (auto& v : x) v *= 3.0f;
    // RMSNorm gains as models have them: positive, around 1.
    const std::vector<float> norm_w = uniform(rng, size_t(cols), 0.5f, 1.5f);
    const float eps = 1e-6f;
    std::vector<Job> jobs(static_cast<size_t>(njobs));
    std::vector<rwb::cuda::MatvecJob> mj(static_cast<size_t>(njobs));
    std::vector<std::unique_ptr<DevBuf<float>>> dy, db;
    for (int j = 0; j < njobs; ++j) {
        Job& jb = jobs[size_t(j)];
        const int64_t rows = heights[size_t(j)];
        jb.h = make_matrix(rng, types.empty() ? t.type : types[size_t(j)], rows, cols);
        jb.dw = std::make_unique<DevWeights>(jb.h);
        jb.use_bias = !silu_pair && pick(rng, 0, 1);
        jb.accumulate = !silu_pair && accumulate;
        jb.ldy = rows + pick(rng, 0, 3);
        jb.bias = normal(rng, size_t(rows));
        jb.y0 = normal(rng, size_t(n * jb.ldy));
        for (int m = 0; m < n; ++m)
            for (int64_t r = rows; r < jb.ldy; ++r) jb.y0[size_t(m * jb.ldy + r)] = kSentinel;
        dy.push_back(std::make_unique<DevBuf<float>>(jb.y0.size()));
        db.push_back(std::make_unique<DevBuf<float>>(jb.bias.size()));
        dy.back()->upload(jb.y0), db.back()->upload(jb.bias);
        mj[size_t(j)].W = jb.dw->m;
        mj[size_t(j)].Y = dy.back()->p;
        mj[size_t(j)].ldy = jb.ldy;
        mj[size_t(j)].bias = jb.use_bias ? db.back()->p : nullptr;
        mj[size_t(j)].accumulate = jb.accumulate;
    }
    DevBuf<float> dx(x.size()), dn(norm_w.size());
    dx.upload(x), dn.upload(norm_w);
    const bool launched = rwb::cuda::matvec_fused(mj.data(), njobs, silu_pair, dx.p, n, ldx,
                                                  norm ? dn.p : nullptr, eps, nullptr);
    sync("matvec_fused");
    if (!launched) return false;

    // The CPU's normalised rows, then each job's float64 product.
    std::vector<float> xn(size_t(n * cols));
    for (int m = 0; m < n; ++m) {
        if (norm)
            rwb::runtime::rms_norm_row(x.data() + m * ldx, norm_w.data(), xn.data() + m * cols,
                                       cols, double(eps));
        else
            std::memcpy(xn.data() + m * cols, x.data() + m * ldx, size_t(cols) * 4);
    }
    std::string what = shape(types.empty() ? t.name : "mixed", heights[0], cols) + " jobs " +
                       std::to_string(njobs) + " n=" + std::to_string(n) +
                       (silu_pair ? " silu" : "") + (norm ? " norm" : "") +
                       (accumulate ? " acc" : "");
    // products[j][m][r] (double) and their no-cancellation magnitude.
    std::vector<std::vector<double>> prod(static_cast<size_t>(njobs)),
        mag(static_cast<size_t>(njobs));
    for (int j = 0; j < njobs; ++j) {
        const HostMatrix& h = jobs[size_t(j)].h;
        prod[size_t(j)].resize(size_t(n * h.rows)), mag[size_t(j)].resize(size_t(n * h.rows));
        for (int m = 0; m < n; ++m)
            for (int64_t r = 0; r < h.rows; ++r) {
                double s = 0, q = 0;
                for (int64_t k = 0; k < cols; ++k) {
                    const double p =
                        double(h.values[size_t(r * cols + k)]) * xn[size_t(m * cols + k)];
                    s += p, q += p * p;
                }
                prod[size_t(j)][size_t(m * h.rows + r)] = s,
                                                    mag[size_t(j)][size_t(m * h.rows + r)] = q;
            }
    }
    // The CPU engine's products of the same normalised rows (8-bit activations for the block
    // types, as the engine quantizes them).
    std::vector<std::vector<float>> cpu(static_cast<size_t>(njobs));
    for (int j = 0; j < njobs; ++j) {
        const HostMatrix& h = jobs[size_t(j)].h;
        cpu[size_t(j)].resize(size_t(n * h.rows));
        const rwb::cpu::WeightMatrix w{h.type, h.data.data(), h.rows, cols, h.row_bytes};
        const rwb::Status st =
            rwb::cpu::matmul(w, xn.data(), n, cols, cpu[size_t(j)].data(), h.rows, pool);
        if (!st) {
            g.require(false, what + ": cpu::matmul: " + st.message());
            return true;
        }
    }
    auto silu = [](double a) { return a / (1.0 + std::exp(-a)); };
    for (int j = 0; j < njobs; ++j) {
        const Job& jb = jobs[size_t(j)];
        if (silu_pair && j == 1) break; // the pair writes jobs[0].Y only
        const std::vector<float> got = dy[size_t(j)]->download();
        const int64_t rows = jb.h.rows;
        double err_cpu = 0, err_64 = 0, den = 0;
        bool padding_kept = true;
        for (int m = 0; m < n; ++m) {
            for (int64_t r = 0; r < rows; ++r) {
                const size_t i = size_t(m * rows + r);
                const double y = double(got[size_t(m * jb.ldy + r)]);
                double want_cpu, want_64, size;
                if (silu_pair) {
                    want_cpu = silu(cpu[0][i]) * cpu[1][i];
                    want_64 = silu(prod[0][i]) * prod[1][i];
                    size = want_64 * want_64;
                } else {
                    const double extra =
                        (jb.use_bias ? double(jb.bias[size_t(r)]) : 0.0) +
                        (jb.accumulate ? double(jb.y0[size_t(m * jb.ldy + r)]) : 0.0);
                    want_cpu = double(cpu[size_t(j)][i]) + extra;
                    want_64 = prod[size_t(j)][i] + extra;
                    size = mag[size_t(j)][i] + extra * extra;
                }
                err_cpu += (y - want_cpu) * (y - want_cpu);
                err_64 += (y - want_64) * (y - want_64), den += size;
            }
            for (int64_t r = rows; r < jb.ldy; ++r)
                padding_kept &= got[size_t(m * jb.ldy + r)] == kSentinel;
        }
        const std::string tag = what + " job " + std::to_string(j);
        g.add(den > 0 ? std::sqrt(err_cpu / den) : std::sqrt(err_cpu), tag);
        g64.add(den > 0 ? std::sqrt(err_64 / den) : std::sqrt(err_64), tag);
        g.require(padding_kept, tag + ": Y past the rows untouched");
    }
    return true;
}

} // namespace

bool run_fused(Rng& rng) {
    if (const char* e = std::getenv("RWB_CUDA_MATVEC"); e && std::strcmp(e, "warp") == 0) {
        std::printf("SKIP matvec_fused: RWB_CUDA_MATVEC=warp turns the fused kernel off\n");
        return true;
    }
    rwb::cuda::matvec_prepare();
    rwb::cpu::ThreadPool pool;
    bool ok = true;
    int refused = 0, total = 0;
    for (const WeightType& t : kWeightTypes) {
        const bool quantized =
            t.block == 256 || t.type == rwb::GgmlType::Q8_0 || t.type == rwb::GgmlType::Q4_0;
        Group g(std::string("matvec_fused ") + t.name, quantized ? 1e-2 : 1e-3);
        Group g64(std::string("matvec_fused ") + t.name + " vs float64", quantized ? 3e-2 : 1e-3);
        const std::vector<int64_t> widths = t.block == 256 ? std::vector<int64_t>{256, 1536, 2048}
                                                           : std::vector<int64_t>{96, 1536, 2048};
        int idx = pick(rng, 0, 7);
        for (int64_t cols : widths)
            for (int k = 0; k < 3; ++k, ++idx) {
                const int n = 1 + idx % 8;
                const int64_t kv = 32 * pick(rng, 1, 8);
                bool launched = false;
                if (k == 0) { // q, k, v (or k, v): several heights, biases, normalised input
                    std::vector<int64_t> heights = {cols, kv, kv};
                    if (idx & 8) heights.erase(heights.begin());
                    launched = run_case(rng, t, cols, heights, false, true, false, n, pool, g, g64);
                } else if (k == 1) { // the FFN gate/up pair: silu(gate) * up
                    const int64_t ff = 2 * cols + 32 * pick(rng, 0, 9);
                    launched = run_case(rng, t, cols, {ff, ff}, true, true, false, n, pool, g, g64);
                } else { // one product onto a residual, no norm
                    launched = run_case(rng, t, cols, {int64_t(pick(rng, 1, 300))}, false, false,
                                        true, n, pool, g, g64);
                }
                ++total, refused += !launched;
            }
        // The down projection's width: may be too wide to stage (refusal is allowed).
        ++total, refused += !run_case(rng, t, 8960, {int64_t(pick(rng, 1, 64))}, false, false, true,
                                      pick(rng, 1, 8), pool, g, g64);
        ok &= g.report();
        ok &= g64.report();
    }
    // Jobs of different weight types in one launch, as the q/k/v of K-quant mixes have them: the
    // same staging serves them (K-quants: Q8_K rows; Q8_0 / Q4_0: Q8_0 rows), each job's blocks
    // decode their own type. Float and quantized jobs need different staging: refused.
    {
        using G = rwb::GgmlType;
        Group g("matvec_fused mixed types", 1e-2), g64("matvec_fused mixed types vs float64", 3e-2);
        const WeightType& q4k = kWeightTypes[5];
        const WeightType& q40 = kWeightTypes[4];
        const std::vector<std::pair<std::vector<G>, int64_t>> mixes = {
            {{G::Q4_K, G::Q4_K, G::Q6_K}, 256},  {{G::Q4_K, G::Q4_K, G::Q6_K}, 1536},
            {{G::Q5_K, G::Q5_K, G::Q6_K}, 2048}, {{G::Q6_K, G::Q4_K, G::Q5_K}, 1536},
            {{G::Q4_0, G::Q4_0, G::Q8_0}, 96},   {{G::Q8_0, G::Q4_0, G::Q8_0}, 1536}};
        for (const auto& [types, cols] : mixes) {
            const int n = pick(rng, 1, 8);
            const int64_t kv = 32 * pick(rng, 1, 8);
            const WeightType& t = types[0] == G::Q4_0 || types[0] == G::Q8_0 ? q40 : q4k;
            const bool launched =
                run_case(rng, t, cols, {cols, kv, kv}, false, true, false, n, pool, g, g64, types);
            g.require(launched, "mixed quantized types " + std::to_string(cols) + " launched");
        }
        const bool refused = !run_case(rng, q4k, 256, {256, 64}, false, true, false, 1, pool, g,
                                       g64, {G::F16, G::Q4_K});
        g.require(refused, "an F16 and a Q4_K job in one launch are refused");
        ok &= g.report();
        ok &= g64.report();
    }
    std::printf("  note: matvec_fused refused %d of %d cases (the caller then runs them one by "
                "one)\n",
                refused, total);
    return ok;
}

} // namespace cuda_ops
