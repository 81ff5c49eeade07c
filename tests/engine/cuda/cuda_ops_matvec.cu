// Mat-vec group: rwb::cuda::matvec for every weight type against the CPU engine's matmul
// (backends/cpu/cpu_matmul.h, the same quantized weights) and against a float64 product of the
// engine's dequantized weights, over rows {1, 7, 33, 256, 1000+odd} x several widths (up to 8960,
// plus 18944), n = 1..8 activation rows, with and without bias, accumulate on and off, and
// leading dimensions wider than the rows (the padding must stay untouched).
//
// Error: sqrt(sum (y - ref)^2) / sqrt(sum over outputs of (sum_k (w_k x_k)^2 + bias^2 + y0^2)),
// a relative L2 against the size of the products rather than of their sums, so that a short
// output whose sums cancel by chance cannot fail a correct kernel.
// Bounds:
// - F32, F16, BF16: 1e-3. Both sides multiply the same decoded weights by F32 activations in
//   float; only the summation order differs (~1e-6 expected), and the bound still holds if a
//   kernel moves to F16 arithmetic (2^-11 rounding).
// - Q8_0, Q4_0, Q4_K, Q5_K, Q6_K: 1e-2. The CPU quantizes activations to 8 bits (Q8_0 / Q8_K
//   blocks) and the CUDA mat-vec is about to do the same (int8 activations for dp4a), with its
//   own block layout; 8-bit rounding of activations costs ~0.4% relative per side on uniform
//   inputs, so 1e-2 leaves room for both. Half the cases use "grid" activations that every
//   amax/127 8-bit quantizer (block of 32 or 256) represents exactly, so those cases measure the
//   weight decoding alone (~5e-4 at most, from the F16 block scale of Q8_0); the other half use
//   uniform activations, on outputs large enough (>= 256 values) that the rounding noise averages
//   out instead of failing a single dot product by chance.
// Every case runs twice: through matvec (the launcher's own choice: the staged shared-memory
// kernel where the activations fit, else the global-memory one) and through matvec_warp (the
// global-memory kernel alone, what RWB_CUDA_MATVEC=warp forces), each its own group.
#include "cuda_ops_weights.h"

#include "backends/cpu/cpu_matmul.h"

#include <cmath>
#include <cstring>
#include <string>

