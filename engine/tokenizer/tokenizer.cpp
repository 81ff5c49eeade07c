// Tokenizer: added-token split -> NFC (if the vocabulary asks) -> regex pre-tokenizer -> BPE per
// piece (cached per piece) -> ids; and the piece table for decoding.
#include "rwb/tokenizer.h"

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/unicode_nfc.h"
#include "tokenizer/vocabulary.h"

#include <mutex>
#include <unordered_map>

namespace rwb {

struct Tokenizer::State {
    Vocabulary vocab;
    std::vector<std::string> pieces; // bytes per token
    std::unordered_map<std::string_view, TokenId> text_to_id;
    std::unique_ptr<tok::Pretokenizer> pretokenizer;
    std::optional<tok::BpeModel> bpe;
    std::optional<tok::AddedTokenMatcher> added;
    std::vector<TokenId> end_of_generation;

    // Per pre-token word cache (bytes -> ids), bounded; shared by threads under a mutex.
    mutable std::mutex cache_mutex;
    mutable std::unordered_map<std::string, std::vector<TokenId>> cache;
    static constexpr size_t kCacheLimit = 1 << 16;

    void encode_text(std::string_view text, std::vector<TokenId>& out) const;
    void encode_word(std::string_view word, std::vector<TokenId>& out) const;
};

Tokenizer::Tokenizer(std::shared_ptr<const State> state) : state_(std::move(state)) {}

Result<Tokenizer> Tokenizer::from_vocabulary(Vocabulary vocab) {
    RWB_RETURN_IF_ERROR(vocab.validate());
    auto st = std::make_shared<State>();
    st->vocab = std::move(vocab);
    const Vocabulary& v = st->vocab;
    const tok::ByteLevel& bl = tok::ByteLevel::instance();

    st->pieces.resize(v.tokens.size());
    st->text_to_id.reserve(v.tokens.size() * 2);
    std::vector<tok::AddedTokenMatcher::Entry> added;
    for (size_t i = 0; i < v.tokens.size(); ++i) {
        const auto id = static_cast<TokenId>(i);
        const std::string& t = v.tokens[i];
        st->text_to_id.try_emplace(t, id);
        switch (v.types[i]) {
        case TokenType::Control:
        case TokenType::UserDefined:
            st->pieces[i] = t; // stored as plain text
            added.push_back({t, id, v.types[i] == TokenType::Control});
            break;
        case TokenType::Unused:
            break; // padding entries stand for nothing
        default:
            st->pieces[i] = bl.decode(t);
            break;
        }
    }
    auto pre = tok::Pretokenizer::create(v.pre);
    if (!pre) return pre.status();
    st->pretokenizer = std::move(pre.value());
    auto bpe = tok::BpeModel::build(v, st->text_to_id);
    if (!bpe) return bpe.status();
    st->bpe.emplace(std::move(bpe.value()));
    st->added.emplace(std::move(added));

    if (v.eos >= 0) st->end_of_generation.push_back(v.eos);
    for (const char* name : {"<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|EOT|>", "<|endoftext|>",
                             "<|end_of_text|>", "<｜end▁of▁sentence｜>"}) {
        auto it = st->text_to_id.find(name);
        if (it != st->text_to_id.end() &&
            v.types[static_cast<size_t>(it->second)] != TokenType::Normal)
            st->end_of_generation.push_back(it->second);
    }
    return Tokenizer(std::move(st));
}

void Tokenizer::State::encode_word(std::string_view word, std::vector<TokenId>& out) const {
    if (vocab.ignore_merges) {
        auto it = text_to_id.find(tok::ByteLevel::instance().encode(word));
        if (it != text_to_id.end() &&
            vocab.types[static_cast<size_t>(it->second)] == TokenType::Normal) {
            out.push_back(it->second);
            return;
        }
    }
    if (word.size() == 1) {
        out.push_back(bpe->byte_token(static_cast<uint8_t>(word[0])));
        return;
    }
    {
        std::lock_guard lock(cache_mutex);
        auto it = cache.find(std::string(word));
        if (it != cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<TokenId> ids;
    bpe->encode_word(word, ids);
    out.insert(out.end(), ids.begin(), ids.end());
    std::lock_guard lock(cache_mutex);
    if (cache.size() >= kCacheLimit) cache.clear();
    cache.emplace(std::string(word), std::move(ids));
}

void Tokenizer::State::encode_text(std::string_view text, std::vector<TokenId>& out) const {
    if (text.empty()) return;
    std::string normalized;
    if (vocab.nfc) {
        normalized = tok::to_nfc(text);
        text = normalized;
    }
    std::vector<std::pair<size_t, size_t>> words;
    pretokenizer->split(text, words);
    for (auto [b, e] : words) encode_word(text.substr(b, e - b), out);
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool parse_special) const {
    const std::string clean = sanitize_utf8(text);
    const std::string_view s = clean;
    std::vector<TokenId> out;
    out.reserve(s.size() / 3 + 4);
    size_t pos = 0;
    while (pos < s.size()) {
        const auto m = state_->added->find(s, pos, parse_special);
        if (m.length == 0) {
            state_->encode_text(s.substr(pos), out);
            break;
        }
        state_->encode_text(s.substr(pos, m.begin - pos), out);
        out.push_back(m.id);
        pos = m.begin + m.length;
    }
    return out;
}

static const std::string kEmpty;

const std::string& Tokenizer::piece(TokenId id) const {
    if (id < 0 || id >= n_vocab()) return kEmpty;
    return state_->pieces[static_cast<size_t>(id)];
}

const std::string& Tokenizer::token_text(TokenId id) const {
    if (id < 0 || id >= n_vocab()) return kEmpty;
    return state_->vocab.tokens[static_cast<size_t>(id)];
}

std::string Tokenizer::decode(std::span<const TokenId> ids, bool skip_control) const {
    std::string bytes;
    for (TokenId id : ids) {
        if (skip_control && is_control(id)) continue;
        bytes += piece(id);
    }
    return sanitize_utf8(bytes);
}

int32_t Tokenizer::n_vocab() const {
    return static_cast<int32_t>(state_->vocab.tokens.size());
}
TokenId Tokenizer::bos() const {
    return state_->vocab.bos;
}
TokenId Tokenizer::eos() const {
    return state_->vocab.eos;
}
TokenId Tokenizer::pad() const {
    return state_->vocab.pad;
}
bool Tokenizer::add_bos() const {
    return state_->vocab.add_bos;
}

std::optional<TokenId> Tokenizer::find_token(std::string_view text) const {
    auto it = state_->text_to_id.find(text);
    if (it != state_->text_to_id.end()) return it->second;
    // Normal tokens are stored byte-level encoded: look the text up that way too.
    it = state_->text_to_id.find(tok::ByteLevel::instance().encode(text));
    if (it != state_->text_to_id.end() &&
        state_->vocab.types[static_cast<size_t>(it->second)] == TokenType::Normal)
        return it->second;
    return std::nullopt;
}

TokenType Tokenizer::token_type(TokenId id) const {
    if (id < 0 || id >= n_vocab()) return TokenType::Undefined;
    return state_->vocab.types[static_cast<size_t>(id)];
}

bool Tokenizer::is_control(TokenId id) const {
    return token_type(id) == TokenType::Control;
}

bool Tokenizer::is_end_of_generation(TokenId id) const {
    for (TokenId e : state_->end_of_generation)
        if (e == id) return true;
    return false;
}

const std::string& Tokenizer::pre_tokenizer() const {
    return state_->vocab.pre;
}
const Vocabulary& Tokenizer::vocabulary() const {
    return state_->vocab;
}

} // namespace rwb
