// Vocabulary <-> GGUF metadata with llama.cpp's keys (tokenizer.ggml.*), so vocabularies we write
// load in llama.cpp and theirs load here.
#pragma once

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "tokenizer/vocabulary.h"

namespace rwb {

// Reads tokenizer.ggml.{model, pre, tokens, token_type, merges, bos/eos/padding_token_id,
// add_bos_token, add_eos_token}; ignore_merges and NFC follow from the pre-tokenizer name.
Result<Vocabulary> read_vocabulary_gguf(const gguf::GgufFile& file);

// Adds the same keys to w (token types as int32: 1 normal, 3 control, 4 user-defined, 5 unused).
void write_vocabulary_gguf(gguf::GgufWriter& w, const Vocabulary& v);

} // namespace rwb
