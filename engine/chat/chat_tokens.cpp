// R1 chat template, token side: the special tokens' ids looked up by text in the model's own
// vocabulary, and the prompt's ids (special segments by id, contents encoded as plain text).
#include "rwb/chat.h"

#include <array>
#include <utility>

namespace rwb {

Result<R1SpecialTokens> find_r1_special_tokens(const Tokenizer& tokenizer) {
    R1SpecialTokens ids;
    const std::array<std::pair<std::string_view, TokenId*>, 6> wanted = {{
        {r1_text::kBos, &ids.bos},
        {r1_text::kEos, &ids.eos},
        {r1_text::kUser, &ids.user},
        {r1_text::kAssistant, &ids.assistant},
        {r1_text::kThinkOpen, &ids.think_open},
        {r1_text::kThinkClose, &ids.think_close},
    }};
    for (const auto& [text, slot] : wanted) {
        const std::optional<TokenId> id = tokenizer.find_token(text);
        if (!id) {
            return Result<R1SpecialTokens>::error("the vocabulary has no " + std::string(text) +
                                                  " token (not a DeepSeek-R1 distill?)");
        }
        *slot = *id;
    }
    return ids;
}

Result<std::vector<TokenId>> tokenize_r1_chat(const Tokenizer& tokenizer,
                                              std::span<const ChatMessage> messages,
                                              const ChatTemplateOptions& options) {
    Result<R1SpecialTokens> special = find_r1_special_tokens(tokenizer);
    if (!special) return special.status();
    const R1SpecialTokens& s = *special;

    std::vector<TokenId> ids;
    for (const ChatSegment& seg : r1_chat_segments(messages, options)) {
        if (!seg.special) {
            const std::vector<TokenId> part = tokenizer.encode(seg.text, /*parse_special=*/false);
            ids.insert(ids.end(), part.begin(), part.end());
            continue;
        }
        const std::string_view t = seg.text;
        TokenId id = -1;
        if (t == r1_text::kBos)
            id = s.bos;
        else if (t == r1_text::kEos)
            id = s.eos;
        else if (t == r1_text::kUser)
            id = s.user;
        else if (t == r1_text::kAssistant)
            id = s.assistant;
        else if (t == r1_text::kThinkOpen)
            id = s.think_open;
        else if (t == r1_text::kThinkClose)
            id = s.think_close;
        if (id < 0)
            return Result<std::vector<TokenId>>::error("unknown special segment " + seg.text);
        ids.push_back(id);
    }
    return ids;
}

} // namespace rwb
