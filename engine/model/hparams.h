// Model hyperparameters read from a GGUF file's metadata (keys "<arch>.*"), never from tables
// keyed by model name: the same loader serves every size of a supported architecture.
#pragma once

#include "gguf/gguf_file.h"
#include "rwb/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rwb::model {

enum class Architecture { Qwen2, Llama };
enum class RopePairing { Normal, Neox }; // (x[2i], x[2i+1]) vs (x[i], x[i + d/2])

// Llama 3.1 style frequency scaling given as metadata (when no rope_freqs.weight tensor is
// present).
struct RopeScalingKeys {
    std::string type; // "", "none", "linear", "llama3"
    double factor = 1.0;
    double low_freq_factor = 1.0;
    double high_freq_factor = 4.0;
    double original_context = 8192.0;
};

struct HParams {
    Architecture arch = Architecture::Qwen2;
    std::string arch_name;
    int64_t n_vocab = 0;
    int64_t n_ctx_train = 0;
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_ff = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0; // n_embd / n_head unless attention.key_length says otherwise
    int64_t n_rot = 0;    // rope.dimension_count (defaults to head_dim)
    double rope_base = 10000.0;
    double rms_eps = 1e-6;
    RopePairing pairing = RopePairing::Neox;
    RopeScalingKeys rope_scaling;

    int64_t q_dim() const { return n_head * head_dim; }
    int64_t kv_dim() const { return n_head_kv * head_dim; }
};

// Reads and sanity-checks the hyperparameters (positive, consistent, not absurdly large).
// n_vocab_hint: rows of token_embd, used when "<arch>.vocab_size" is absent.
Result<HParams> read_hparams(const gguf::GgufFile& file, int64_t n_vocab_hint);

} // namespace rwb::model
