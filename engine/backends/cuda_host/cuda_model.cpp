// Description of the model for the module (cuda_abi.h) and the upload call.
#include "backends/cuda_host/cuda_model.h"

#include <vector>

namespace rwb::cuda_host {
namespace {

rwb_cuda_matrix matrix(const cpu::WeightMatrix& w) {
    return rwb_cuda_matrix{uint32_t(w.type), w.data, w.rows, w.cols, uint64_t(w.row_bytes)};
}
const float* opt(const std::vector<float>& v) {
    return v.empty() ? nullptr : v.data();
}

int progress_trampoline(void* user, double fraction) {
    const auto* f = static_cast<const std::function<bool(double)>*>(user);
    return (*f && !(*f)(fraction)) ? 1 : 0;
}

} // namespace

Result<std::shared_ptr<CudaModel>> CudaModel::create(const CudaModule& module,
                                                     const model::ModelData& data, int gpu_layers,
                                                     int64_t plan_n_ctx, int64_t plan_max_batch,
                                                     const std::function<bool(double)>& progress) {
    using R = Result<std::shared_ptr<CudaModel>>;
    const auto& hp = data.hp;
    const auto& W = data.weights;
    std::vector<rwb_cuda_layer> layers(W.layers.size());
    for (size_t l = 0; l < layers.size(); ++l) {
        const auto& L = W.layers[l];
        rwb_cuda_layer& c = layers[l];
        c.attn_norm = L.attn_norm.data();
        c.ffn_norm = L.ffn_norm.data();
        c.bq = opt(L.bq);
        c.bk = opt(L.bk);
        c.bv = opt(L.bv);
        c.wq = matrix(L.wq);
        c.wk = matrix(L.wk);
        c.wv = matrix(L.wv);
        c.wo = matrix(L.wo);
        c.gate = matrix(L.ffn_gate);
        c.up = matrix(L.ffn_up);
        c.down = matrix(L.ffn_down);
    }
    rwb_cuda_model_desc d{};
    d.n_embd = hp.n_embd;
    d.n_layer = hp.n_layer;
    d.n_head = hp.n_head;
    d.n_head_kv = hp.n_head_kv;
    d.head_dim = hp.head_dim;
    d.n_ff = hp.n_ff;
    d.n_vocab = hp.n_vocab;
    d.n_rot = data.rope.n_rot;
    d.rms_eps = hp.rms_eps;
    d.rope_neox = data.rope.pairing == model::RopePairing::Neox ? 1 : 0;
    d.inv_freq = data.rope.inv_freq.data();
    d.layers = layers.data();
    d.output_norm = W.output_norm.data();
    d.output = matrix(W.output);
    d.n_gpu_layers = gpu_layers;
    d.plan_n_ctx = plan_n_ctx;
    d.plan_max_batch = plan_max_batch;

    std::shared_ptr<CudaModel> m(new CudaModel(module));
    char err[512] = {0};
    int placed = 0;
    uint64_t vram = 0;
    m->handle_ = module.model_create(&d, progress_trampoline,
                                     const_cast<std::function<bool(double)>*>(&progress), &placed,
                                     &vram, err, int(sizeof err));
    if (!m->handle_) return R::error(err[0] ? err : "CUDA upload failed");
    m->gpu_layers_ = placed;
    m->all_layers_ = placed == hp.n_layer;
    m->vram_bytes_ = vram;
    return R(std::move(m));
}

CudaModel::~CudaModel() {
    if (handle_) module_.model_destroy(handle_);
}

} // namespace rwb::cuda_host
