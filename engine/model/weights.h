// The weight tables of a decoder-only transformer (qwen2 / llama), pointing into the mapped GGUF
// file. 2-D matrices stay in their file type (the kernels multiply them as they are); the small
// 1-D tensors (norms, biases, rope factors) are converted to float once at load.
// Shapes below are given as GGUF orders them: ne = [columns (inner), rows].
#pragma once

#include "backends/cpu/cpu_matmul.h"
#include "gguf/gguf_file.h"
#include "model/hparams.h"
#include "rwb/status.h"

#include <vector>

namespace rwb::model {

struct LayerWeights {
    std::vector<float> attn_norm;  // [n_embd]
    cpu::WeightMatrix wq;          // [n_embd, n_head * head_dim]
    cpu::WeightMatrix wk;          // [n_embd, n_head_kv * head_dim]
    cpu::WeightMatrix wv;          // [n_embd, n_head_kv * head_dim]
    std::vector<float> bq, bk, bv; // [q_dim], [kv_dim], [kv_dim]: qwen2 only (empty otherwise)
    cpu::WeightMatrix wo;          // [n_head * head_dim, n_embd]
    std::vector<float> ffn_norm;   // [n_embd]
    cpu::WeightMatrix ffn_gate;    // [n_embd, n_ff]
    cpu::WeightMatrix ffn_up;      // [n_embd, n_ff]
    cpu::WeightMatrix ffn_down;    // [n_ff, n_embd]
};

struct ModelWeights {
    cpu::WeightMatrix token_embd;     // [n_embd, n_vocab]
    std::vector<LayerWeights> layers; // n_layer
    std::vector<float> output_norm;   // [n_embd]
    cpu::WeightMatrix output;         // [n_embd, n_vocab]; token_embd when output.weight is absent
    bool tied_output = false;
    std::vector<float> rope_freqs; // [n_rot / 2] frequency divisors; empty if the file has none
};

// Finds every tensor the architecture needs, checks its shape and type; a missing tensor, a
// wrong shape or an unsupported type gives one line naming the tensor.
Result<ModelWeights> load_weights(const gguf::GgufFile& file, const HParams& hp);

} // namespace rwb::model
