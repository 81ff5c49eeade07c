// Session: one conversation's state on a shared Model: its own KV cache (F16 by default, sized
// from the chosen context), thread pool and buffers. Feed tokens (prefilled in batches), read the
// logits, or generate with a sampler, the R1 reasoning splitter and a thinking budget, one
// callback per token. Reuses the cached prefix when a conversation continues. cancel() may be
// called from any thread at any moment. Not itself thread-safe otherwise: one thread drives it.
// After create() the per-token path allocates nothing in the forward pass.
#pragma once

#include "rwb/model.h"
#include "rwb/reasoning.h"
#include "rwb/sampling.h"
#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace rwb {

namespace runtime {
class KvCache;
} // namespace runtime
namespace backend {
class Executor;
}
namespace cpu {
class ThreadPool;
}

enum class KvCacheType { F16, F32 };

struct SessionOptions {
    int64_t n_ctx = 4096;  // tokens of context; must not exceed the model's context_length
    int n_threads = 0;     // 0: the machine's physical cores
    int64_t n_batch = 256; // tokens per prefill step (matrix products with M = n_batch)
    KvCacheType kv_type = KvCacheType::F16; // F32 doubles the cache, for exactness checks
    // Auto: where the model's layers are (ModelOptions::backend). Cpu: this session runs on the
    // CPU even when the model is also on the GPU. Cuda: as Auto.
    Backend backend = Backend::Auto;
};

enum class StopReason { EndOfGeneration, MaxTokens, ContextFull, Callback, Cancelled };
std::string_view stop_reason_name(StopReason r);

struct GenerationParams {
    SamplerParams sampler = SamplerParams::r1_default();
    int64_t max_tokens = -1;      // -1: until the context is full
    int32_t thinking_budget = 0;  // 0: unlimited; else "</think>" is forced after N thought tokens
    bool start_in_thought = true; // the prompt ended with "<think>\n" (R1 template)
    bool split_reasoning = true;  // run the reasoning splitter (chunks in GeneratedToken)
    // "</think>" and "<think>" ids; -1: looked up in the model's vocabulary (no budget if absent).
    TokenId think_close = -1;
    TokenId think_open = -1;
};

// What the callback sees for each generated token.
struct GeneratedToken {
    TokenId id = -1;
    int64_t index = 0;     // 0 for the first generated token
    bool forced = false;   // inserted by the thinking budget, not sampled
    bool thinking = false; // counted as a thought token
    std::string_view text; // complete UTF-8 text this token finished (may be empty)
    std::span<const ReasoningChunk> chunks; // the splitter's output for this token
};

struct GenerationStats {
    int64_t prompt_tokens = 0; // tokens of the prompt
    int64_t reused_tokens = 0; // of which came from the cache (not evaluated again)
    int64_t generated_tokens = 0;
    int64_t thinking_tokens = 0;
    int64_t answer_tokens = 0;
    double prompt_seconds = 0; // prefill of the new prompt tokens
    double generation_seconds = 0;
    bool forced_think_close = false;
    StopReason stop = StopReason::EndOfGeneration;
    // Tokens sampled from a row reduced on the GPU (sampling on the device, docs/cuda.md), whose
    // logits were therefore not downloaded.
    int64_t device_sampled_tokens = 0;
};

// What a session's own buffers take (the model's weights are the Model's), counted from the
// allocations themselves.
struct SessionMemory {
    uint64_t kv_bytes = 0; // the KV cache reserved for n_ctx tokens
    // Of the KV cache, the bytes on pages in RAM now (mincore): the reservation's pages are
    // committed only as positions are written, so this grows with the tokens cached.
    uint64_t kv_resident_bytes = 0;
    // Activations, attention and matrix-product scratch, logits and the token list (written
    // when allocated or on the first evaluation, so resident once the session has run).
    uint64_t buffer_bytes = 0;
};

// Returns false to stop generating.
using TokenCallback = std::function<bool(const GeneratedToken&)>;

