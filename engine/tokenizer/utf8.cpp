// UTF-8 decoding with the maximal-subpart rule, sanitize_utf8() and Utf8StreamDecoder.
#include "tokenizer/utf8.h"

#include "rwb/tokenizer.h"

#include <cstring>

namespace rwb::tok {

// Well-formed byte sequences (Unicode 15, table 3-7): the lead byte fixes the length and the
// allowed range of the second byte; later bytes are 80..BF.
int utf8_sequence_length(const unsigned char* s, size_t n) {
    const unsigned char b0 = s[0];
    if (b0 < 0x80) return 1;
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return -1; // 80..C1, F5..FF never start a sequence
    }
    for (int k = 1; k < len; ++k) {
        if (static_cast<size_t>(k) >= n) return 0; // valid so far, but cut off
        const unsigned char b = s[k];
        const unsigned char min = k == 1 ? lo : 0x80;
        const unsigned char max = k == 1 ? hi : 0xBF;
        if (b < min || b > max) return -k; // the bytes before b are one maximal invalid subpart
    }
    return len;
}

char32_t utf8_decode(const unsigned char* s, int len) {
    switch (len) {
    case 1:
        return s[0];
    case 2:
        return (char32_t(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    case 3:
        return (char32_t(s[0] & 0x0F) << 12) | (char32_t(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    default:
        return (char32_t(s[0] & 0x07) << 18) | (char32_t(s[1] & 0x3F) << 12) |
               (char32_t(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool is_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

} // namespace rwb::tok

namespace rwb {

using tok::append_utf8;
using tok::kReplacementChar;
using tok::utf8_sequence_length;

std::string sanitize_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    // Fast path: return the input unchanged when it is all valid.
    while (i < n) {
        const int len = utf8_sequence_length(p + i, n - i);
        if (len <= 0) break;
        i += static_cast<size_t>(len);
    }
    if (i == n) return std::string(s);
    std::string out(s.substr(0, i));
    while (i < n) {
        const int len = utf8_sequence_length(p + i, n - i);
        if (len > 0) {
            out.append(s.substr(i, static_cast<size_t>(len)));
            i += static_cast<size_t>(len);
        } else if (len < 0) {
            append_utf8(out, kReplacementChar);
            i += static_cast<size_t>(-len);
        } else { // truncated at the end: the rest is one maximal subpart
            append_utf8(out, kReplacementChar);
            i = n;
        }
    }
    return out;
}

std::string Utf8StreamDecoder::push(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + 4);
    size_t i = 0;
    // Complete the held-back character first, byte by byte.
    while (pending_len_ > 0 && i < bytes.size()) {
        pending_[pending_len_++] = static_cast<unsigned char>(bytes[i++]);
        const int len = utf8_sequence_length(pending_, static_cast<size_t>(pending_len_));
        if (len == 0) continue; // still incomplete
        if (len > 0) {
            out.append(reinterpret_cast<const char*>(pending_), static_cast<size_t>(len));
            pending_len_ = 0;
        } else {
            // The held bytes were an invalid subpart; the byte that broke it starts afresh.
            append_utf8(out, kReplacementChar);
            const int bad = -len;
            const int rest = pending_len_ - bad;
            i -= static_cast<size_t>(rest); // re-read the bytes after the invalid subpart
            pending_len_ = 0;
        }
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    while (i < bytes.size()) {
        const int len = utf8_sequence_length(p + i, bytes.size() - i);
        if (len > 0) {
            out.append(bytes.substr(i, static_cast<size_t>(len)));
            i += static_cast<size_t>(len);
        } else if (len < 0) {
            append_utf8(out, kReplacementChar);
            i += static_cast<size_t>(-len);
        } else {
            pending_len_ = static_cast<int>(bytes.size() - i);
            std::memcpy(pending_, p + i, static_cast<size_t>(pending_len_));
            i = bytes.size();
        }
    }
    return out;
}

std::string Utf8StreamDecoder::flush() {
    if (pending_len_ == 0) return {};
    pending_len_ = 0;
    std::string out;
    append_utf8(out, kReplacementChar);
    return out;
}

} // namespace rwb
