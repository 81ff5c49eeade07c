// The tokenizer of a synthesized model: a byte-level BPE vocabulary of the model's exact size
// (256 byte tokens, printable-ASCII pair merges, padding) with the DeepSeek-R1 special tokens at
// the ids the real distills use (or at the top of a smaller custom vocabulary), so `rwb run` and
// `rwb tokenize` work on random-weight models.
#pragma once

#include "quant/synth_shape.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rwb::quant {

struct SynthVocab {
    std::string pre; // tokenizer.ggml.pre: "deepseek-r1-qwen" or "llama-bpe"
    std::vector<std::string> tokens;
    std::vector<int32_t>
        types; // llama.cpp token types: 1 normal, 3 control, 4 user-defined, 5 unused
    std::vector<std::string> merges;
    int64_t bos = -1, eos = -1, pad = -1;
    int64_t user = -1, assistant = -1, think = -1, end_think = -1;
};

SynthVocab make_synth_vocab(const SynthShape& shape);

} // namespace rwb::quant
