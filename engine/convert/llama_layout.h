// The two Llama-specific facts of the GGUF format that a converter must reproduce:
//  - Q/K row order: Hugging Face's Llama applies RoPE with rotate_half (pairs (i, i + d/2) within a
//    head) while llama.cpp's "normal" RoPE for arch llama rotates adjacent pairs (2i, 2i + 1); GGUF
//    llama files therefore store attn_q / attn_k with each head's rows reordered so that row
//    2i + j of a head holds the Hugging Face row j * d/2 + i.
//  - Llama 3.1 rope scaling is stored as rope_freqs.weight: one divisor per frequency pair.
#pragma once

#include "convert/hf_config.h"

#include <cstdint>
#include <vector>

namespace rwb::convert {

// Source (Hugging Face) row of GGUF row `row` of a Q or K projection with `n_head` heads of
// `head_dim` rows each.
int64_t llama_qk_source_row(int64_t row, int64_t head_dim);

// head_dim / 2 frequency divisors for Llama 3.1 rope scaling, in float32 arithmetic in the order
// llama.cpp's converter evaluates them.
std::vector<float> llama3_rope_freq_factors(const Llama3RopeScaling& s, double rope_theta,
                                            int64_t head_dim);

} // namespace rwb::convert
