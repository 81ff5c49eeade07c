// The backend interface of the engine (engine-private). A Session evaluates tokens through one
// Executor: the CPU executor is the layer loop of runtime::Forward; the CUDA executor runs the
// first layers (or all of them) in the separately loaded CUDA module and hands the hidden state
// to the CPU loop for the rest. Sessions only see this interface, so a model can be placed on
// either backend, or split between them, without the session or the tools knowing.
#pragma once

#include "rwb/sampling.h"
#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace rwb::backend {

class Executor {
public:
    virtual ~Executor() = default;
    // Evaluates n (<= max_batch) tokens at positions pos0 .. pos0+n-1; logits: [n][n_vocab]
    // when all_rows, else [n_vocab] for the last row. "cancelled" when *cancel becomes true.
    virtual Status eval(const TokenId* tokens, int64_t n, int64_t pos0, float* logits,
                        bool all_rows, const std::atomic<bool>* cancel) = 0;
    virtual int64_t max_batch() const = 0;
    // "cpu", or "cuda" / "cuda+cpu" (partial offload).
    virtual std::string name() const = 0;
    // Per-op timings (RWB_PROFILE=1), "op: seconds" lines.
    virtual std::string profile_report() const = 0;
    // Host memory the executor allocated for its work (activations, scratch), counted from the
    // buffers themselves. Executors that do not count theirs report 0.
    virtual uint64_t buffer_bytes() const { return 0; }

    // Sampling on the device (optional; the CUDA executor with every layer on the GPU, unless
    // RWB_CUDA_DEVICE_SAMPLING=0): the generation loop then evaluates with eval_keep() and asks
    // select() for the reduced row instead of downloading it.
    virtual bool device_sampling() const { return false; }
    // Whether select() can serve reductions like `how` at all (else the generation downloads
    // every row and need not keep them on the device).
    virtual bool can_select(const Sampler::Reduction& how) const {
        (void)how;
        return false;
    }
    // eval() of the last row only, leaving its logits on the device where it can (*on_device
    // true: `logits` untouched; read them with select() or download_logits()), else in logits.
    virtual Status eval_keep(const TokenId* tokens, int64_t n, int64_t pos0, float* logits,
                             bool* on_device, const std::atomic<bool>* cancel) {
        *on_device = false;
        return eval(tokens, n, pos0, logits, false, cancel);
    }
    // The reduction `how` of the row eval_keep() left on the device, into out (*done true), or
    // *done false when it does not fit (too many candidates, a top-k too large): the caller then
    // samples from download_logits().
    virtual Status select(const Sampler::Reduction& how, Sampler::Reduced& out, bool* done) {
        (void)how;
        (void)out;
        *done = false;
        return Status::ok();
    }
    // The row eval_keep() left on the device: logits[n_vocab].
    virtual Status download_logits(float* logits) {
        (void)logits;
        return Status::error("no logits on the device");
    }
};

} // namespace rwb::backend
