// Sampling on the device, the module's side (cuda_abi.h: RWB_CUDA_OUT_LOGITS_DEVICE,
// rwb_cuda_session_select, rwb_cuda_session_logits): each session's copy of its last row, the
// selection kernels of sample_select.cu on the model's stream, and one small download into pinned
// memory per selection.
#include "api_handles.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace rwb::cuda {
namespace {

uint64_t round_up(uint64_t v) {
    return (v + 255) / 256 * 256;
}

static_assert(RWB_CUDA_SELECT_MAX_TOP_K == kSelectMaxTopK, "one top-k limit");
static_assert(sizeof(rwb_cuda_candidate) == sizeof(SelectCandidate), "one layout");

// Nucleus candidates downloaded with the header; more (rare) take a second copy.
constexpr int kFirstCopyCandidates = 512;

bool copy_back(const void* src, void* dst, size_t bytes, cudaStream_t stream, std::string& err) {
    cudaError_t e = cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream);
    if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
    if (e == cudaSuccess) e = cudaGetLastError();
    if (e != cudaSuccess) {
        err = std::string("sampling on the device: ") + cudaGetErrorString(e);
        return false;
    }
    return true;
}

} // namespace

bool ensure_sample_buffers(rwb_cuda_session& session, std::string& err) {
    SampleBuffers& b = session.smp;
    if (b.block) return true;
    const uint64_t row = round_up(uint64_t(session.s.model->shape.n_vocab) * 4);
    const uint64_t out = round_up(sizeof(SelectHeader) +
                                  uint64_t(RWB_CUDA_SELECT_CAPACITY) * sizeof(SelectCandidate));
    const uint64_t work = round_up(sizeof(SelectWork));
    const uint64_t penalties = uint64_t(RWB_CUDA_SELECT_MAX_PENALTY_IDS) * 8;
    const uint64_t bytes = row + out + work + row + penalties;
    void* host = nullptr;
    if (cudaMallocHost(&host, out + penalties) != cudaSuccess) {
        cudaGetLastError();
        err = "cannot allocate pinned host memory for sampling on the device";
        return false;
    }
    void* block = nullptr;
    if (!dev_alloc(&block, bytes, "sampling on the device", err)) {
        cudaFreeHost(host);
        return false;
    }
    auto* base = static_cast<uint8_t*>(block);
    b.block = block;
    b.bytes = bytes;
    b.host = host;
    b.logits = reinterpret_cast<float*>(base);
    b.header = reinterpret_cast<SelectHeader*>(base + row);
    b.cands = reinterpret_cast<SelectCandidate*>(b.header + 1);
    b.work = reinterpret_cast<SelectWork*>(base + row + out);
    b.penalised = reinterpret_cast<float*>(base + row + out + work);
    b.penalty_ids = reinterpret_cast<int32_t*>(base + row + out + work + row);
    b.host_upload = static_cast<uint8_t*>(host) + out;
    return true;
}

void free_sample_buffers(SampleBuffers& b) {
    if (b.block) dev_free(b.block, b.bytes);
    if (b.host) cudaFreeHost(b.host);
    b = SampleBuffers{};
}

} // namespace rwb::cuda

using namespace rwb::cuda; // the C entry points below work on the module's types

