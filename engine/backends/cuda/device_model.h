// The model as the CUDA module holds it: the first n_gpu_layers layers' weights in their file
// type in one device allocation (the output layer too when every layer is on the GPU), the
// activation buffers shared by the model's sessions (their evaluations are serialised by `mu`,
// one stream), and the cuBLAS handle of prefill. Sessions own only their KV caches.
#pragma once

#include "backends/cuda_host/cuda_abi.h"
#include "device_memory.h"
#include "kernels.h"

#include <cublas_v2.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace rwb::cuda {

struct DevLayer {
    const float *attn_norm = nullptr, *ffn_norm = nullptr;
    const float *bq = nullptr, *bk = nullptr, *bv = nullptr;
    DevMatrix wq, wk, wv, wo, gate, up, down;
};

struct Shape {
    int64_t n_embd = 0, n_layer = 0, n_head = 0, n_head_kv = 0, head_dim = 0, n_ff = 0;
    int64_t n_vocab = 0, n_rot = 0;
    float rms_eps = 1e-6f;
    int neox = 1;
    int64_t q_dim() const { return n_head * head_dim; }
    int64_t kv_dim() const { return n_head_kv * head_dim; }
};

// Activation buffers for up to `rows` rows at once.
struct Scratch {
    int64_t rows = 0;
    void* block = nullptr;
    uint64_t bytes = 0;
    float *x = nullptr, *xn = nullptr, *q = nullptr, *k = nullptr, *v = nullptr, *attn = nullptr;
    float *gate = nullptr, *up = nullptr, *logits = nullptr, *partial = nullptr;
    int* split_counters = nullptr; // attention's per-(row, head) split counters, kept at zero
    __half *x16 = nullptr, *w16 = nullptr;
    RowKv* row_kv = nullptr;
};

// Device buffers are carved at this alignment.
constexpr uint64_t kAlign = 256;
inline uint64_t align_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

// forward()'s out_mode for a batched decode step that keeps its rows' logits on the device: all
// rows' logits are left in Scratch::logits (out unused), for the caller to hand to each session.
// Not part of the ABI (the module's own value, next to RWB_CUDA_OUT_*).
constexpr int kOutLogitsInScratch = 100;

// Rows of logits computed per output step.
constexpr int64_t kLogitRowsPerStep = 64;

// The F16 tile a prefill GEMM dequantizes a quantized matrix into, rows x cols of it at once. A
// matrix of up to 16M values is one tile; larger ones go in tiles of about 8M values (16 MB), which
// are still in the 50-60 MB L2 when the GEMM reads them (7B Q4_K_M pp512: 5.4k -> 8.0k t/s).
// Splitting the smaller 1.5B matrices too made its GEMMs smaller and cost 16% there (27.4k ->
// 23.1k t/s), so they stay whole. Tall matrices go in bands of rows, a multiple of 128: bands of
// 2340 rows (8M / 3584) made cuBLAS pick a split-K kernel for 2-element alignment, 64% of a 7B
// Q8_0 prompt's kernel time (docs/cuda-runs/2026-11-29-1930-prof.txt). Wide ones (the 7B down
// product, 3584 x 18944) go in bands of columns (multiples of 256, whole K-quant super-blocks),
// accumulated, so each GEMM keeps the matrix's full height.
struct PrefillTile {
    int64_t rows, cols;
};
inline PrefillTile prefill_tile(int64_t rows, int64_t cols) {
    constexpr int64_t kWhole = 16ll << 20, kTile = 8ll << 20;
    if (rows * cols <= kWhole) return {rows, cols};
    if (rows >= cols)
        return {std::min(rows, std::max<int64_t>(128, (kTile / cols) & ~int64_t(127))), cols};
    return {rows, std::min(cols, std::max<int64_t>(256, (kTile / rows) & ~int64_t(255)))};
}

class DevModel {
public:
    ~DevModel();
    Shape shape;
    int n_gpu_layers = 0;
    bool has_output = false;
    std::vector<DevLayer> layers;
    const float* output_norm = nullptr;
    DevMatrix output;
    const double* inv_freq = nullptr;
    void* arena = nullptr;
    uint64_t arena_bytes = 0;
    int64_t w16_elems = 0; // F16 tile of the largest GEMM chunk (prefill_tile)
    cudaStream_t stream = nullptr;
    cublasHandle_t cublas = nullptr;
    std::mutex mu;
    Scratch scratch;
    // Decode steps (up to kMaxMatvecRows rows, no cuBLAS inside) replayed as CUDA graphs, keyed by
    // rows * 2048 + splits * 8 + own caches * 4 + out_mode. Positions and KV pointers are read from
    // device memory (Scratch::row_kv), so one graph serves every step; dropped when the buffers
    // move.
    std::map<int, cudaGraphExec_t> graphs;
    bool graphs_enabled = true;
    void drop_graphs();
    // Page-locked host buffer for a decode step's logits (kMaxMatvecRows rows), taken on first
    // use: the download from pageable memory went through the driver's staging at a fraction of
    // the bus speed. RWB_CUDA_PINNED=0 leaves it out (for A/B measurements).
    float* host_logits = nullptr;
    float* pinned_logits();

    // Bytes of activation buffers for `rows` rows.
    uint64_t scratch_bytes(int64_t rows) const;
    // Grows the shared buffers to `rows` rows (never shrinks). Caller holds mu.
    bool ensure_scratch(int64_t rows, std::string& err);
    // KV bytes of one session of n_ctx positions.
    uint64_t kv_bytes(int64_t n_ctx) const {
        return uint64_t(n_gpu_layers) * 2u * uint64_t(shape.kv_dim()) * uint64_t(n_ctx) * 2u;
    }
};

struct DevSession {
    DevModel* model = nullptr;
    __half* k = nullptr;
    __half* v = nullptr;
    int64_t n_ctx = 0;    // the session's context
    int64_t capacity = 0; // positions allocated now (the cache's stride, RowKv::n_ctx)
    int64_t max_batch = 0;
};

// Free device memory as the planner sees it: cudaMemGetInfo less a reserve for the CUDA context,
// cuBLAS workspaces and graphs (not ours to count), capped by what is left of the
// RWB_CUDA_VRAM_LIMIT_MIB budget (device_memory.h).
uint64_t usable_free_bytes();

// Creation from the C description (device_model.cu).
DevModel* create_model(const rwb_cuda_model_desc& d, rwb_cuda_progress_fn progress, void* user,
                       std::string& err);

// One evaluation of n rows (device_forward.cu). rows: each row's KV view (host array);
// x: [n][n_embd] host; out per out_mode (cuda_abi.h). Caller holds model.mu.
bool forward(DevModel& m, const RowKv* rows, int n, const float* x, float* out, int out_mode,
             std::string& err);

} // namespace rwb::cuda
