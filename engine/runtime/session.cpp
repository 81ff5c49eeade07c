// Session: KV cache ownership, prefix reuse and batched evaluation.
#include "rwb/session.h"

#include "backends/cpu/thread_pool.h"
#include "backends/cuda_host/cuda_executor.h"
#include "model/model_data.h"
#include "runtime/forward.h"
#include "runtime/kv_cache.h"

#include <algorithm>

namespace rwb {

std::string_view stop_reason_name(StopReason r) {
    switch (r) {
    case StopReason::EndOfGeneration:
        return "end of generation";
    case StopReason::MaxTokens:
        return "token limit";
    case StopReason::ContextFull:
        return "context full";
    case StopReason::Callback:
        return "stopped by caller";
    case StopReason::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

Session::Session(std::shared_ptr<const Model> model, const SessionOptions& options)
    : model_(std::move(model)), options_(options) {}

Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::create(std::shared_ptr<const Model> model,
                                                 const SessionOptions& options) {
    using R = Result<std::unique_ptr<Session>>;
    if (!model) return R::error("no model");
    const auto& hp = model->data().hp;
    if (options.n_ctx <= 0) return R::error("context size must be positive");
    if (options.n_ctx > hp.n_ctx_train)
        return R::error("context of " + std::to_string(options.n_ctx) +
                        " tokens is longer than the model allows (" +
                        std::to_string(hp.n_ctx_train) + ")");
    if (options.n_threads < 0 || options.n_threads > 1024)
        return R::error("bad thread count " + std::to_string(options.n_threads));
    if (options.n_batch <= 0) return R::error("batch size must be positive");

    std::unique_ptr<Session> s(new Session(std::move(model), options));
    s->options_.n_batch = std::min(options.n_batch, options.n_ctx);
    s->kv_ = std::make_unique<runtime::KvCache>(options.kv_type, hp.n_layer, hp.n_head_kv,
                                                options.n_ctx, hp.head_dim);
    if (!s->kv_->allocated())
        return R::error("cannot allocate the KV cache (" +
                        std::to_string(s->kv_->total_bytes() >> 20) + " MiB) for " +
                        std::to_string(options.n_ctx) + " tokens of context");
    s->pool_ = std::make_unique<cpu::ThreadPool>(options.n_threads);
    const auto& data = s->model_->data();
    if (data.cuda && options.backend != Backend::Cpu) {
        auto e = cuda_host::CudaExecutor::create(data, data.cuda, *s->kv_, *s->pool_, options.n_ctx,
                                                 s->options_.n_batch);
        if (!e) return e.status();
        s->executor_ = std::move(*e);
    } else {
        s->executor_ =
            std::make_unique<runtime::Forward>(data, *s->kv_, *s->pool_, s->options_.n_batch);
    }
    s->logits_.resize(size_t(hp.n_vocab));
    s->tokens_.reserve(size_t(options.n_ctx));
    return R(std::move(s));
}

std::span<const float> Session::logits() const {
    if (!has_logits_) return {};
    if (logits_on_device_) {
        if (!executor_->download_logits(logits_.data())) return {};
        logits_on_device_ = false;
    }
    return logits_;
}

void Session::clear() {
    tokens_.clear();
    has_logits_ = false;
    logits_on_device_ = false;
}

Status Session::evaluate_keep(TokenId id) {
    has_logits_ = false;
    logits_on_device_ = false;
    bool on_device = false;
    RWB_RETURN_IF_ERROR(
        executor_->eval_keep(&id, 1, n_past(), logits_.data(), &on_device, &cancel_));
    tokens_.push_back(id);
    has_logits_ = true;
    logits_on_device_ = on_device;
    return Status::ok();
}

Status Session::sample_next(Sampler& sampler, GenerationStats& stats, TokenId* id, bool* declined) {
    *declined = false;
    if (has_logits_ && logits_on_device_) {
        if (const auto how = sampler.reduction()) {
            Sampler::Reduced reduced;
            bool done = false;
            RWB_RETURN_IF_ERROR(executor_->select(*how, reduced, &done));
            // sample_reduced refuses (-1) without drawing: the whole row below gives the same.
            if (done)
                if (const TokenId t = sampler.sample_reduced(reduced); t >= 0) {
                    ++stats.device_sampled_tokens;
                    *id = t;
                    return Status::ok();
                }
        }
        *declined = true;
    }
    const auto row = logits();
    if (row.empty()) return Status::error("the logits could not be read from the device");
    *id = sampler.sample(row);
    return Status::ok();
}

Status Session::evaluate(std::span<const TokenId> tail, std::vector<float>* all_logits) {
    const int64_t vocab = model_->data().hp.n_vocab;
    if (all_logits) all_logits->assign(tail.size() * size_t(vocab), 0.0f);
    size_t done = 0;
    while (done < tail.size()) {
        const int64_t n = std::min<int64_t>(options_.n_batch, int64_t(tail.size() - done));
        float* dst = all_logits ? all_logits->data() + done * size_t(vocab) : logits_.data();
        has_logits_ = false;
        logits_on_device_ = false;
        Status s =
            executor_->eval(tail.data() + done, n, n_past(), dst, all_logits != nullptr, &cancel_);
        if (!s) return s;
        tokens_.insert(tokens_.end(), tail.begin() + std::ptrdiff_t(done),
                       tail.begin() + std::ptrdiff_t(done + size_t(n)));
        done += size_t(n);
        if (all_logits) std::copy(dst + (n - 1) * vocab, dst + n * vocab, logits_.begin());
        has_logits_ = true;
    }
    return Status::ok();
}

Status Session::prefill(std::span<const TokenId> tokens, std::vector<float>* all_logits) {
    cancel_.store(false, std::memory_order_relaxed);
    if (tokens.empty()) return Status::error("no tokens to evaluate");
    if (int64_t(tokens.size()) > options_.n_ctx)
        return Status::error("prompt of " + std::to_string(tokens.size()) +
                             " tokens is longer than the context (" +
                             std::to_string(options_.n_ctx) + " tokens)");
    size_t common = 0;
    const size_t limit = std::min(tokens.size(), tokens_.size());
    while (common < limit && tokens[common] == tokens_[common]) ++common;
    // Everything cached: evaluate the last token again so its logits are current (its K/V are
    // rewritten with the same values).
    if (common == tokens.size()) --common;
    tokens_.resize(common);
    return evaluate(tokens.subspan(common), all_logits);
}

Status Session::append(std::span<const TokenId> tokens) {
    cancel_.store(false, std::memory_order_relaxed);
    if (tokens.empty()) return Status::ok();
    if (n_past() + int64_t(tokens.size()) > options_.n_ctx)
        return Status::error("context is full (" + std::to_string(options_.n_ctx) + " tokens)");
    return evaluate(tokens, nullptr);
}

SessionMemory Session::memory() const {
    SessionMemory m;
    m.kv_bytes = kv_->total_bytes();
    m.kv_resident_bytes = kv_->resident_bytes();
    m.buffer_bytes = executor_->buffer_bytes() + pool_->scratch_bytes() +
                     logits_.capacity() * sizeof(float) + tokens_.capacity() * sizeof(TokenId);
    return m;
}

uint64_t Session::memory_bytes() const {
    const SessionMemory m = memory();
    return m.kv_bytes + m.buffer_bytes;
}

uint64_t Session::resident_bytes() const {
    const SessionMemory m = memory();
    return m.kv_resident_bytes + m.buffer_bytes;
}

std::string Session::profile_report() const {
    return executor_->profile_report();
}

std::string Session::backend_name() const {
    return executor_->name();
}

Status Session::append_batch(std::span<Session* const> sessions, std::span<const TokenId> tokens) {
    if (sessions.size() != tokens.size()) return Status::error("one token per session");
    if (sessions.empty()) return Status::ok();
    std::vector<cuda_host::CudaExecutor*> gpu;
    for (size_t i = 0; i < sessions.size(); ++i) {
        Session* s = sessions[i];
        s->cancel_.store(false, std::memory_order_relaxed);
        if (s->n_past() + 1 > s->options_.n_ctx)
            return Status::error("session " + std::to_string(i + 1) + " of " +
                                 std::to_string(sessions.size()) + ": context is full (" +
                                 std::to_string(s->options_.n_ctx) + " tokens)");
        auto* e = dynamic_cast<cuda_host::CudaExecutor*>(s->executor_.get());
        if (e && e->gpu().all_layers() && (gpu.empty() || &e->gpu() == &gpu[0]->gpu()))
            gpu.push_back(e);
    }
    if (gpu.size() != sessions.size() || sessions.size() == 1) {
        for (size_t i = 0; i < sessions.size(); ++i)
            if (Status st = sessions[i]->append(tokens.subspan(i, 1)); !st)
                return sessions.size() == 1
                           ? st
                           : st.with_context("session " + std::to_string(i + 1) + " of " +
                                             std::to_string(sessions.size()));
        return Status::ok();
    }
    const int64_t vocab = sessions[0]->model_->data().hp.n_vocab;
    std::vector<int64_t> pos(sessions.size());
    for (size_t i = 0; i < sessions.size(); ++i) pos[i] = sessions[i]->n_past();
    // Kept between steps: a fresh 608 KB per session each step (zeroed, new pages) cost more
    // than the copy itself.
    static thread_local std::vector<float> logits;
    logits.resize(sessions.size() * size_t(vocab));
    RWB_RETURN_IF_ERROR(cuda_host::CudaExecutor::decode_batch(
        gpu.data(), int(gpu.size()), tokens.data(), pos.data(), logits.data()));
    for (size_t i = 0; i < sessions.size(); ++i) {
        Session* s = sessions[i];
        s->tokens_.push_back(tokens[i]);
        s->logits_on_device_ = false;
        std::copy(logits.begin() + std::ptrdiff_t(i * size_t(vocab)),
                  logits.begin() + std::ptrdiff_t((i + 1) * size_t(vocab)), s->logits_.begin());
        s->has_logits_ = true;
    }
    return Status::ok();
}

} // namespace rwb
