// The handles behind the module's C entry points (cuda_abi.h), shared by cuda_api.cu (models,
// sessions, evaluation) and sample_api.cu (sampling on the device).
#pragma once

#include "backends/cuda_host/cuda_abi.h"
#include "device_model.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace rwb::cuda {

// Sampling on the device (sample_select.cu, sample_top_k.cu): the session's copy of its last row of
// logits and the selection's buffers, taken at the first RWB_CUDA_OUT_LOGITS_DEVICE evaluation (one
// block: the row, the header and candidates, the work area), and the pinned host copy of the
// result.
struct SampleBuffers {
    void* block = nullptr;
    uint64_t bytes = 0;
    float* logits = nullptr;
    SelectHeader* header = nullptr;
    SelectCandidate* cands = nullptr;
    SelectWork* work = nullptr;
    float* penalised = nullptr;     // the row after penalties
    int32_t* penalty_ids = nullptr; // RWB_CUDA_SELECT_MAX_PENALTY_IDS, then as many counts
    void* host = nullptr; // pinned: header + RWB_CUDA_SELECT_CAPACITY candidates, then the
                          // penalty ids and counts to upload
    uint8_t* host_upload = nullptr; // in host: the penalty ids and counts
    bool ready = false;             // logits holds the last evaluation's row
};

// Writes one line into a caller's error buffer (size bytes, always terminated).
inline void put(char* dst, int size, const std::string& text) {
    if (!dst || size <= 0) return;
    const size_t n = std::min(text.size(), size_t(size - 1));
    std::memcpy(dst, text.data(), n);
    dst[n] = '\0';
}

} // namespace rwb::cuda

struct rwb_cuda_model {
    rwb::cuda::DevModel* m;
};

struct rwb_cuda_session {
    rwb::cuda::DevSession s;
    rwb::cuda::SampleBuffers smp;
};

namespace rwb::cuda {

// Takes a session's sampling buffers at its first RWB_CUDA_OUT_LOGITS_DEVICE evaluation (once;
// "out of GPU memory: ... for sampling on the device" when they do not fit). Caller holds the
// model's mu.
bool ensure_sample_buffers(rwb_cuda_session& session, std::string& err);
// Frees them (caller holds the model's mu).
void free_sample_buffers(SampleBuffers& b);

} // namespace rwb::cuda
