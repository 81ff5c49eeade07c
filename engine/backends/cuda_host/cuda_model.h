// A model's weights placed on the GPU through the CUDA module: builds the C description of the
// model from its weight tables (pointers into the mapped file, nothing copied on the host) and
// owns the module's model handle. Shared by every session of the model, whose single-token decode
// steps its DecodeBatcher gathers into batched steps (decode_batcher.h).
#pragma once

#include "backends/cuda_host/cuda_module.h"
#include "backends/cuda_host/decode_batcher.h"
#include "model/model_data.h"
#include "rwb/status.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace rwb::cuda_host {

class CudaModel {
public:
    // gpu_layers: -1 = as many as fit. plan_n_ctx / plan_max_batch: the session the placement
    // must leave room for. progress(fraction) returning false cancels.
    static Result<std::shared_ptr<CudaModel>> create(const CudaModule& module,
                                                     const model::ModelData& data, int gpu_layers,
                                                     int64_t plan_n_ctx, int64_t plan_max_batch,
                                                     const std::function<bool(double)>& progress);
    ~CudaModel();
    CudaModel(const CudaModel&) = delete;
    CudaModel& operator=(const CudaModel&) = delete;

    const CudaModule& module() const { return module_; }
    rwb_cuda_model* handle() const { return handle_; }
    int gpu_layers() const { return gpu_layers_; }
    bool all_layers() const { return all_layers_; }
    uint64_t vram_bytes() const { return vram_bytes_; }
    // Gathers the sessions' decode steps (all layers on the GPU); Row::user is the module session.
    DecodeBatcher& batcher() const { return *batcher_; }

private:
    explicit CudaModel(const CudaModule& m) : module_(m) {}
    // The batcher's step: one row through rwb_cuda_session_eval (as a lone session always ran),
    // several through rwb_cuda_batch_decode; logits of the last row into each row's out.
    Status decode_rows(std::span<const DecodeBatcher::Row> rows);
    const CudaModule& module_;
    rwb_cuda_model* handle_ = nullptr;
    int gpu_layers_ = 0;
    bool all_layers_ = false;
    uint64_t vram_bytes_ = 0;
    int64_t n_embd_ = 0, n_vocab_ = 0;
    std::mutex step_mu_; // guards the staging buffers (one step at a time)
    std::vector<float> step_x_, step_out_;
    std::vector<int64_t> step_pos_;
    std::vector<rwb_cuda_session*> step_sessions_;
    std::unique_ptr<DecodeBatcher> batcher_;
};

// A module error as the session reports it: "GPU: " says where, except on messages that say so
// themselves ("out of GPU memory: ...", possibly after "session N of M: ").
Status gpu_error(const char* err);

} // namespace rwb::cuda_host
