// Placement planning and upload. Every byte the model will take on the device is counted before
// anything is allocated: weights (rows padded to 16 bytes), one session's KV cache of the planned
// context and the activation buffers of the planned batch. A request that does not fit fails with
// the numbers and the largest --gpu-layers that does; -1 takes that largest count.
#include "device_model.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace rwb::cuda {
namespace {

// Bytes held by the module's allocations, over every model and session of the process.
std::atomic<uint64_t> g_in_use{0};

// What the module's own buffers may take in all: the limit less the reserve; no limit: no cap.
uint64_t budget_bytes() {
    const char* lim = std::getenv("RWB_CUDA_VRAM_LIMIT_MIB");
    if (!lim || !*lim) return std::numeric_limits<uint64_t>::max();
    const uint64_t b = uint64_t(std::strtoull(lim, nullptr, 10)) << 20;
    return b > kReserveBytes ? b - kReserveBytes : 0;
}
uint64_t budget_left() {
    const uint64_t budget = budget_bytes(), used = g_in_use.load();
    return budget > used ? budget - used : 0;
}
uint64_t device_free_bytes() {
    size_t free_b = 0, total_b = 0;
    if (cudaMemGetInfo(&free_b, &total_b) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return free_b;
}

// Layout pass: offsets of every tensor in the arena (upload=false) or the copies (upload=true).
struct Builder {
    uint64_t offset = 0;
    uint8_t* base = nullptr;
    bool upload = false;
    uint64_t done = 0, total = 0;
    rwb_cuda_progress_fn progress = nullptr;
    void* user = nullptr;
    bool cancelled = false;
    std::string error;

    const float* vec(const float* host, int64_t n) {
        if (!host) return nullptr;
        const uint64_t off = offset;
        offset = align_up(offset + uint64_t(n) * 4, kAlign);
        if (!upload) return nullptr;
        copy(base + off, host, uint64_t(n) * 4, 1, uint64_t(n) * 4);
        return reinterpret_cast<const float*>(base + off);
    }
    DevMatrix mat(const rwb_cuda_matrix& m) {
        DevMatrix d;
        d.type = m.type;
        d.rows = m.rows;
        d.cols = m.cols;
        d.stride = int64_t(align_up(m.row_bytes, 16));
        const uint64_t off = offset;
        offset = align_up(offset + uint64_t(d.stride) * uint64_t(m.rows), kAlign);
        if (upload) {
            copy(base + off, m.data, m.row_bytes, uint64_t(m.rows), uint64_t(d.stride));
            d.data = base + off;
        }
        return d;
    }
    void copy(uint8_t* dst, const void* src, uint64_t row_bytes, uint64_t rows, uint64_t pitch) {
        if (cancelled || !error.empty()) return;
        // Row chunks of about 64 MiB so progress moves smoothly on big matrices.
        const uint64_t per =
            std::max<uint64_t>(1, (64ull << 20) / std::max<uint64_t>(row_bytes, 1));
        for (uint64_t r = 0; r < rows; r += per) {
            const uint64_t nr = std::min(per, rows - r);
            const auto* s = static_cast<const uint8_t*>(src) + r * row_bytes;
            cudaError_t e =
                pitch == row_bytes
                    ? cudaMemcpy(dst + r * pitch, s, nr * row_bytes, cudaMemcpyHostToDevice)
                    : cudaMemcpy2D(dst + r * pitch, pitch, s, row_bytes, row_bytes, nr,
                                   cudaMemcpyHostToDevice);
            if (e != cudaSuccess) {
                error = std::string("upload failed: ") + cudaGetErrorString(e);
                return;
            }
            done += nr * row_bytes;
            if (progress && progress(user, total ? double(done) / double(total) : 1.0)) {
                cancelled = true;
                return;
            }
        }
    }
};

uint64_t matrix_bytes(const rwb_cuda_matrix& m) {
    return align_up(align_up(m.row_bytes, 16) * uint64_t(m.rows), kAlign);
}
uint64_t vec_bytes(const float* p, int64_t n) {
    return p ? align_up(uint64_t(n) * 4, kAlign) : 0;
}
uint64_t layer_bytes(const rwb_cuda_model_desc& d, const rwb_cuda_layer& L) {
    const int64_t qd = d.n_head * d.head_dim, kd = d.n_head_kv * d.head_dim;
    return vec_bytes(L.attn_norm, d.n_embd) + vec_bytes(L.ffn_norm, d.n_embd) +
           vec_bytes(L.bq, qd) + vec_bytes(L.bk, kd) + vec_bytes(L.bv, kd) + matrix_bytes(L.wq) +
           matrix_bytes(L.wk) + matrix_bytes(L.wv) + matrix_bytes(L.wo) + matrix_bytes(L.gate) +
           matrix_bytes(L.up) + matrix_bytes(L.down);
}
uint64_t raw_bytes(const rwb_cuda_matrix& m) {
    return m.row_bytes * uint64_t(m.rows);
}

bool check_matrix(const rwb_cuda_matrix& m, const char* what, std::string& err) {
    if (!type_supported(m.type) || m.cols % 32 != 0 || !m.data) {
        err = std::string("tensor ") + what + " (type " + std::to_string(m.type) +
              ") is not supported by the CUDA kernels";
        return false;
    }
    return true;
}

} // namespace

std::string mib(uint64_t b) {
    return std::to_string((b + (1u << 20) - 1) >> 20) + " MiB";
}

uint64_t allocatable_bytes() {
    return std::min(device_free_bytes(), budget_left());
}

uint64_t usable_free_bytes() {
    const uint64_t f = device_free_bytes();
    return std::min(f > kReserveBytes ? f - kReserveBytes : 0, budget_left());
}

std::string out_of_memory(const std::string& what, uint64_t bytes, uint64_t free_bytes) {
    return "out of GPU memory: needed " + mib(bytes) + " for " + what + ", " + mib(free_bytes) +
           " free";
}

bool dev_alloc(void** ptr, uint64_t bytes, const std::string& what, std::string& err) {
    *ptr = nullptr;
    // Claim the bytes before allocating so that two threads cannot both pass the check.
    const uint64_t budget = budget_bytes();
    uint64_t used = g_in_use.load();
    do {
        if (bytes > budget || used > budget - bytes) {
            err = out_of_memory(what, bytes, allocatable_bytes());
            return false;
        }
    } while (!g_in_use.compare_exchange_weak(used, used + bytes));
    if (cudaError_t e = cudaMalloc(ptr, bytes); e != cudaSuccess) {
        cudaGetLastError(); // not sticky: cleared, so the next step of any session is not failed
        g_in_use -= bytes;
        *ptr = nullptr;
        err = e == cudaErrorMemoryAllocation
                  ? out_of_memory(what, bytes, allocatable_bytes())
                  : "cannot allocate " + mib(bytes) + " for " + what + ": " + cudaGetErrorString(e);
        return false;
    }
    return true;
}

void dev_free(void* ptr, uint64_t bytes) {
    if (!ptr) return;
    cudaFree(ptr);
    g_in_use -= bytes;
}

void DevModel::drop_graphs() {
    for (auto& [key, exec] : graphs) cudaGraphExecDestroy(exec);
    graphs.clear();
}

DevModel::~DevModel() {
    drop_graphs();
    if (host_logits) cudaFreeHost(host_logits);
    dev_free(scratch.block, scratch.bytes);
    dev_free(arena, arena_bytes);
    if (cublas) cublasDestroy(cublas);
    if (stream) cudaStreamDestroy(stream);
}

DevModel* create_model(const rwb_cuda_model_desc& d, rwb_cuda_progress_fn progress, void* user,
                       std::string& err) {
    if (d.head_dim % 32 != 0 || d.head_dim > 256 || (d.head_dim / 32) == 3 ||
        (d.head_dim / 32 > 4 && d.head_dim != 256)) {
        err = "head size " + std::to_string(d.head_dim) + " is not supported by the CUDA kernels";
        return nullptr;
    }
    for (int64_t l = 0; l < d.n_layer; ++l) {
        const rwb_cuda_layer& L = d.layers[l];
        const rwb_cuda_matrix* ms[] = {&L.wq, &L.wk, &L.wv, &L.wo, &L.gate, &L.up, &L.down};
        for (const auto* m : ms)
            if (!check_matrix(*m, ("of layer " + std::to_string(l)).c_str(), err)) return nullptr;
    }
    if (!check_matrix(d.output, "output.weight", err)) return nullptr;

    auto* m = new DevModel();
    Shape& s = m->shape;
    s.n_embd = d.n_embd, s.n_layer = d.n_layer, s.n_head = d.n_head, s.n_head_kv = d.n_head_kv;
    s.head_dim = d.head_dim, s.n_ff = d.n_ff, s.n_vocab = d.n_vocab, s.n_rot = d.n_rot;
    s.rms_eps = float(d.rms_eps);
    s.neox = d.rope_neox;
    // The largest F16 tile a prefill GEMM dequantizes at once.
    int64_t w16 = 0;
    auto tile = [&](const rwb_cuda_matrix& mm) {
        const PrefillTile t = prefill_tile(mm.rows, mm.cols);
        w16 = std::max(w16, t.rows * t.cols);
    };
    for (int64_t l = 0; l < d.n_layer; ++l) {
        const rwb_cuda_layer& L = d.layers[l];
        for (const auto* mm : {&L.wq, &L.wk, &L.wv, &L.wo, &L.gate, &L.up, &L.down}) tile(*mm);
    }
    tile(d.output);
    m->w16_elems = w16;

    // Plan: fixed part, then layers while they fit.
    const uint64_t free_b = usable_free_bytes();
    const uint64_t kv_layer =
        2ull * uint64_t(s.kv_dim()) * uint64_t(std::max<int64_t>(d.plan_n_ctx, 1)) * 2u;
    m->n_gpu_layers = int(d.n_layer);
    const uint64_t scratch = m->scratch_bytes(std::max<int64_t>(d.plan_max_batch, 1));
    const uint64_t fixed = align_up(uint64_t(d.n_rot / 2) * 8, kAlign) + scratch;
    const uint64_t out_b = vec_bytes(d.output_norm, d.n_embd) + matrix_bytes(d.output);
    auto need = [&](int64_t n) {
        uint64_t b = fixed;
        for (int64_t l = 0; l < n; ++l) b += layer_bytes(d, d.layers[l]) + kv_layer;
        if (n == d.n_layer) b += out_b;
        return b;
    };
    int64_t fits = 0;
    while (fits < d.n_layer && need(fits + 1) <= free_b) ++fits;
    int64_t n_gpu = d.n_gpu_layers < 0 ? fits : std::min<int64_t>(d.n_gpu_layers, d.n_layer);
    if (n_gpu > fits || n_gpu == 0) {
        err = "the model needs " + mib(need(std::max<int64_t>(n_gpu, 1))) + " of GPU memory for " +
              std::to_string(std::max<int64_t>(n_gpu, 1)) + " of " + std::to_string(d.n_layer) +
              " layers (with a " + std::to_string(d.plan_n_ctx) + "-token KV cache) but " +
              mib(free_b) + " are free; --gpu-layers " + std::to_string(fits) + " fits";
        delete m;
        return nullptr;
    }
    m->n_gpu_layers = int(n_gpu);
    m->has_output = n_gpu == d.n_layer;

    // Layout pass (sizes only), then one allocation, then the upload pass in the same order.
    Builder b;
    b.progress = progress;
    b.user = user;
    auto place = [&](Builder& bb) {
        m->layers.assign(size_t(n_gpu), DevLayer{});
        const int64_t qd = s.q_dim(), kd = s.kv_dim();
        for (int64_t l = 0; l < n_gpu; ++l) {
            const rwb_cuda_layer& L = d.layers[l];
            DevLayer& D = m->layers[size_t(l)];
            D.attn_norm = bb.vec(L.attn_norm, s.n_embd);
            D.ffn_norm = bb.vec(L.ffn_norm, s.n_embd);
            D.bq = bb.vec(L.bq, qd);
            D.bk = bb.vec(L.bk, kd);
            D.bv = bb.vec(L.bv, kd);
            D.wq = bb.mat(L.wq), D.wk = bb.mat(L.wk), D.wv = bb.mat(L.wv), D.wo = bb.mat(L.wo);
            D.gate = bb.mat(L.gate), D.up = bb.mat(L.up), D.down = bb.mat(L.down);
        }
        if (m->has_output) {
            m->output_norm = bb.vec(d.output_norm, s.n_embd);
            m->output = bb.mat(d.output);
        }
        // The rope frequencies, as doubles.
        const uint64_t off = bb.offset;
        bb.offset = align_up(bb.offset + uint64_t(d.n_rot / 2) * 8, kAlign);
        if (bb.upload) {
            bb.copy(bb.base + off, d.inv_freq, uint64_t(d.n_rot / 2) * 8, 1,
                    uint64_t(d.n_rot / 2) * 8);
            m->inv_freq = reinterpret_cast<const double*>(bb.base + off);
        }
    };
    place(b);
    m->arena_bytes = b.offset;
    for (int64_t l = 0; l < n_gpu; ++l) {
        const rwb_cuda_layer& L = d.layers[l];
        for (const auto* mm : {&L.wq, &L.wk, &L.wv, &L.wo, &L.gate, &L.up, &L.down})
            b.total += raw_bytes(*mm);
    }
    if (m->has_output) b.total += raw_bytes(d.output);
    if (!dev_alloc(&m->arena, m->arena_bytes, "the weights", err)) {
        delete m;
        return nullptr;
    }
    b.offset = 0;
    b.upload = true;
    b.base = static_cast<uint8_t*>(m->arena);
    place(b);
    if (b.cancelled || !b.error.empty()) {
        err = b.cancelled ? "cancelled" : b.error;
        delete m;
        return nullptr;
    }
    if (cudaStreamCreateWithFlags(&m->stream, cudaStreamNonBlocking) != cudaSuccess ||
        cublasCreate(&m->cublas) != CUBLAS_STATUS_SUCCESS ||
        cublasSetStream(m->cublas, m->stream) != CUBLAS_STATUS_SUCCESS) {
        err = "cannot create the CUDA stream or the cuBLAS handle";
        delete m;
        return nullptr;
    }
    matvec_prepare(); // before any decode step is captured as a graph
    // Not shared with anyone yet: no lock needed.
    if (!m->ensure_scratch(std::max<int64_t>(d.plan_max_batch, 1), err)) {
        delete m;
        return nullptr;
    }
    return m;
}

} // namespace rwb::cuda
