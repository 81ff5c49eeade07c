// The backend interface of the engine (engine-private). A Session evaluates tokens through one
// Executor: the CPU executor is the layer loop of runtime::Forward; the CUDA executor runs the
// first layers (or all of them) in the separately loaded CUDA module and hands the hidden state
// to the CPU loop for the rest. Sessions only see this interface, so a model can be placed on
// either backend, or split between them, without the session or the tools knowing.
#pragma once

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
};

} // namespace rwb::backend
