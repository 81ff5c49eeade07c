// A model's weights placed on the GPU through the CUDA module: builds the C description of the
// model from its weight tables (pointers into the mapped file, nothing copied on the host) and
// owns the module's model handle. Shared by every session of the model.
#pragma once

#include "backends/cuda_host/cuda_module.h"
#include "model/model_data.h"
#include "rwb/status.h"

#include <functional>
#include <memory>

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

private:
    explicit CudaModel(const CudaModule& m) : module_(m) {}
    const CudaModule& module_;
    rwb_cuda_model* handle_ = nullptr;
    int gpu_layers_ = 0;
    bool all_layers_ = false;
    uint64_t vram_bytes_ = 0;
};

} // namespace rwb::cuda_host
