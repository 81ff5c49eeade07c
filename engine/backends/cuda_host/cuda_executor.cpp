// CudaExecutor: CPU embedding -> GPU layers -> (CPU layers) -> logits.
#include "backends/cuda_host/cuda_executor.h"

#include <cstdlib>
#include <cstring>

namespace rwb::cuda_host {

CudaExecutor::CudaExecutor(const model::ModelData& m, std::shared_ptr<CudaModel> gpu,
                           int64_t max_batch)
    : m_(m), gpu_(std::move(gpu)), max_batch_(max_batch) {}

CudaExecutor::~CudaExecutor() {
    if (peer_) gpu_->batcher().leave(peer_);
    if (session_) gpu_->module().session_destroy(session_);
}

Result<std::unique_ptr<CudaExecutor>> CudaExecutor::create(const model::ModelData& m,
                                                           std::shared_ptr<CudaModel> gpu,
                                                           runtime::KvCache& cpu_cache,
                                                           cpu::ThreadPool& pool, int64_t n_ctx,
                                                           int64_t max_batch) {
    using R = Result<std::unique_ptr<CudaExecutor>>;
    std::unique_ptr<CudaExecutor> e(new CudaExecutor(m, std::move(gpu), max_batch));
    char err[512] = {0};
    e->session_ =
        e->gpu_->module().session_create(e->gpu_->handle(), n_ctx, max_batch, err, int(sizeof err));
    if (!e->session_) return R::error(err[0] ? err : "cannot create the CUDA session");
    if (!e->gpu_->all_layers())
        e->cpu_ = std::make_unique<runtime::Forward>(m, cpu_cache, pool, max_batch);
    else if (e->gpu_->batcher().enabled())
        e->peer_ = e->gpu_->batcher().join();
    e->n_ctx_ = n_ctx;
    e->x_.resize(size_t(max_batch) * size_t(m.hp.n_embd));
    return R(std::move(e));
}

Status CudaExecutor::embed(const TokenId* tokens, int64_t n, float* x) const {
    const auto& hp = m_.hp;
    for (int64_t i = 0; i < n; ++i) {
        if (tokens[i] < 0 || tokens[i] >= hp.n_vocab)
            return Status::error("token id " + std::to_string(tokens[i]) +
                                 " is outside the vocabulary (0.." +
                                 std::to_string(hp.n_vocab - 1) + ")");
        RWB_RETURN_IF_ERROR(
            cpu::dequantize_row(m_.weights.token_embd, tokens[i], x + i * hp.n_embd));
    }
    return Status::ok();
}

Status CudaExecutor::eval(const TokenId* tokens, int64_t n, int64_t pos0, float* logits,
                          bool all_rows, const std::atomic<bool>* cancel) {
    if (n <= 0 || n > max_batch_) return Status::error("bad batch size");
    if (cancel && cancel->load(std::memory_order_relaxed)) return Status::error("cancelled");
    RWB_RETURN_IF_ERROR(embed(tokens, n, x_.data()));
    char err[512] = {0};
    const CudaModule& mod = gpu_->module();
    if (gpu_->all_layers()) {
        // A decode step: batched with the other sessions of this model that decode now.
        if (peer_ && n == 1 && !all_rows) {
            // Checked here: the module would fail the whole batched step without naming the row.
            if (pos0 < 0 || pos0 >= n_ctx_) return Status::error("context is full");
            return gpu_->batcher().decode(
                DecodeBatcher::Row{peer_, x_.data(), pos0, logits, session_}, cancel);
        }
        if (peer_) gpu_->batcher().idle(peer_); // a prefill: nobody waits for this session
        const int mode = all_rows ? RWB_CUDA_OUT_LOGITS_ALL : RWB_CUDA_OUT_LOGITS_LAST;
        if (mod.session_eval(session_, x_.data(), n, pos0, logits, mode, err, int(sizeof err)))
            return gpu_error(err);
        return Status::ok();
    }
    if (mod.session_eval(session_, x_.data(), n, pos0, x_.data(), RWB_CUDA_OUT_HIDDEN, err,
                         int(sizeof err)))
        return gpu_error(err);
    return cpu_->eval_hidden(x_.data(), n, pos0, gpu_->gpu_layers(), logits, all_rows, cancel);
}

bool CudaExecutor::device_sampling() const {
    const char* env = std::getenv("RWB_CUDA_DEVICE_SAMPLING");
    return gpu_->all_layers() && !no_room_to_sample_ && !(env && std::strcmp(env, "0") == 0);
}

bool CudaExecutor::can_select(const Sampler::Reduction& how) const {
    return how.kind != Sampler::Reduction::Kind::TopK || how.top_k <= RWB_CUDA_SELECT_MAX_TOP_K;
}

Status CudaExecutor::eval_keep(const TokenId* tokens, int64_t n, int64_t pos0, float* logits,
                               bool* on_device, const std::atomic<bool>* cancel) {
    *on_device = false;
    if (!device_sampling()) return eval(tokens, n, pos0, logits, false, cancel);
    if (n <= 0 || n > max_batch_) return Status::error("bad batch size");
    if (cancel && cancel->load(std::memory_order_relaxed)) return Status::error("cancelled");
    RWB_RETURN_IF_ERROR(embed(tokens, n, x_.data()));
    // A decode step joins the other sessions' of the model (the batcher), its row kept on the
    // device like theirs.
    if (peer_ && n == 1) {
        if (pos0 < 0 || pos0 >= n_ctx_) return Status::error("context is full");
        DecodeBatcher::Row row{peer_, x_.data(), pos0, nullptr, session_};
        row.keep = true;
        Status st = gpu_->batcher().decode(row, cancel);
        // No memory for the sampling buffers (taken at the first such step, before anything
        // runs): this session samples on the CPU from now on rather than failing.
        if (!st && st.message().find("sampling on the device") != std::string::npos) {
            no_room_to_sample_ = true;
            return eval(tokens, n, pos0, logits, false, cancel);
        }
        if (st) *on_device = true;
        return st;
    }
    char err[512] = {0};
    if (gpu_->module().session_eval(session_, x_.data(), n, pos0, nullptr,
                                    RWB_CUDA_OUT_LOGITS_DEVICE, err, int(sizeof err))) {
        // No memory for the sampling buffers (taken at the first such step, before anything
        // runs): this session samples on the CPU from now on rather than failing.
        if (std::strstr(err, "sampling on the device")) {
            no_room_to_sample_ = true;
            return eval(tokens, n, pos0, logits, false, cancel);
        }
        return gpu_error(err);
    }
    *on_device = true;
    return Status::ok();
}

Status CudaExecutor::select(const Sampler::Reduction& how, Sampler::Reduced& out, bool* done) {
    *done = false;
    rwb_cuda_select_request r{};
    switch (how.kind) {
    case Sampler::Reduction::Kind::Argmax:
        r.kind = RWB_CUDA_SELECT_ARGMAX;
        break;
    case Sampler::Reduction::Kind::TopK:
        if (how.top_k > RWB_CUDA_SELECT_MAX_TOP_K) return Status::ok(); // the whole row
        r.kind = RWB_CUDA_SELECT_TOP_K;
        break;
    case Sampler::Reduction::Kind::Nucleus:
        r.kind = RWB_CUDA_SELECT_NUCLEUS;
        break;
    }
    r.top_k = how.top_k;
    r.inv_temperature = 1.0f / how.temperature; // as the CPU stages compute it
    r.top_p = how.top_p;
    r.min_p = how.min_p;
    if (how.penalty_ids.size() > RWB_CUDA_SELECT_MAX_PENALTY_IDS) return Status::ok(); // whole row
    r.penalty_count = int(how.penalty_ids.size());
    r.penalty_ids = how.penalty_ids.data();
    r.penalty_counts = how.penalty_counts.data();
    r.repetition = how.repetition;
    r.presence = how.presence;
    r.frequency = how.frequency;
    selected_.resize(RWB_CUDA_SELECT_CAPACITY);
    int count = 0;
    double total = 0.0;
    float max_logit = 0.0f;
    char err[512] = {0};
    if (gpu_->module().session_select(session_, &r, selected_.data(), int(selected_.size()), &count,
                                      &total, &max_logit, err, int(sizeof err)))
        return gpu_error(err);
    if (count < 0) return Status::ok(); // more candidates than fit: the whole row
    out.candidates.clear();
    if (how.kind == Sampler::Reduction::Kind::Argmax) {
        out.argmax = selected_[0].id;
    } else {
        out.candidates.reserve(size_t(count));
        for (int i = 0; i < count; ++i)
            out.candidates.push_back({selected_[size_t(i)].id, selected_[size_t(i)].logit, 0.0f});
        out.total = total;
        out.max_logit = max_logit;
    }
    *done = true;
    return Status::ok();
}

Status CudaExecutor::download_logits(float* logits) {
    char err[512] = {0};
    if (gpu_->module().session_logits(session_, logits, err, int(sizeof err)))
        return gpu_error(err);
    return Status::ok();
}

std::string CudaExecutor::profile_report() const {
    return cpu_ ? cpu_->profile_report() : std::string();
}

Status CudaExecutor::decode_batch(CudaExecutor* const* executors, int count, const TokenId* tokens,
                                  const int64_t* pos, float* logits) {
    if (count <= 0) return Status::ok();
    const CudaModel& gpu = *executors[0]->gpu_;
    if (!gpu.all_layers()) return Status::error("batched decode needs every layer on the GPU");
    std::vector<rwb_cuda_session*> sessions(static_cast<size_t>(count));
    const int64_t E = executors[0]->m_.hp.n_embd;
    std::vector<float> x(size_t(count) * size_t(E));
    for (int i = 0; i < count; ++i) {
        if (executors[i]->gpu_.get() != &gpu)
            return Status::error("batched sessions must share one model");
        sessions[size_t(i)] = executors[i]->session_;
        RWB_RETURN_IF_ERROR(executors[i]->embed(tokens + i, 1, x.data() + i * E));
    }
    char err[512] = {0};
    if (gpu.module().batch_decode(sessions.data(), count, x.data(), pos, logits,
                                  RWB_CUDA_OUT_LOGITS_LAST, err, int(sizeof err)))
        return gpu_error(err);
    return Status::ok();
}

} // namespace rwb::cuda_host
