// The module's C entry points (cuda_abi.h): thin wrappers that turn C handles into the module's
// classes, serialise each model's evaluations and turn failures into one-line messages.
#include "backends/cuda_host/cuda_abi.h"
#include "device_model.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

struct rwb_cuda_model {
    rwb::cuda::DevModel* m;
};
struct rwb_cuda_session {
    rwb::cuda::DevSession s;
};

namespace {

void put(char* dst, int size, const std::string& text) {
    if (!dst || size <= 0) return;
    const size_t n = std::min(text.size(), size_t(size - 1));
    std::memcpy(dst, text.data(), n);
    dst[n] = '\0';
}

std::string mib(uint64_t b) {
    return std::to_string((b + (1u << 20) - 1) >> 20) + " MiB";
}

} // namespace

extern "C" {

int rwb_cuda_abi_version(void) {
    return RWB_CUDA_ABI_VERSION;
}

int rwb_cuda_device_info(char* name, int name_size, uint64_t* free_bytes, uint64_t* total_bytes,
                         char* err, int err_size) {
    cudaDeviceProp p{};
    if (cudaError_t e = cudaGetDeviceProperties(&p, 0); e != cudaSuccess) {
        put(err, err_size, cudaGetErrorString(e));
        return 1;
    }
    size_t f = 0, t = 0;
    cudaMemGetInfo(&f, &t);
    put(name, name_size, p.name);
    if (free_bytes) *free_bytes = f;
    if (total_bytes) *total_bytes = t;
    return 0;
}

int rwb_cuda_device_memory(int device, char* name, int name_size, uint64_t* free_bytes,
                           uint64_t* total_bytes, char* err, int err_size) {
    cudaDeviceProp p{};
    if (cudaError_t e = cudaGetDeviceProperties(&p, device); e != cudaSuccess) {
        put(err, err_size, cudaGetErrorString(e));
        return 1;
    }
    int previous = 0;
    if (cudaError_t e = cudaGetDevice(&previous); e != cudaSuccess) {
        put(err, err_size, cudaGetErrorString(e));
        return 1;
    }
    size_t f = 0, t = 0;
    cudaError_t e = cudaSetDevice(device);
    if (e == cudaSuccess) e = cudaMemGetInfo(&f, &t); // per current device
    cudaSetDevice(previous);
    if (e != cudaSuccess) {
        put(err, err_size, cudaGetErrorString(e));
        return 1;
    }
    put(name, name_size, p.name);
    if (free_bytes) *free_bytes = f;
    if (total_bytes) *total_bytes = t;
    return 0;
}

rwb_cuda_model* rwb_cuda_model_create(const rwb_cuda_model_desc* desc,
                                      rwb_cuda_progress_fn progress, void* user,
                                      int* out_gpu_layers, uint64_t* out_vram_bytes, char* err,
                                      int err_size) {
    std::string e;
    rwb::cuda::DevModel* m = rwb::cuda::create_model(*desc, progress, user, e);
    if (!m) {
        put(err, err_size, e);
        return nullptr;
    }
    if (out_gpu_layers) *out_gpu_layers = m->n_gpu_layers;
    if (out_vram_bytes) *out_vram_bytes = m->arena_bytes + m->scratch.bytes;
    return new rwb_cuda_model{m};
}

void rwb_cuda_model_destroy(rwb_cuda_model* model) {
    if (!model) return;
    delete model->m;
    delete model;
}

rwb_cuda_session* rwb_cuda_session_create(rwb_cuda_model* model, int64_t n_ctx, int64_t max_batch,
                                          char* err, int err_size) {
    rwb::cuda::DevModel& m = *model->m;
    std::lock_guard<std::mutex> lock(m.mu);
    const uint64_t kv = m.kv_bytes(n_ctx);
    const uint64_t free_b = rwb::cuda::usable_free_bytes();
    if (kv > free_b) {
        const uint64_t per_token = m.kv_bytes(1);
        put(err, err_size,
            "the KV cache of " + std::to_string(n_ctx) + " tokens needs " + mib(kv) +
                " of GPU memory but " + mib(free_b) + " are free (" +
                std::to_string(per_token ? free_b / per_token : 0) + " tokens fit)");
        return nullptr;
    }
    std::string e;
    if (!m.ensure_scratch(max_batch, e)) {
        put(err, err_size, e);
        return nullptr;
    }
    auto* s = new rwb_cuda_session{};
    s->s.model = &m;
    s->s.n_ctx = n_ctx;
    s->s.max_batch = max_batch;
    if (kv > 0) {
        void* block = nullptr;
        if (cudaError_t ce = cudaMalloc(&block, kv); ce != cudaSuccess) {
            cudaGetLastError();
            put(err, err_size,
                "cannot allocate the " + mib(kv) +
                    " KV cache on the GPU: " + cudaGetErrorString(ce));
            delete s;
            return nullptr;
        }
        s->s.k = static_cast<__half*>(block);
        s->s.v = s->s.k + kv / 4; // kv bytes = K and V halves, 2 bytes each
    }
    return s;
}

void rwb_cuda_session_destroy(rwb_cuda_session* session) {
    if (!session) return;
    if (session->s.k) {
        std::lock_guard<std::mutex> lock(session->s.model->mu);
        cudaFree(session->s.k);
    }
    delete session;
}

int rwb_cuda_session_eval(rwb_cuda_session* session, const float* x, int64_t n, int64_t pos0,
                          float* out, int out_mode, char* err, int err_size) {
    rwb::cuda::DevSession& s = session->s;
    if (n <= 0 || pos0 < 0 || pos0 + n > s.n_ctx) {
        put(err, err_size, "context is full");
        return 1;
    }
    std::vector<rwb::cuda::RowKv> rows(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        rows[size_t(i)] = {s.k, s.v, int32_t(pos0 + i), int32_t(s.n_ctx)};
    std::lock_guard<std::mutex> lock(s.model->mu);
    std::string e;
    if (!rwb::cuda::forward(*s.model, rows.data(), int(n), x, out, out_mode, e)) {
        put(err, err_size, e);
        return 1;
    }
    return 0;
}

int rwb_cuda_batch_decode(rwb_cuda_session* const* sessions, int count, const float* x,
                          const int64_t* pos, float* out, int out_mode, char* err, int err_size) {
    if (count <= 0) return 0;
    rwb::cuda::DevModel* m = sessions[0]->s.model;
    std::vector<rwb::cuda::RowKv> rows(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        const rwb::cuda::DevSession& s = sessions[i]->s;
        if (s.model != m) {
            put(err, err_size, "batched sessions must share one model");
            return 1;
        }
        if (pos[i] < 0 || pos[i] >= s.n_ctx) {
            put(err, err_size, "context is full");
            return 1;
        }
        rows[size_t(i)] = {s.k, s.v, int32_t(pos[i]), int32_t(s.n_ctx)};
    }
    std::lock_guard<std::mutex> lock(m->mu);
    std::string e;
    // LOGITS_ALL gives every row's logits: one per session.
    const int mode = out_mode == RWB_CUDA_OUT_LOGITS_LAST ? RWB_CUDA_OUT_LOGITS_ALL : out_mode;
    if (!rwb::cuda::forward(*m, rows.data(), count, x, out, mode, e)) {
        put(err, err_size, e);
        return 1;
    }
    return 0;
}

} // extern "C"
