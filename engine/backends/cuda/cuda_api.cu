// The module's C entry points (cuda_abi.h): thin wrappers that turn C handles into the module's
// classes, serialise each model's evaluations and turn failures into one-line messages.
//
// Memory of a session: its KV cache is taken as it fills (kKvFirstPositions, then doubling up to
// n_ctx), like the CPU cache whose pages are committed as positions are written, so sessions that
// use little of their context leave the rest to others. Running out of memory therefore happens
// in a step, never in the middle of one: the growth comes before anything is launched, takes the
// new block before letting the old one go, and on failure that session's step returns "out of GPU
// memory: ..." with its cache, the shared buffers and every other session as they were (the
// session can go on once memory is freed, or be cleared or destroyed).
#include "api_handles.h"
#include "backends/cuda_host/cuda_abi.h"
#include "device_model.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using rwb::cuda::DevModel;
using rwb::cuda::DevSession;
using rwb::cuda::put;

// Positions a new session's KV cache holds before it first grows.
constexpr int64_t kKvFirstPositions = 512;

// Makes s's KV cache hold at least `need` positions, keeping the first `keep` (those written).
// The K and V halves are each [layer][kv_head][capacity][head_dim], so the move is one 2-D copy
// per half. Caller holds the model's mu (the copy runs on its stream).
bool reserve_kv(DevSession& s, int64_t need, int64_t keep, std::string& err) {
    if (need <= s.capacity) return true;
    DevModel& m = *s.model;
    const int64_t cap =
        std::min(s.n_ctx, std::max({need, 2 * s.capacity, kKvFirstPositions, s.max_batch}));
    const uint64_t bytes = m.kv_bytes(cap);
    const std::string what = "the KV cache (" + std::to_string(cap) + " positions)";
    // Growth leaves the reserve to cuBLAS and graphs, as the planner and creation do.
    if (const uint64_t avail = rwb::cuda::usable_free_bytes(); bytes > avail) {
        err = rwb::cuda::out_of_memory(what, bytes, avail);
        return false;
    }
    void* block = nullptr;
    if (!rwb::cuda::dev_alloc(&block, bytes, what, err)) return false;
    auto* k = static_cast<__half*>(block);
    __half* v = k + bytes / 4; // bytes = K and V halves, 2 bytes each
    keep = std::min(keep, s.capacity);
    if (keep > 0) {
        const size_t row = size_t(m.shape.head_dim) * sizeof(__half);
        const size_t heads = size_t(m.n_gpu_layers) * size_t(m.shape.n_head_kv);
        const size_t dst_pitch = size_t(cap) * row, src_pitch = size_t(s.capacity) * row;
        cudaError_t e = cudaMemcpy2DAsync(k, dst_pitch, s.k, src_pitch, size_t(keep) * row, heads,
                                          cudaMemcpyDeviceToDevice, m.stream);
        if (e == cudaSuccess)
            e = cudaMemcpy2DAsync(v, dst_pitch, s.v, src_pitch, size_t(keep) * row, heads,
                                  cudaMemcpyDeviceToDevice, m.stream);
        if (e == cudaSuccess) e = cudaStreamSynchronize(m.stream);
        if (e != cudaSuccess) {
            cudaGetLastError();
            rwb::cuda::dev_free(block, bytes);
            err = std::string("cannot move the KV cache: ") + cudaGetErrorString(e);
            return false;
        }
    }
    rwb::cuda::dev_free(s.k, m.kv_bytes(s.capacity));
    s.k = k;
    s.v = v;
    s.capacity = cap;
    return true;
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
    DevModel& m = *model->m;
    std::lock_guard<std::mutex> lock(m.mu);
    if (n_ctx <= 0 || max_batch <= 0) {
        put(err, err_size, "bad context or batch size");
        return nullptr;
    }
    // A context that could not fit even now is refused at once; one that fits is taken as it
    // fills (reserve_kv).
    const uint64_t kv = m.kv_bytes(n_ctx);
    const uint64_t free_b = rwb::cuda::usable_free_bytes();
    if (kv > free_b) {
        const uint64_t per_token = m.kv_bytes(1);
        put(err, err_size,
            "the KV cache of " + std::to_string(n_ctx) + " tokens needs " + rwb::cuda::mib(kv) +
                " of GPU memory but " + rwb::cuda::mib(free_b) + " are free (" +
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
    if (!reserve_kv(s->s, 1, 0, e)) {
        put(err, err_size, e);
        delete s;
        return nullptr;
    }
    return s;
}

void rwb_cuda_session_destroy(rwb_cuda_session* session) {
    if (!session) return;
    if (session->s.k || session->smp.block) {
        // Under the lock: no step of another session is between launch and sync on the stream.
        std::lock_guard<std::mutex> lock(session->s.model->mu);
        if (session->s.k)
            rwb::cuda::dev_free(session->s.k, session->s.model->kv_bytes(session->s.capacity));
        rwb::cuda::free_sample_buffers(session->smp);
    }
    delete session;
}

int rwb_cuda_session_eval(rwb_cuda_session* session, const float* x, int64_t n, int64_t pos0,
                          float* out, int out_mode, char* err, int err_size) {
    DevSession& s = session->s;
    if (n <= 0 || pos0 < 0 || pos0 + n > s.n_ctx) {
        put(err, err_size, "context is full");
        return 1;
    }
    std::lock_guard<std::mutex> lock(s.model->mu);
    std::string e;
    rwb::cuda::SampleBuffers& smp = session->smp;
    if (out_mode == RWB_CUDA_OUT_LOGITS_DEVICE) {
        // Before anything runs: a session that cannot take the buffers is left as it was.
        if (!s.model->has_output) {
            put(err, err_size, "logits asked of a model whose output layer is not on the GPU");
            return 1;
        }
        if (!rwb::cuda::ensure_sample_buffers(*session, e)) {
            put(err, err_size, e);
            return 1;
        }
        out = smp.logits;
    }
    if (!reserve_kv(s, pos0 + n, pos0, e)) {
        put(err, err_size, e);
        return 1;
    }
    smp.ready = false; // whatever mode: the device row no longer follows the last token
    std::vector<rwb::cuda::RowKv> rows(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        rows[size_t(i)] = {s.k, s.v, int32_t(pos0 + i), int32_t(s.capacity)};
    if (!rwb::cuda::forward(*s.model, rows.data(), int(n), x, out, out_mode, e)) {
        put(err, err_size, e);
        return 1;
    }
    smp.ready = out_mode == RWB_CUDA_OUT_LOGITS_DEVICE;
    return 0;
}

int rwb_cuda_batch_decode(rwb_cuda_session* const* sessions, int count, const float* x,
                          const int64_t* pos, float* out, int out_mode, char* err, int err_size) {
    if (count <= 0) return 0;
    DevModel* m = sessions[0]->s.model;
    for (int i = 0; i < count; ++i) {
        const DevSession& s = sessions[i]->s;
        if (s.model != m) {
            put(err, err_size, "batched sessions must share one model");
            return 1;
        }
        if (pos[i] < 0 || pos[i] >= s.n_ctx) {
            put(err, err_size, "context is full");
            return 1;
        }
    }
    std::lock_guard<std::mutex> lock(m->mu);
    std::string e;
    const bool keep = out_mode == RWB_CUDA_OUT_LOGITS_DEVICE;
    if (keep && !m->has_output) {
        put(err, err_size, "logits asked of a model whose output layer is not on the GPU");
        return 1;
    }
    // A session whose cache cannot grow fails the whole step, named, before anything runs: the
    // caller (Session::append_batch) leaves every session unchanged, and can end that one and
    // go on batching the others. Caches grown for the others before it are kept (they fill).
    std::vector<rwb::cuda::RowKv> rows(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        DevSession& s = sessions[i]->s;
        if ((keep && !rwb::cuda::ensure_sample_buffers(*sessions[i], e)) ||
            !reserve_kv(s, pos[i] + 1, pos[i], e)) {
            put(err, err_size,
                "session " + std::to_string(i + 1) + " of " + std::to_string(count) + ": " + e);
            return 1;
        }
        rows[size_t(i)] = {s.k, s.v, int32_t(pos[i]), int32_t(s.capacity)};
        sessions[i]->smp.ready = false; // its device row no longer follows its last token
    }
    // The shared buffers grow to the whole batch where memory allows; where it does not, the
    // batch runs as several smaller ones within the rows they already have (at least every
    // session's own max_batch), which is slower but the same step: batching is only a speed-up.
    int chunk = count;
    if (!m->ensure_scratch(count, e)) chunk = int(std::max<int64_t>(1, m->scratch.rows));
    // LOGITS_ALL gives every row's logits: one per session. Kept on the device, they stay in the
    // model's logits buffer and go from there to each session's own row.
    const int mode = out_mode == RWB_CUDA_OUT_LOGITS_LAST ? RWB_CUDA_OUT_LOGITS_ALL
                     : keep                               ? rwb::cuda::kOutLogitsInScratch
                                                          : out_mode;
    const int64_t E = m->shape.n_embd, V = m->shape.n_vocab;
    const int64_t per_row = mode == RWB_CUDA_OUT_HIDDEN ? E : V;
    for (int i0 = 0; i0 < count; i0 += chunk) {
        const int nr = std::min(chunk, count - i0);
        if (!rwb::cuda::forward(*m, rows.data() + i0, nr, x + int64_t(i0) * E,
                                keep ? nullptr : out + int64_t(i0) * per_row, mode, e)) {
            put(err, err_size, e);
            return 1;
        }
        if (!keep) continue;
        for (int i = 0; i < nr; ++i)
            cudaMemcpyAsync(sessions[i0 + i]->smp.logits, m->scratch.logits + int64_t(i) * V,
                            size_t(V) * 4, cudaMemcpyDeviceToDevice, m->stream);
        const cudaError_t st = cudaStreamSynchronize(m->stream);
        if (st != cudaSuccess) {
            cudaGetLastError();
            put(err, err_size,
                std::string("CUDA error in batched logits: ") + cudaGetErrorString(st));
            return 1;
        }
        for (int i = 0; i < nr; ++i) sessions[i0 + i]->smp.ready = true;
    }
    return 0;
}

} // extern "C"
