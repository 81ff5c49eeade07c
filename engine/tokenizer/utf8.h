// UTF-8 helpers of the tokenizer: decoding one code point with the Unicode "maximal subpart"
// rule (so invalid input maps to U+FFFD exactly as the WHATWG TextDecoder and the Hugging Face
// reference see it), and appending a code point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rwb::tok {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Length of the well-formed sequence at s[0..n) (1..4), or -(length of the maximal invalid
// subpart) when s starts an ill-formed sequence, or 0 when s[0..n) is a valid but incomplete
// prefix of a sequence (more bytes could complete it). n must be > 0.
int utf8_sequence_length(const unsigned char* s, size_t n);

// Decodes the well-formed sequence of `len` bytes at s.
char32_t utf8_decode(const unsigned char* s, int len);

void append_utf8(std::string& out, char32_t cp);

bool is_ascii(std::string_view s);

} // namespace rwb::tok
