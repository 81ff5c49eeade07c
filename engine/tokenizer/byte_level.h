// The GPT-2 byte-level mapping: every byte gets a printable code point so that BPE vocabularies
// can store arbitrary bytes as text ("Ġ" is the space byte). Bytes 0x21..0x7E, 0xA1..0xAC and
// 0xAE..0xFF stand for themselves; the other 68 bytes map, in order, to U+0100, U+0101, ...
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rwb::tok {

class ByteLevel {
public:
    static const ByteLevel& instance();

    // UTF-8 of the code point standing for byte b.
    const std::string& encode_byte(uint8_t b) const { return byte_to_text_[b]; }
    // Bytes to their byte-level text.
    std::string encode(std::string_view bytes) const;
    // Byte-level text back to bytes; a code point outside the mapping is copied as UTF-8.
    std::string decode(std::string_view text) const;

private:
    ByteLevel();
    std::array<std::string, 256> byte_to_text_;
    std::array<int16_t, 324> cp_to_byte_{}; // code points 0..323 -> byte, or -1
};

} // namespace rwb::tok
