// The layer loop on the device. Rows of one call are either consecutive positions of one session
// (prefill, decode) or one token of each of several sessions (batched decode): every kernel that
// touches the KV cache reads the row's own RowKv, so both are the same code. Up to
// kMaxMatvecRows rows the products are quantized mat-vecs straight from the packed weights; more
// rows take the tensor-core path (weights dequantized to F16 tiles, cuBLAS GEMM, F32 accumulate).
#include "device_model.h"
#include "launch_tuning.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace rwb::cuda {
namespace {

// Y (+)= W X for the prompt rows whose F16 copy is X16 (n rows of W.cols): tensor-core GEMMs
// (cuBLAS, F32 accumulate) on the weights as F16, quantized ones dequantized tile by tile
// (prefill_tile); column tiles accumulate into Y.
bool gemm(DevModel& m, const DevMatrix& W, const __half* X16, int n, float* Y, int64_t ldy,
          const float* bias, bool accumulate, std::string& err) {
    Scratch& c = m.scratch;
    // F16 weights with unpadded rows are already the tile the GEMM wants.
    const bool in_place = W.type == kF16 && W.stride == W.cols * 2;
    const PrefillTile t = in_place ? PrefillTile{W.rows, W.cols} : prefill_tile(W.rows, W.cols);
    const float one = 1.f, zero = 0.f;
    for (int64_t c0 = 0; c0 < W.cols; c0 += t.cols)
        for (int64_t r0 = 0; r0 < W.rows; r0 += t.rows) {
            const int64_t nr = std::min(t.rows, W.rows - r0), nc = std::min(t.cols, W.cols - c0);
            const __half* tile = in_place ? reinterpret_cast<const __half*>(W.data) : c.w16;
            if (!in_place) dequantize_f16(W, r0, nr, c0, nc, c.w16, m.stream);
            const bool add = accumulate || c0 > 0;
            // Column-major view: Y^T[nr x n] (+)= W16[nc x nr]^T * X16[c0 .. c0 + nc][n].
            const cublasStatus_t st = cublasGemmEx(
                m.cublas, CUBLAS_OP_T, CUBLAS_OP_N, int(nr), n, int(nc), &one, tile, CUDA_R_16F,
                int(nc), X16 + c0, CUDA_R_16F, int(W.cols), add ? &one : &zero, Y + r0, CUDA_R_32F,
                int(ldy), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
            if (st != CUBLAS_STATUS_SUCCESS) {
                err = "cuBLAS GEMM failed (status " + std::to_string(int(st)) + ")";
                return false;
            }
        }
    if (bias) add_bias(Y, n, ldy, bias, W.rows, m.stream);
    return true;
}

// Y (+)= W X for float rows: the quantized mat-vec up to kMaxMatvecRows rows, else gemm().
bool matmul(DevModel& m, const DevMatrix& W, const float* X, int n, int64_t ldx, float* Y,
            int64_t ldy, const float* bias, bool accumulate, std::string& err) {
    if (n <= kMaxMatvecRows) {
        matvec(W, X, n, ldx, Y, ldy, bias, accumulate, m.stream);
        return true;
    }
    // X rows are contiguous (ldx == cols) everywhere the forward pass calls this.
    to_f16(X, int64_t(n) * W.cols, m.scratch.x16, m.stream);
    return gemm(m, W, m.scratch.x16, n, Y, ldy, bias, accumulate, err);
}

// How one evaluation runs: its flash-decoding splits, and whether every row has a cache of its
// own (one token per session), which lets decode attention rotate and store the new k itself.
struct StepPlan {
    int splits = 1;
    bool own_caches = false;
    bool one_session = false; // every row reads the same cache (a prompt)
};

int splits_for(const RowKv* rows, int n) {
    if (n > kMaxMatvecRows) return 1; // prefill: rows x heads already fill the GPU
    int64_t longest = 0;
    for (int i = 0; i < n; ++i) longest = std::max<int64_t>(longest, rows[i].pos + 1);
    return decode_splits(longest, launch_tuning().split_positions);
}

// Decode rows: RMSNorm fused into the staged products, q/k/v in one launch, gate/up with the
// SwiGLU in one launch. False (nothing launched) where the weights' types rule the fusion out;
// layer() then runs the parts one by one, as for prefill.
bool fused_qkv(DevModel& m, const DevLayer& L, int n) {
    const Shape& s = m.shape;
    Scratch& c = m.scratch;
    const MatvecJob jobs[3] = {{L.wq, c.q, s.q_dim(), L.bq, false},
                               {L.wk, c.k, s.kv_dim(), L.bk, false},
                               {L.wv, c.v, s.kv_dim(), L.bv, false}};
    return matvec_fused(jobs, 3, false, c.x, n, s.n_embd, L.attn_norm, s.rms_eps, m.stream);
}

bool fused_ffn_in(DevModel& m, const DevLayer& L, int n) {
    const Shape& s = m.shape;
    Scratch& c = m.scratch;
    const MatvecJob jobs[2] = {{L.gate, c.gate, s.n_ff, nullptr, false},
                               {L.up, c.up, s.n_ff, nullptr, false}};
    return matvec_fused(jobs, 2, true, c.x, n, s.n_embd, L.ffn_norm, s.rms_eps, m.stream);
}

RopeArgs rope_args(const DevModel& m, int64_t l) {
    const Shape& s = m.shape;
    return {s.n_head, s.n_head_kv, s.head_dim, s.n_rot, s.neox, m.inv_freq, l};
}
AttentionArgs attention_args(const DevModel& m, int64_t l, const StepPlan& plan) {
    const Shape& s = m.shape;
    AttentionArgs a{s.n_head,
                    s.n_head_kv,
                    s.head_dim,
                    l,
                    float(1.0 / std::sqrt(double(s.head_dim))),
                    plan.splits,
                    m.scratch.partial,
                    m.scratch.split_counters};
    a.per_split = launch_tuning().split_positions; // the rule plan.splits came from
    return a;
}

// A layer for decode rows (up to kMaxMatvecRows).
bool decode_layer(DevModel& m, int64_t l, int n, const StepPlan& plan, std::string& err) {
    const Shape& s = m.shape;
    const DevLayer& L = m.layers[size_t(l)];
    Scratch& c = m.scratch;
    const int64_t E = s.n_embd, QD = s.q_dim(), KD = s.kv_dim(), F = s.n_ff;
    if (!fused_qkv(m, L, n)) {
        rms_norm(c.x, L.attn_norm, c.xn, n, E, s.rms_eps, m.stream);
        if (!matmul(m, L.wq, c.xn, n, E, c.q, QD, L.bq, false, err)) return false;
        if (!matmul(m, L.wk, c.xn, n, E, c.k, KD, L.bk, false, err)) return false;
        if (!matmul(m, L.wv, c.xn, n, E, c.v, KD, L.bv, false, err)) return false;
    }
    const RopeArgs ra = rope_args(m, l);
    const AttentionArgs aa = attention_args(m, l, plan);
    if (plan.own_caches) {
        attention_decode(c.q, c.k, c.v, c.row_kv, n, c.attn, aa, ra, m.stream);
    } else {
        rope_kv_store(c.q, c.k, c.v, c.row_kv, n, ra, m.stream);
        attention(c.q, c.row_kv, n, c.attn, aa, m.stream);
    }
    if (!matmul(m, L.wo, c.attn, n, QD, c.x, E, nullptr, true, err)) return false;
    if (!fused_ffn_in(m, L, n)) {
        rms_norm(c.x, L.ffn_norm, c.xn, n, E, s.rms_eps, m.stream);
        if (!matmul(m, L.gate, c.xn, n, E, c.gate, F, nullptr, false, err)) return false;
        if (!matmul(m, L.up, c.xn, n, E, c.up, F, nullptr, false, err)) return false;
        swiglu(c.gate, c.up, int64_t(n) * F, m.stream);
    }
    return matmul(m, L.down, c.gate, n, F, c.x, E, nullptr, true, err);
}

// A layer for prompt rows: the norms and the SwiGLU write the GEMMs' F16 input directly (one
// rounding, as to_f16 of their float output), so only the attention output is converted.
bool prefill_layer(DevModel& m, int64_t l, int n, const StepPlan& plan, std::string& err) {
    const Shape& s = m.shape;
    const DevLayer& L = m.layers[size_t(l)];
    Scratch& c = m.scratch;
    const int64_t E = s.n_embd, QD = s.q_dim(), KD = s.kv_dim(), F = s.n_ff;
    rms_norm_f16(c.x, L.attn_norm, c.x16, n, E, s.rms_eps, m.stream);
    if (!gemm(m, L.wq, c.x16, n, c.q, QD, L.bq, false, err) ||
        !gemm(m, L.wk, c.x16, n, c.k, KD, L.bk, false, err) ||
        !gemm(m, L.wv, c.x16, n, c.v, KD, L.bv, false, err))
        return false;
    rope_kv_store(c.q, c.k, c.v, c.row_kv, n, rope_args(m, l), m.stream);
    const AttentionArgs aa = attention_args(m, l, plan);
    if (!plan.one_session || !launch_tuning().prefill_flash ||
        !attention_prefill(c.q, c.row_kv, n, c.attn, aa, m.stream))
        attention(c.q, c.row_kv, n, c.attn, aa, m.stream);
    to_f16(c.attn, int64_t(n) * QD, c.x16, m.stream);
    if (!gemm(m, L.wo, c.x16, n, c.x, E, nullptr, true, err)) return false;
    rms_norm_f16(c.x, L.ffn_norm, c.x16, n, E, s.rms_eps, m.stream);
    if (!gemm(m, L.gate, c.x16, n, c.gate, F, nullptr, false, err) ||
        !gemm(m, L.up, c.x16, n, c.up, F, nullptr, false, err))
        return false;
    swiglu_f16(c.gate, c.up, int64_t(n) * F, c.x16, m.stream);
    return gemm(m, L.down, c.x16, n, c.x, E, nullptr, true, err);
}

bool layer(DevModel& m, int64_t l, int n, const StepPlan& plan, std::string& err) {
    return n <= kMaxMatvecRows ? decode_layer(m, l, n, plan, err)
                               : prefill_layer(m, l, n, plan, err);
}

bool check(cudaError_t e, const char* what, std::string& err) {
    if (e == cudaSuccess) return true;
    err = std::string("CUDA error in ") + what + ": " + cudaGetErrorString(e);
    cudaGetLastError(); // clear a non-sticky error so the other sessions go on
    return false;
}

// Every kernel of the step after the uploads: the layers, then the output norm, and with
// `logits` (decode rows) the output product too, the norm fused into it.
bool launch_step(DevModel& m, int n, const StepPlan& plan, int out_mode, bool logits,
                 std::string& err) {
    const Shape& s = m.shape;
    Scratch& c = m.scratch;
    for (int64_t l = 0; l < m.n_gpu_layers; ++l)
        if (!layer(m, l, n, plan, err)) return false;
    if (out_mode == RWB_CUDA_OUT_HIDDEN) return true;
    const int first = out_mode == RWB_CUDA_OUT_LOGITS_ALL ? 0 : n - 1;
    const float* x = c.x + int64_t(first) * s.n_embd;
    if (logits) {
        const MatvecJob job{m.output, c.logits, s.n_vocab, nullptr, false};
        if (matvec_fused(&job, 1, false, x, n - first, s.n_embd, m.output_norm, s.rms_eps,
                         m.stream))
            return true;
    }
    rms_norm(x, m.output_norm, c.xn, n - first, s.n_embd, s.rms_eps, m.stream);
    if (logits)
        matvec(m.output, c.xn, n - first, s.n_embd, c.logits, s.n_vocab, nullptr, false, m.stream);
    return true;
}

// The decode step as a CUDA graph: ~350 small kernels per token for a 28-layer model cost more
// in launches than in memory traffic; replaying one graph removes the per-launch CPU overhead.
// Returns false (and nothing launched) when capture is not possible; the caller then launches.
bool graph_step(DevModel& m, int n, const StepPlan& plan, int out_mode) {
    if (!m.graphs_enabled || n > kMaxMatvecRows) return false;
    const int key = n * 2048 + plan.splits * 8 + (plan.own_caches ? 4 : 0) + out_mode;
    auto it = m.graphs.find(key);
    if (it == m.graphs.end()) {
        cudaGraph_t g = nullptr;
        if (cudaStreamBeginCapture(m.stream, cudaStreamCaptureModeThreadLocal) != cudaSuccess) {
            cudaGetLastError();
            m.graphs_enabled = false;
            return false;
        }
        std::string e;
        const bool ok = launch_step(m, n, plan, out_mode, true, e);
        const cudaError_t end = cudaStreamEndCapture(m.stream, &g);
        cudaGraphExec_t exec = nullptr;
        if (!ok || end != cudaSuccess || !g || cudaGraphInstantiate(&exec, g, 0) != cudaSuccess) {
            if (g) cudaGraphDestroy(g);
            cudaGetLastError();
            m.graphs_enabled = false; // launch directly from now on
            return false;
        }
        cudaGraphDestroy(g);
        it = m.graphs.emplace(key, exec).first;
    }
    return cudaGraphLaunch(it->second, m.stream) == cudaSuccess;
}

} // namespace

bool forward(DevModel& m, const RowKv* rows, int n, const float* x, float* out, int out_mode,
             std::string& err) {
    const Shape& s = m.shape;
    // The last row's logits copied to `out` on the device (sampling on the device), else as
    // RWB_CUDA_OUT_LOGITS_LAST.
    const bool on_device = out_mode == RWB_CUDA_OUT_LOGITS_DEVICE;
    if (on_device) out_mode = RWB_CUDA_OUT_LOGITS_LAST;
    // Every row's logits left in the model's logits buffer (a batched step that keeps them on
    // the device): the same kernels as LOGITS_ALL, without the download.
    const bool in_scratch = out_mode == kOutLogitsInScratch;
    if (in_scratch) {
        if (n > kLogitRowsPerStep) {
            err = "more rows than the logits buffer holds";
            return false;
        }
        out_mode = RWB_CUDA_OUT_LOGITS_ALL;
    }
    if (n <= 0) {
        err = "no rows";
        return false;
    }
    if (out_mode != RWB_CUDA_OUT_HIDDEN && !m.has_output) {
        err = "logits asked of a model whose output layer is not on the GPU";
        return false;
    }
    if (!m.ensure_scratch(n, err)) return false;
    Scratch& c = m.scratch;
    const int64_t E = s.n_embd, V = s.n_vocab;
    if (!check(cudaMemcpyAsync(c.x, x, size_t(n) * size_t(E) * 4, cudaMemcpyHostToDevice, m.stream),
               "upload", err) ||
        !check(cudaMemcpyAsync(c.row_kv, rows, size_t(n) * sizeof(RowKv), cudaMemcpyHostToDevice,
                               m.stream),
               "upload", err))
        return false;
    StepPlan plan;
    plan.splits = splits_for(rows, n);
    plan.own_caches = n <= kMaxMatvecRows; // only decode rows use it
    for (int i = 0; i < n && plan.own_caches; ++i)
        for (int j = 0; j < i; ++j)
            if (rows[i].k == rows[j].k) plan.own_caches = false;
    plan.one_session = true;
    for (int i = 1; i < n; ++i)
        plan.one_session &= rows[i].k == rows[0].k && rows[i].n_ctx == rows[0].n_ctx;
    const bool graphed =
        std::getenv("RWB_CUDA_NO_GRAPHS") == nullptr && graph_step(m, n, plan, out_mode);
    if (!graphed && !launch_step(m, n, plan, out_mode, false, err)) return false;

    size_t staged = 0; // logits bytes downloaded into m.host_logits
    if (out_mode == RWB_CUDA_OUT_HIDDEN) {
        if (!check(cudaMemcpyAsync(out, c.x, size_t(n) * size_t(E) * 4, cudaMemcpyDeviceToHost,
                                   m.stream),
                   "download", err))
            return false;
    } else {
        // The graph already computed the logits of its (at most kMaxMatvecRows) rows.
        const int first = out_mode == RWB_CUDA_OUT_LOGITS_ALL ? 0 : n - 1;
        for (int r0 = first; r0 < n; r0 += int(kLogitRowsPerStep)) {
            const int nr = std::min<int>(int(kLogitRowsPerStep), n - r0);
            if (!graphed && !matmul(m, m.output, c.xn + int64_t(r0 - first) * E, nr, E, c.logits, V,
                                    nullptr, false, err))
                return false;
            // A decode step's rows go through the page-locked buffer, copied out after the sync.
            const size_t bytes = size_t(nr) * size_t(V) * 4;
            if (in_scratch) continue;
            if (!on_device && n - first <= kMaxMatvecRows && m.pinned_logits()) staged = bytes;
            if (!check(cudaMemcpyAsync(
                           staged ? m.host_logits : out + int64_t(r0 - first) * V, c.logits, bytes,
                           on_device ? cudaMemcpyDeviceToDevice : cudaMemcpyDeviceToHost, m.stream),
                       "download", err))
                return false;
        }
    }
    if (!check(cudaStreamSynchronize(m.stream), "forward", err) ||
        !check(cudaGetLastError(), "forward", err))
        return false;
    if (staged) std::memcpy(out, m.host_logits, staged);
    return true;
}

} // namespace rwb::cuda
