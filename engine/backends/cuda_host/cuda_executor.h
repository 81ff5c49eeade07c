// The CUDA side of the backend interface: embeddings are looked up on the CPU (one row per
// token, no need to upload the table), the GPU runs its layers (and the output when it holds
// them all), and with a partial offload the hidden state goes on through the CPU layer loop.
// Single-token decode steps of sessions sharing the model are batched across them
// (CudaModel::batcher, decode_batcher.h).
#pragma once

#include "backends/backend.h"
#include "backends/cuda_host/cuda_model.h"
#include "runtime/forward.h"

#include <memory>
#include <vector>

namespace rwb::cuda_host {

class CudaExecutor : public backend::Executor {
public:
    // cpu_cache / pool: for the layers left on the CPU (unused when all are on the GPU).
    static Result<std::unique_ptr<CudaExecutor>>
    create(const model::ModelData& m, std::shared_ptr<CudaModel> gpu, runtime::KvCache& cpu_cache,
           cpu::ThreadPool& pool, int64_t n_ctx, int64_t max_batch);
    ~CudaExecutor() override;

    Status eval(const TokenId* tokens, int64_t n, int64_t pos0, float* logits, bool all_rows,
                const std::atomic<bool>* cancel) override;
    int64_t max_batch() const override { return max_batch_; }
    std::string name() const override { return gpu_->all_layers() ? "cuda" : "cuda+cpu"; }
    std::string profile_report() const override;
    // Sampling on the device: all layers on the GPU and RWB_CUDA_DEVICE_SAMPLING not "0".
    bool device_sampling() const override;
    bool can_select(const Sampler::Reduction& how) const override;
    Status eval_keep(const TokenId* tokens, int64_t n, int64_t pos0, float* logits, bool* on_device,
                     const std::atomic<bool>* cancel) override;
    Status select(const Sampler::Reduction& how, Sampler::Reduced& out, bool* done) override;
    Status download_logits(float* logits) override;

    // One token for each of several sessions of one model, decoded in one step (weights read
    // once). Every executor must be all-GPU on the same CudaModel; logits: [count][n_vocab].
    static Status decode_batch(CudaExecutor* const* executors, int count, const TokenId* tokens,
                               const int64_t* pos, float* logits);
    const CudaModel& gpu() const { return *gpu_; }

private:
    CudaExecutor(const model::ModelData& m, std::shared_ptr<CudaModel> gpu, int64_t max_batch);
    Status embed(const TokenId* tokens, int64_t n, float* x) const;

    const model::ModelData& m_;
    std::shared_ptr<CudaModel> gpu_;
    rwb_cuda_session* session_ = nullptr;
    uint64_t peer_ = 0; // in gpu_->batcher() (all layers on the GPU, batching on); 0: none
    std::unique_ptr<runtime::Forward> cpu_; // layers gpu_layers .. n_layer-1
    int64_t max_batch_;
    int64_t n_ctx_ = 0;
    std::vector<float> x_;                     // [max_batch][n_embd] embeddings / hidden state
    std::vector<rwb_cuda_candidate> selected_; // select()'s result, RWB_CUDA_SELECT_CAPACITY
    bool no_room_to_sample_ = false;           // the module could not take the sampling buffers
};

} // namespace rwb::cuda_host
