// Pretokenizer: splits text into the pieces ("words") that BPE encodes separately, with the
// regular expression of the vocabulary's reference tokenizer (PCRE2, UTF + UCP, JIT-compiled).
// Matches and the text between matches are both pieces (Hugging Face's "Isolated" split).
#pragma once

#include "rwb/status.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rwb::tok {

class Pretokenizer {
public:
    // pre: "qwen2", "deepseek-r1-qwen" or "llama-bpe".
    static Result<std::unique_ptr<Pretokenizer>> create(const std::string& pre);
    ~Pretokenizer();
    Pretokenizer(const Pretokenizer&) = delete;
    Pretokenizer& operator=(const Pretokenizer&) = delete;

    // Appends [begin, end) byte ranges of the pieces of text (valid UTF-8) to out.
    void split(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;

    // The pattern for a pre-tokenizer name, or an empty string if unknown.
    static std::string pattern_for(const std::string& pre);

private:
    Pretokenizer() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace rwb::tok
