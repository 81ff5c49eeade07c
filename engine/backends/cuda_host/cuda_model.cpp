// Description of the model for the module (cuda_abi.h) and the upload call.
#include "backends/cuda_host/cuda_model.h"

#include <algorithm>
#include <cstring>
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

Status gpu_error(const char* err) {
    if (std::strstr(err, "out of GPU memory")) return Status::error(err);
    return Status::error(std::string("GPU: ") + err);
}

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
    m->n_embd_ = hp.n_embd;
    m->n_vocab_ = hp.n_vocab;
    CudaModel* self = m.get();
    m->batcher_ = std::make_unique<DecodeBatcher>(
        [self](std::span<const DecodeBatcher::Row> rows) { return self->decode_rows(rows); },
        DecodeBatcher::options_from_env());
    return R(std::move(m));
}

CudaModel::~CudaModel() {
    batcher_.reset(); // no caller is left: every executor holds the model
    if (handle_) module_.model_destroy(handle_);
}

Status CudaModel::decode_rows(std::span<const DecodeBatcher::Row> rows) {
    char err[512] = {0};
    if (rows.size() == 1) {
        const auto& r = rows[0];
        if (module_.session_eval(static_cast<rwb_cuda_session*>(r.user), r.x, 1, r.pos,
                                 r.keep ? nullptr : r.out,
                                 r.keep ? RWB_CUDA_OUT_LOGITS_DEVICE : RWB_CUDA_OUT_LOGITS_LAST,
                                 err, int(sizeof err)))
            return gpu_error(err);
        return Status::ok();
    }
    // Rows that sample on the device keep their logits there (each in its session's own row);
    // where some do and some do not, every row stays on the device and the others' rows are
    // downloaded from there.
    const bool any_keep =
        std::any_of(rows.begin(), rows.end(), [](const DecodeBatcher::Row& r) { return r.keep; });
    std::lock_guard lk(step_mu_);
    const size_t n = rows.size(), E = size_t(n_embd_), V = size_t(n_vocab_);
    // Kept between steps: fresh buffers of n * 600 KB each step cost more than the copies.
    step_x_.resize(n * E);
    step_out_.resize(n * V);
    step_pos_.resize(n);
    step_sessions_.resize(n);
    for (size_t i = 0; i < n; ++i) {
        std::copy(rows[i].x, rows[i].x + E, step_x_.begin() + std::ptrdiff_t(i * E));
        step_pos_[i] = rows[i].pos;
        step_sessions_[i] = static_cast<rwb_cuda_session*>(rows[i].user);
    }
    if (module_.batch_decode(
            step_sessions_.data(), int(n), step_x_.data(), step_pos_.data(), step_out_.data(),
            any_keep ? RWB_CUDA_OUT_LOGITS_DEVICE : RWB_CUDA_OUT_LOGITS_LAST, err, int(sizeof err)))
        // "session i of n: ..." stays as it is: the batcher fails only that row with the rest.
        return std::strncmp(err, "session ", 8) == 0 ? Status::error(err) : gpu_error(err);
    if (any_keep) {
        for (size_t i = 0; i < n; ++i)
            if (!rows[i].keep &&
                module_.session_logits(step_sessions_[i], rows[i].out, err, int(sizeof err)))
                return gpu_error(err);
        return Status::ok();
    }
    for (size_t i = 0; i < n; ++i)
        std::copy(step_out_.begin() + std::ptrdiff_t(i * V),
                  step_out_.begin() + std::ptrdiff_t((i + 1) * V), rows[i].out);
    return Status::ok();
}

} // namespace rwb::cuda_host
