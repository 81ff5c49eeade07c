// Rotary position embedding: the per-pair angular frequencies of a model, from rope.freq_base,
// the optional Llama 3.1 divisors (rope_freqs.weight, or computed from rope.scaling.* keys) and
// linear scaling. theta(p, i) = p * inv_freq[i]; pairs are (x[2i], x[2i+1]) for "normal" rope
// (llama) and (x[i], x[i + n_rot/2]) for NEOX rope (qwen2).
#pragma once

#include "model/hparams.h"

#include <vector>

namespace rwb::model {

struct RopeTable {
    RopePairing pairing = RopePairing::Neox;
    int64_t n_rot = 0;
    std::vector<double> inv_freq; // [n_rot / 2]
};

// rope_freqs: the rope_freqs.weight divisors (may be empty).
RopeTable make_rope_table(const HParams& hp, const std::vector<float>& rope_freqs);

// Llama 3.1 divisors from the scaling keys (factor, low/high freq factor, original context).
std::vector<float> llama3_rope_divisors(const HParams& hp);

} // namespace rwb::model
