// Tokenizer: the byte-level BPE of the R1 distills (GGUF tokenizer.ggml.model = "gpt2") with the
// Qwen2 ("qwen2", "deepseek-r1-qwen") and Llama 3 ("llama-bpe") pre-tokenizers, loaded from a GGUF
// file or a Hugging Face tokenizer.json. Encoding matches the Hugging Face tokenizers; decoding
// gives raw bytes per token (a token may hold half a UTF-8 character), which Utf8StreamDecoder
// turns into valid UTF-8 text as tokens arrive.
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rwb {

using TokenId = int32_t;

// llama.cpp's token types as stored in tokenizer.ggml.token_type.
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

struct Vocabulary; // the loaded vocabulary data (engine-private: tokenizer/vocabulary.h)

// Immutable and cheap to copy (shared state); safe to use from several threads at once.
class Tokenizer {
public:
    // A GGUF model or vocabulary-only GGUF file.
    static Result<Tokenizer> load_gguf(const std::string& path);
    // A Hugging Face tokenizer.json, optionally with tokenizer_config.json (add_bos_token, the
    // bos/eos/pad token names); config_path may be empty.
    static Result<Tokenizer> load_hf(const std::string& tokenizer_json_path,
                                     const std::string& tokenizer_config_path = "");
    // Builds the tokenizer over an already filled vocabulary (used by loaders and tests).
    static Result<Tokenizer> from_vocabulary(Vocabulary vocab);

    // Text to ids; nothing (no BOS) is added. With parse_special, the text of special/added tokens
    // is matched before BPE (longest first); without it, only added tokens that are not control
    // tokens are matched (as the reference does) and control tokens' text is split like any text.
    // Invalid UTF-8 in the input is replaced by U+FFFD (one per maximal invalid subpart) first.
    std::vector<TokenId> encode(std::string_view text, bool parse_special) const;

    // The bytes a token stands for (the byte-level mapping undone). Special tokens give their
    // text. Out-of-range ids give an empty string.
    const std::string& piece(TokenId id) const;
    // The token's string as stored in the vocabulary (byte-level encoded, e.g. "Ġthe").
    const std::string& token_text(TokenId id) const;
    // Concatenated pieces; invalid UTF-8 (e.g. a cut-off character) becomes U+FFFD.
    std::string decode(std::span<const TokenId> ids, bool skip_control = false) const;

    int32_t n_vocab() const;
    TokenId bos() const;  // -1 if the vocabulary has none
    TokenId eos() const;  // -1 if none
    TokenId pad() const;  // -1 if none
    bool add_bos() const; // whether a prompt should start with bos()
    // A token by its vocabulary string ("<think>", "Ġthe") or, for normal tokens, by the text
    // it stands for (" the").
    std::optional<TokenId> find_token(std::string_view text) const;
    TokenType token_type(TokenId id) const;
    bool is_control(TokenId id) const;
    // eos and the vocabulary's end-of-turn tokens (<|eot_id|>, <|eom_id|>, <|im_end|>, <|EOT|>,
    // <|endoftext|>, <|end_of_text|> when present): generation stops when one is sampled.
    bool is_end_of_generation(TokenId id) const;
    const std::string& pre_tokenizer() const; // "qwen2", "deepseek-r1-qwen", "llama-bpe"
    const Vocabulary& vocabulary() const;

private:
    struct State;
    explicit Tokenizer(std::shared_ptr<const State> state);
    std::shared_ptr<const State> state_;
};

// Turns a stream of byte chunks (token pieces) into valid UTF-8: a multi-byte character split
// across chunks is held back until complete; a truly invalid sequence becomes U+FFFD (one per
// maximal invalid subpart, as the Unicode standard recommends).
class Utf8StreamDecoder {
public:
    // Returns the text that is complete so far.
    std::string push(std::string_view bytes);
    // End of stream: held-back bytes of an unfinished character become U+FFFD.
    std::string flush();
    bool has_pending() const { return pending_len_ > 0; }
    void reset() { pending_len_ = 0; }

private:
    unsigned char pending_[4] = {};
    int pending_len_ = 0;
};

// Replaces each maximal invalid subpart of s by U+FFFD; valid UTF-8 is returned unchanged.
std::string sanitize_utf8(std::string_view s);

} // namespace rwb