class Session {
public:
    static Result<std::unique_ptr<Session>> create(std::shared_ptr<const Model> model,
                                                   const SessionOptions& options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Makes the cache hold exactly `tokens`: the prefix shared with the cached tokens is kept,
    // the rest dropped and the new tail evaluated in batches. Afterwards logits() is the
    // prediction after the last token. With all_logits, fills it with [n_evaluated][n_vocab]
    // for the tokens that were evaluated (all of them on a fresh session).
    Status prefill(std::span<const TokenId> tokens, std::vector<float>* all_logits = nullptr);
    // Appends tokens after the cached ones (same as prefill(cached + tokens)).
    Status append(std::span<const TokenId> tokens);
    // Forgets everything cached.
    void clear();

    // Prefill `prompt` (reusing the cache) then sample until an end-of-generation token,
    // max_tokens, a full context, the callback returning false, or cancel().
    Result<GenerationStats> generate(std::span<const TokenId> prompt,
                                     const GenerationParams& params, const TokenCallback& on_token);

    // Logits after the last evaluated token ([n_vocab]); empty before any evaluation. After
    // generate() sampled on the device the row is downloaded here, on the first call (empty if
    // that fails); like every other member, not to be called while the session runs.
    std::span<const float> logits() const;
    const std::vector<TokenId>& tokens() const { return tokens_; }
    int64_t n_past() const { return int64_t(tokens_.size()); }
    int64_t n_ctx() const { return options_.n_ctx; }
    const Model& model() const { return *model_; }

    // Thread-safe: stops prefill/generation at the next layer or token boundary (the call then
    // reports "cancelled"). Cleared when the next prefill/append/generate starts.
    void cancel() { cancel_.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return cancel_.load(std::memory_order_relaxed); }

    // This session's memory now. Call from the thread that drives the session (a token
    // callback is fine): no allocation, one page-table walk over the KV cache.
    SessionMemory memory() const;
    // kv_bytes + buffer_bytes: what this session allocated.
    uint64_t memory_bytes() const;
    // kv_resident_bytes + buffer_bytes: what it takes in RAM now.
    uint64_t resident_bytes() const;

    // Per-op timings (seconds) collected when RWB_PROFILE=1, as "op: seconds" lines.
    std::string profile_report() const;
    // "cpu", "cuda" or "cuda+cpu".
    std::string backend_name() const;

    // Appends one token to each session (tokens[i] to sessions[i]). Sessions of one model whose
    // layers are all on the GPU decode in one step (the weights are read once for all of them);
    // otherwise each appends in turn. A failure names the session ("session 2 of 3: out of GPU
    // memory: ...") so the caller can end that one and go on with the others. In one GPU step
    // every session is unchanged on failure; appending in turn, those before it have appended.
    static Status append_batch(std::span<Session* const> sessions, std::span<const TokenId> tokens);

private:
    Session(std::shared_ptr<const Model> model, const SessionOptions& options);
    Status evaluate(std::span<const TokenId> tokens, std::vector<float>* all_logits);
    // One token, its logits left on the device where the executor can (generate()).
    Status evaluate_keep(TokenId id);
    // The next token from the last logits: from the device's reduction where it suffices
    // (*declined: the row was on the device but the reduction did not serve; it was downloaded).
    Status sample_next(Sampler& sampler, GenerationStats& stats, TokenId* id, bool* declined);

    std::shared_ptr<const Model> model_;
    SessionOptions options_;
    std::unique_ptr<cpu::ThreadPool> pool_;
    std::unique_ptr<runtime::KvCache> kv_;
    std::unique_ptr<backend::Executor> executor_;
    std::vector<TokenId> tokens_;
    mutable std::vector<float> logits_;
    bool has_logits_ = false;
    mutable bool logits_on_device_ = false; // logits_ not downloaded yet (evaluate_keep)
    std::atomic<bool> cancel_{false};
};

} // namespace rwb
