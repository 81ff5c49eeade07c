// BPE merging with a min-heap of candidate pairs over a linked list of symbols.
#include "tokenizer/bpe.h"

#include "tokenizer/byte_level.h"
#include "tokenizer/vocabulary.h"

#include <algorithm>
#include <queue>

namespace rwb::tok {

Result<BpeModel> BpeModel::build(const Vocabulary& vocab,
                                 const std::unordered_map<std::string_view, TokenId>& text_to_id) {
    BpeModel m;
    const ByteLevel& bl = ByteLevel::instance();
    for (int b = 0; b < 256; ++b) {
        auto it = text_to_id.find(bl.encode_byte(static_cast<uint8_t>(b)));
        if (it == text_to_id.end()) {
            static const char* hex = "0123456789ABCDEF";
            return Result<BpeModel>::error(std::string("the vocabulary has no token for byte 0x") +
                                           hex[b >> 4] + hex[b & 15]);
        }
        m.byte_token_[b] = it->second;
    }
    m.merges_.reserve(vocab.merges.size() * 2);
    std::string joined;
    for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
        const std::string& line = vocab.merges[rank];
        const size_t space =
            line.find(' ', 1); // a part is never empty; the first byte is part of the left
        if (space == std::string::npos)
            return Result<BpeModel>::error("merge " + std::to_string(rank) + " ('" + line +
                                           "') is not two tokens separated by a space");
        const std::string_view left(line.data(), space);
        const std::string_view right(line.data() + space + 1, line.size() - space - 1);
        auto l = text_to_id.find(left);
        auto r = text_to_id.find(right);
        joined.assign(left);
        joined.append(right);
        auto res = text_to_id.find(joined);
        // A merge whose parts or result are not tokens can never fire usefully: skip it, as the
        // reference does (its result would be unknown).
        if (l == text_to_id.end() || r == text_to_id.end() || res == text_to_id.end()) continue;
        m.merges_.try_emplace(key(l->second, r->second),
                              Merge{static_cast<int32_t>(rank), res->second});
    }
    return m;
}

void BpeModel::encode_word(std::string_view bytes, std::vector<TokenId>& out) const {
    const size_t n = bytes.size();
    if (n == 0) return;
    if (n == 1) {
        out.push_back(byte_token_[static_cast<unsigned char>(bytes[0])]);
        return;
    }
    struct Symbol {
        TokenId id;
        int32_t prev;
        int32_t next;
    };
    std::vector<Symbol> sym(n);
    for (size_t i = 0; i < n; ++i)
        sym[i] = {byte_token_[static_cast<unsigned char>(bytes[i])], static_cast<int32_t>(i) - 1,
                  i + 1 < n ? static_cast<int32_t>(i + 1) : -1};

    struct Candidate {
        int32_t rank;
        int32_t left; // position of the left symbol
        TokenId left_id;
        TokenId right_id;
        TokenId result;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : left > o.left;
        }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap;
    auto consider = [&](int32_t left) {
        if (left < 0) return;
        const int32_t right = sym[left].next;
        if (right < 0) return;
        auto it = merges_.find(key(sym[left].id, sym[right].id));
        if (it == merges_.end()) return;
        heap.push({it->second.rank, left, sym[left].id, sym[right].id, it->second.result});
    };
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(n); ++i) consider(i);

    while (!heap.empty()) {
        const Candidate c = heap.top();
        heap.pop();
        Symbol& l = sym[c.left];
        // Stale candidates: the left symbol changed or was absorbed, or its right neighbour
        // changed.
        if (l.id != c.left_id || l.next < 0 || sym[l.next].id != c.right_id) continue;
        const int32_t right = l.next;
        l.id = c.result;
        l.next = sym[right].next;
        if (l.next >= 0) sym[l.next].prev = c.left;
        sym[right].id = -1; // absorbed
        consider(l.prev);
        consider(c.left);
    }
    for (int32_t i = 0; i >= 0; i = sym[i].next) out.push_back(sym[i].id);
}

} // namespace rwb::tok
