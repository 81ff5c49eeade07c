// Leftmost-longest matching of added tokens, bucketed by first byte.
#include "tokenizer/added_tokens.h"

#include <algorithm>
#include <cstring>

namespace rwb::tok {

AddedTokenMatcher::AddedTokenMatcher(std::vector<Entry> entries) : entries_(std::move(entries)) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [](const Entry& e) { return e.text.empty(); }),
                   entries_.end());
    std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
        const auto fa = static_cast<unsigned char>(a.text[0]);
        const auto fb = static_cast<unsigned char>(b.text[0]);
        if (fa != fb) return fa < fb;
        return a.text.size() > b.text.size();
    });
    size_t k = 0;
    for (int b = 0; b <= 256; ++b) {
        while (k < entries_.size() && static_cast<unsigned char>(entries_[k].text[0]) < b) ++k;
        first_byte_index_[static_cast<size_t>(b)] = static_cast<uint32_t>(k);
    }
}

AddedTokenMatcher::Match AddedTokenMatcher::find(std::string_view text, size_t from,
                                                 bool include_control) const {
    for (size_t i = from; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        const uint32_t lo = first_byte_index_[b], hi = first_byte_index_[b + 1u];
        for (uint32_t k = lo; k < hi; ++k) {
            const Entry& e = entries_[k];
            if (!include_control && e.control) continue;
            if (e.text.size() <= text.size() - i &&
                std::memcmp(text.data() + i, e.text.data(), e.text.size()) == 0)
                return {i, e.text.size(), e.id};
        }
    }
    return {};
}

} // namespace rwb::tok