extern "C" {

int rwb_cuda_session_select(rwb_cuda_session* session, const rwb_cuda_select_request* request,
                            rwb_cuda_candidate* out, int capacity, int* count, double* total,
                            float* max_logit, char* err, int err_size) {
    DevModel& m = *session->s.model;
    std::lock_guard<std::mutex> lock(m.mu);
    SampleBuffers& b = session->smp;
    if (!b.ready) {
        put(err, err_size, "no logits on the device");
        return 1;
    }
    const int64_t V = m.shape.n_vocab;
    const rwb_cuda_select_request& r = *request;
    const size_t head = sizeof(SelectHeader);
    auto* host_head = static_cast<SelectHeader*>(b.host);
    auto* host_cands = reinterpret_cast<SelectCandidate*>(host_head + 1);
    std::string e;
    // Checked before anything is queued (the pinned buffers are reused by the next call).
    const bool known = r.kind == RWB_CUDA_SELECT_ARGMAX || r.kind == RWB_CUDA_SELECT_TOP_K ||
                       r.kind == RWB_CUDA_SELECT_NUCLEUS;
    const int k_out = int(std::min<int64_t>(r.top_k, V));
    if (!known || capacity < 1 ||
        (r.kind == RWB_CUDA_SELECT_TOP_K &&
         (r.top_k <= 0 || r.top_k > RWB_CUDA_SELECT_MAX_TOP_K || capacity < k_out))) {
        put(err, err_size,
            "selection " + std::to_string(r.kind) + " (top-k " + std::to_string(r.top_k) +
                ", room for " + std::to_string(capacity) + ") cannot be made on the device");
        return 1;
    }
    // Penalties: ids and counts through the pinned buffer, applied to a copy of the row.
    const float* row = b.logits;
    if (r.penalty_count > 0) {
        if (r.penalty_count > RWB_CUDA_SELECT_MAX_PENALTY_IDS) {
            put(err, err_size, "too many penalised tokens for the device");
            return 1;
        }
        for (int i = 0; i < r.penalty_count; ++i)
            if (r.penalty_ids[i] < 0 || r.penalty_ids[i] >= V) {
                put(err, err_size, "penalised token outside the vocabulary");
                return 1;
            }
        const size_t n_bytes = size_t(r.penalty_count) * 4;
        std::memcpy(b.host_upload, r.penalty_ids, n_bytes);
        std::memcpy(b.host_upload + n_bytes, r.penalty_counts, n_bytes);
        if (cudaMemcpyAsync(b.penalty_ids, b.host_upload, 2 * n_bytes, cudaMemcpyHostToDevice,
                            m.stream) != cudaSuccess) {
            put(err, err_size,
                std::string("sampling on the device: ") + cudaGetErrorString(cudaGetLastError()));
            return 1;
        }
        apply_penalties(b.logits, b.penalised, V, b.penalty_ids,
                        reinterpret_cast<const float*>(b.penalty_ids + r.penalty_count),
                        r.penalty_count, r.repetition, r.presence, r.frequency, m.stream);
        row = b.penalised;
    }
    int n_out = 0;
    switch (r.kind) {
    case RWB_CUDA_SELECT_ARGMAX:
        select_argmax(row, V, b.header, m.stream);
        if (!copy_back(b.header, b.host, head, m.stream, e)) break;
        out[0] = {argmax_from_key(host_head->best_key), 0.0f};
        n_out = 1;
        break;
    case RWB_CUDA_SELECT_TOP_K: {
        select_top_k(row, V, r.inv_temperature, r.top_k, b.header, b.cands, b.work, m.stream);
        if (!copy_back(b.header, b.host, head + size_t(k_out) * sizeof(SelectCandidate), m.stream,
                       e))
            break;
        n_out = host_head->count;
        break;
    }
    case RWB_CUDA_SELECT_NUCLEUS: {
        const int cap = std::min(capacity, RWB_CUDA_SELECT_CAPACITY);
        select_nucleus(row, V, r.inv_temperature, r.top_p, r.min_p, cap, b.header, b.cands, b.work,
                       m.stream);
        const int first = std::min(cap, kFirstCopyCandidates);
        if (!copy_back(b.header, b.host, head + size_t(first) * sizeof(SelectCandidate), m.stream,
                       e))
            break;
        n_out = host_head->count;
        if (n_out > cap) {
            n_out = -1;
        } else if (n_out > first &&
                   !copy_back(b.cands + first, host_cands + first,
                              size_t(n_out - first) * sizeof(SelectCandidate), m.stream, e)) {
            break;
        }
        if (total) *total = host_head->total;
        if (max_logit) *max_logit = host_head->max_logit;
        break;
    }
    }
    if (!e.empty()) {
        put(err, err_size, e);
        return 1;
    }
    if (r.kind != RWB_CUDA_SELECT_ARGMAX)
        for (int i = 0; i < n_out; ++i) out[i] = {host_cands[i].id, host_cands[i].logit};
    *count = n_out;
    return 0;
}

int rwb_cuda_session_logits(rwb_cuda_session* session, float* out, char* err, int err_size) {
    DevModel& m = *session->s.model;
    std::lock_guard<std::mutex> lock(m.mu);
    if (!session->smp.ready) {
        put(err, err_size, "no logits on the device");
        return 1;
    }
    std::string e;
    if (!copy_back(session->smp.logits, out, size_t(m.shape.n_vocab) * 4, m.stream, e)) {
        put(err, err_size, e);
        return 1;
    }
    return 0;
}

} // extern "C"
