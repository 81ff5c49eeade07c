// BpeModel: byte-level BPE over token ids. A word starts as one token per byte; the adjacent
// pair with the lowest merge rank is merged (leftmost first among equal ranks) until no pair
// has a merge. Pairs are found in a rank map keyed by the two token ids.
#pragma once

#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rwb {
struct Vocabulary;
}

namespace rwb::tok {

class BpeModel {
public:
    // text_to_id maps a vocabulary string (byte-level text) to its id.
    static Result<BpeModel> build(const Vocabulary& vocab,
                                  const std::unordered_map<std::string_view, TokenId>& text_to_id);

    // Appends the ids of one pre-token (raw bytes) to out.
    void encode_word(std::string_view bytes, std::vector<TokenId>& out) const;

    TokenId byte_token(uint8_t b) const { return byte_token_[b]; }

private:
    struct Merge {
        int32_t rank;
        TokenId result;
    };
    static uint64_t key(TokenId a, TokenId b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }
    std::array<TokenId, 256> byte_token_{};
    std::unordered_map<uint64_t, Merge> merges_;
};

} // namespace rwb::tok
