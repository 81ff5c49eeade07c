// Vocabulary: the tokenizer's data exactly as a GGUF file stores it (tokenizer.ggml.*), whatever
// it was loaded from. Loaders fill it (GGUF, tokenizer.json); Tokenizer::from_vocabulary builds
// the matching structures over it; write_vocabulary_gguf writes it back with llama.cpp's keys.
#pragma once

#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <string>
#include <vector>

namespace rwb {

struct Vocabulary {
    std::string model = "gpt2"; // tokenizer.ggml.model; only "gpt2" (byte-level BPE) is supported
    std::string pre;            // tokenizer.ggml.pre: "qwen2", "deepseek-r1-qwen", "llama-bpe"
    std::vector<std::string> tokens; // normal tokens byte-level encoded ("Ġthe"); others raw text
    std::vector<TokenType> types;    // one per token
    std::vector<std::string> merges; // "left right" in byte-level text, rank order
    TokenId bos = -1;
    TokenId eos = -1;
    TokenId pad = -1;
    bool add_bos = false;
    bool add_eos = false;
    // Derived from pre by the GGUF loader; taken from tokenizer.json by the JSON loader.
    bool ignore_merges = false; // a pre-token that is itself a token maps to it without merging
    bool nfc = false;           // NFC-normalize text (outside added tokens) before pre-tokenizing

    // Sets ignore_merges and nfc as the named pre-tokenizer's reference tokenizer does.
    void apply_pre_defaults();
    // Checks sizes and ids; a bad vocabulary gives a one-line message.
    Status validate() const;
};

// The pre-tokenizer names this build understands, for error messages: "qwen2, deepseek-r1-qwen,
// llama-bpe".
const char* supported_pre_tokenizers();
bool is_supported_pre_tokenizer(const std::string& pre);

} // namespace rwb
