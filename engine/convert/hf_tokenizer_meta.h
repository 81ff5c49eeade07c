// The tokenizer half of a conversion: the vocabulary from tokenizer.json + tokenizer_config.json
// (parsed by the tokenizer module), padded to the model's embedding rows the way llama.cpp's
// converter does ("[PAD<id>]" tokens of type unused), and the chat template.
#pragma once

#include "rwb/status.h"
#include "tokenizer/vocabulary.h"

#include <cstdint>
#include <string>

namespace rwb::convert {

struct HfTokenizerMeta {
    Vocabulary vocab;
    std::string chat_template; // empty if the folder has none
};

Result<HfTokenizerMeta> load_hf_tokenizer_meta(const std::string& hf_dir, int64_t n_vocab);

} // namespace rwb::convert
