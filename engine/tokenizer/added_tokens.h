// AddedTokenMatcher: finds special (control) and user-defined tokens in text before BPE, as the
// reference tokenizers do: at the leftmost position where any of them starts, the longest wins.
#pragma once

#include "rwb/tokenizer.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rwb::tok {

class AddedTokenMatcher {
public:
    struct Entry {
        std::string_view text;
        TokenId id;
        bool control;
    };
    explicit AddedTokenMatcher(std::vector<Entry> entries);

    struct Match {
        size_t begin = std::string_view::npos;
        size_t length = 0;
        TokenId id = -1;
    };
    // First match at or after `from`; with include_control false, control tokens are ignored.
    Match find(std::string_view text, size_t from, bool include_control) const;
    bool empty() const { return entries_.empty(); }

private:
    std::vector<Entry> entries_;                   // sorted by first byte, then longest first
    std::array<uint32_t, 257> first_byte_index_{}; // entries_[index[b] .. index[b+1]) start with b
};

} // namespace rwb::tok