namespace cuda_ops {
namespace {

struct Case {
    int n = 1;
    bool bias = false, accumulate = false, grid = true;
    int64_t ldx = 0, ldy = 0;
};

// n rows of activations, ldx apart. Grid: a per-row power-of-two scale times q/127 with q an
// integer in [-127, 127] and one +-127 in every 32 values, so that each 8-bit block quantizer
// with d = amax/127 reproduces them.
std::vector<float> activations(Rng& rng, const Case& c, int64_t cols) {
    std::vector<float> x(size_t(c.n * c.ldx), 0.0f);
    for (int m = 0; m < c.n; ++m) {
        float* row = x.data() + m * c.ldx;
        if (!c.grid) {
            const auto u = uniform(rng, size_t(cols), -1.0f, 1.0f);
            std::copy(u.begin(), u.end(), row);
            continue;
        }
        const float s = std::ldexp(1.0f, pick(rng, -3, 2)) / 127.0f;
        for (int64_t k = 0; k < cols; ++k) row[k] = float(pick(rng, -127, 127)) * s;
        for (int64_t b = 0; b < cols; b += 32)
            row[b + pick(rng, 0, 31)] = (pick(rng, 0, 1) ? 127.0f : -127.0f) * s;
    }
    return x;
}

// Runs one case on the device and checks it against both references.
void run_case(Rng& rng, const HostMatrix& h, const DevWeights& dw, const Case& c,
              rwb::cpu::ThreadPool& pool, Group& g, Group& gw, const std::string& what) {
    const int64_t rows = h.rows, cols = h.cols;
    const std::vector<float> x = activations(rng, c, cols);
    const std::vector<float> bias = normal(rng, size_t(rows));
    std::vector<float> y0 = normal(rng, size_t(c.n * c.ldy));
    constexpr float kSentinel = 12345.0f; // the Y padding past `rows` must keep it
    for (int m = 0; m < c.n; ++m)
        for (int64_t r = rows; r < c.ldy; ++r) y0[size_t(m * c.ldy + r)] = kSentinel;

    DevBuf<float> dx(x.size()), db(bias.size()), dy(y0.size());
    dx.upload(x), db.upload(bias);
    // The launcher's own choice of kernel, then the global-memory (warp) kernel alone.
    std::vector<float> ys[2];
    for (int path = 0; path < 2; ++path) {
        dy.upload(y0);
        (path == 0 ? rwb::cuda::matvec : rwb::cuda::matvec_warp)(
            dw.m, dx.p, c.n, c.ldx, dy.p, c.ldy, c.bias ? db.p : nullptr, c.accumulate, nullptr);
        sync(path == 0 ? "matvec" : "matvec_warp");
        ys[path] = dy.download();
    }

    // The CPU engine's product of the same quantized rows (it quantizes x itself).
    std::vector<float> ycpu(size_t(c.n * rows));
    const rwb::cpu::WeightMatrix w{h.type, h.data.data(), rows, cols, h.row_bytes};
    const rwb::Status st = rwb::cpu::matmul(w, x.data(), c.n, c.ldx, ycpu.data(), rows, pool);
    if (!st) {
        g.require(false, what + ": cpu::matmul: " + st.message());
        return;
    }
    double e_cpu[2] = {0, 0}, e_ref[2] = {0, 0}, scale = 0;
    bool padding_kept[2] = {true, true};
    for (int m = 0; m < c.n; ++m) {
        const float* xm = x.data() + m * c.ldx;
        for (int64_t r = 0; r < rows; ++r) {
            const float* wr = h.values.data() + r * cols;
            double ref = 0, mag = 0;
            for (int64_t k = 0; k < cols; ++k) {
                const double p = double(wr[k]) * double(xm[k]);
                ref += p, mag += p * p;
            }
            const double extra = (c.bias ? double(bias[size_t(r)]) : 0.0) +
                                 (c.accumulate ? double(y0[size_t(m * c.ldy + r)]) : 0.0);
            const double cpu = double(ycpu[size_t(m * rows + r)]) + extra;
            for (int path = 0; path < 2; ++path) {
                const double got = double(ys[path][size_t(m * c.ldy + r)]);
                e_cpu[path] += (got - cpu) * (got - cpu);
                e_ref[path] += (got - ref - extra) * (got - ref - extra);
            }
            scale += mag + extra * extra;
        }
        for (int64_t r = rows; r < c.ldy; ++r)
            for (int path = 0; path < 2; ++path)
                padding_kept[path] &= ys[path][size_t(m * c.ldy + r)] == kSentinel;
    }
    const std::string tag = what + " n=" + std::to_string(c.n) + (c.bias ? " bias" : "") +
                            (c.accumulate ? " acc" : "") + (c.grid ? " grid-x" : " uniform-x");
    for (int path = 0; path < 2; ++path) {
        Group& gp = path == 0 ? g : gw;
        gp.add(std::sqrt(e_cpu[path] / scale), tag + " vs cpu::matmul");
        gp.add(std::sqrt(e_ref[path] / scale), tag + " vs float64");
        gp.require(padding_kept[path], tag + ": Y past the rows untouched");
    }
}

// The same activation row alone and as every row of batches of 2..8: each result must equal
// the lone one bit for bit, as batched decode sessions rely on. The matrix is over the size
// from which single products walk two weight rows per warp (8 MiB), and batches of 5..8 walk
// one, so this also holds the one-row and two-row paths to the same sums. With rows_base 9001
// the rows span more than one resident wave on an H200, where Q8_0 products split rows over
// warps (matvec_staged.cu, RWB_CUDA_WPR_BALANCE).
void run_batched_equal(Rng& rng, const WeightType& t, int64_t rows_base, Group& g) {
    const int64_t rows = rows_base + 2 * pick(rng, 0, 20), cols = 4096;
    const HostMatrix h = make_matrix(rng, t.type, rows, cols);
    const DevWeights dw(h);
    const std::vector<float> x = uniform(rng, size_t(cols), -2.0f, 2.0f);
    const int nmax = rwb::cuda::kMaxMatvecRows;
    std::vector<float> xs(size_t(nmax * cols));
    for (int m = 0; m < nmax; ++m) std::copy(x.begin(), x.end(), xs.begin() + m * cols);
    DevBuf<float> dx(xs.size()), dy(size_t(nmax * rows));
    dx.upload(xs);
    std::vector<float> alone;
    for (int n = 1; n <= nmax; ++n) {
        rwb::cuda::matvec(dw.m, dx.p, n, cols, dy.p, rows, nullptr, false, nullptr);
        sync("matvec batched");
        const std::vector<float> y = dy.download();
        if (n == 1) {
            alone.assign(y.begin(), y.begin() + rows);
            continue;
        }
        int64_t differ = 0;
        for (int m = 0; m < n; ++m)
            differ += std::memcmp(y.data() + m * rows, alone.data(), size_t(rows) * 4) != 0;
        g.require(differ == 0, shape(t.name, rows, cols) + " n=" + std::to_string(n) + ": " +
                                   std::to_string(differ) + " rows differ from alone");
    }
}

} // namespace

bool run_matvec(Rng& rng) {
    rwb::cuda::matvec_prepare();
    rwb::cpu::ThreadPool pool;
    bool ok = true;
    for (const WeightType& t : kWeightTypes) {
        const bool quantized =
            t.block == 256 || t.type == rwb::GgmlType::Q8_0 || t.type == rwb::GgmlType::Q4_0;
        Group g(std::string("matvec ") + t.name, quantized ? 1e-2 : 1e-3);
        Group gw(std::string("matvec_warp ") + t.name, quantized ? 1e-2 : 1e-3);
        std::vector<int64_t> widths = t.block == 256
                                          ? std::vector<int64_t>{256, 768, 1536, 8960}
                                          : std::vector<int64_t>{32, 96, 1056, 1536, 8960};
        const int64_t odd_rows = 1001 + 2 * pick(rng, 0, 20);
        std::vector<std::pair<int64_t, int64_t>> shapes;
        for (int64_t rows : {int64_t(1), int64_t(7), int64_t(33), int64_t(256), odd_rows})
            for (int64_t cols : widths) shapes.emplace_back(rows, cols);
        shapes.emplace_back(33, 18944); // the 7B FFN width (too wide to stage for most n)
        int idx = pick(rng, 0, 7);
        for (const auto& [rows, cols] : shapes) {
            const HostMatrix h = make_matrix(rng, t.type, rows, cols);
            const DevWeights dw(h);
            // Two cases per matrix; n walks 1..8 across the matrices, and the widest ones also
            // get n = 8 (too wide to stage in shared memory).
            for (int k = 0; k < 2; ++k, ++idx) {
                Case c;
                c.n = (k == 1 && cols >= 8960) ? 8 : 1 + (idx % 8);
                c.bias = idx & 1, c.accumulate = (idx >> 1) & 1;
                c.grid = k == 0 || !quantized || rows * c.n < 256;
                c.ldx = cols + ((idx >> 2) & 1 ? 4 * pick(rng, 1, 8) : 0);
                c.ldy = rows + ((idx >> 3) & 1 ? pick(rng, 1, 5) : 0);
                run_case(rng, h, dw, c, pool, g, gw, shape(t.name, rows, cols));
            }
        }
        // Every n with every bias/accumulate combination on one small matrix.
        const HostMatrix h = make_matrix(rng, t.type, 37, t.block == 256 ? 512 : 160);
        const DevWeights dw(h);
        for (int n = 1; n <= rwb::cuda::kMaxMatvecRows; ++n)
            for (int f = 0; f < 4; ++f) {
                Case c;
                c.n = n, c.bias = f & 1, c.accumulate = f >> 1, c.grid = true;
                c.ldx = h.cols, c.ldy = h.rows;
                run_case(rng, h, dw, c, pool, g, gw, shape(t.name, h.rows, h.cols));
            }
        ok &= g.report();
        ok &= gw.report();
        Group gb(std::string("matvec batched rows equal alone (bits) ") + t.name, 0.0);
        for (int64_t rows_base : {4001, 9001}) run_batched_equal(rng, t, rows_base, gb);
        ok &= gb.report();
    }
    return ok;
}

} // namespace cuda_ops
