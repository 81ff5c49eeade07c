// Vocabulary checks and the per-pre-tokenizer defaults.
#include "tokenizer/vocabulary.h"

namespace rwb {

const char* supported_pre_tokenizers() {
    return "qwen2, deepseek-r1-qwen, llama-bpe";
}

bool is_supported_pre_tokenizer(const std::string& pre) {
    return pre == "qwen2" || pre == "deepseek-r1-qwen" || pre == "llama-bpe";
}

void Vocabulary::apply_pre_defaults() {
    // Qwen2's tokenizer.json normalizes with NFC; Llama 3's has no normalizer but sets
    // ignore_merges on its BPE model.
    const bool qwen = pre == "qwen2" || pre == "deepseek-r1-qwen";
    nfc = qwen;
    ignore_merges = pre == "llama-bpe";
}

Status Vocabulary::validate() const {
    if (model != "gpt2")
        return Status::error("tokenizer model '" + model +
                             "' is not supported (only byte-level BPE, 'gpt2')");
    if (!is_supported_pre_tokenizer(pre))
        return Status::error("pre-tokenizer '" + pre +
                             "' is not supported (supported: " + supported_pre_tokenizers() + ")");
    if (tokens.empty()) return Status::error("the vocabulary has no tokens");
    if (tokens.size() > (1u << 24))
        return Status::error("the vocabulary has " + std::to_string(tokens.size()) +
                             " tokens (more than 16777216)");
    if (types.size() != tokens.size())
        return Status::error("token_type has " + std::to_string(types.size()) + " entries for " +
                             std::to_string(tokens.size()) + " tokens");
    const auto n = static_cast<TokenId>(tokens.size());
    for (auto [name, id] : {std::pair{"bos", bos}, {"eos", eos}, {"padding", pad}})
        if (id < -1 || id >= n)
            return Status::error(std::string(name) + " token id " + std::to_string(id) +
                                 " is outside the vocabulary of " + std::to_string(n));
    return Status::ok();
}

} // namespace rwb
