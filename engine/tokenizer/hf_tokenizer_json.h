// Reads a Hugging Face tokenizer.json (+ optional tokenizer_config.json) of a byte-level BPE into
// a Vocabulary with llama.cpp's conventions (token types, "a b" merges, pre-tokenizer name), so
// that it encodes the same as the GGUF that llama.cpp's converter would make from it.
#pragma once

#include "rwb/status.h"
#include "tokenizer/vocabulary.h"

#include <string>
#include <string_view>

namespace rwb {

// config_path may be empty.
Result<Vocabulary> load_hf_vocabulary(const std::string& tokenizer_json_path,
                                      const std::string& tokenizer_config_path);
// The same from file contents; config_json may be empty.
Result<Vocabulary> parse_hf_vocabulary(std::string_view tokenizer_json,
                                       std::string_view config_json);

} // namespace rwb
