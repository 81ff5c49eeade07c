// GPT-2 byte-level mapping tables, built once.
#include "tokenizer/byte_level.h"

#include "tokenizer/utf8.h"

namespace rwb::tok {

static bool stands_for_itself(int b) {
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

ByteLevel::ByteLevel() {
    cp_to_byte_.fill(-1);
    int next = 0x100;
    for (int b = 0; b < 256; ++b) {
        const int cp = stands_for_itself(b) ? b : next++;
        append_utf8(byte_to_text_[b], static_cast<char32_t>(cp));
        cp_to_byte_[cp] = static_cast<int16_t>(b);
    }
}

const ByteLevel& ByteLevel::instance() {
    static const ByteLevel table;
    return table;
}

std::string ByteLevel::encode(std::string_view bytes) const {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) out += byte_to_text_[b];
    return out;
}

std::string ByteLevel::decode(std::string_view text) const {
    std::string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    size_t i = 0;
    while (i < text.size()) {
        int len = utf8_sequence_length(p + i, text.size() - i);
        if (len <= 0) { // not UTF-8: keep the byte as it is
            out.push_back(static_cast<char>(p[i]));
            ++i;
            continue;
        }
        const char32_t cp = utf8_decode(p + i, len);
        if (cp < cp_to_byte_.size() && cp_to_byte_[cp] >= 0)
            out.push_back(static_cast<char>(cp_to_byte_[cp]));
        else
            out.append(text.substr(i, static_cast<size_t>(len)));
        i += static_cast<size_t>(len);
    }
    return out;
}

} // namespace rwb::tok
