// NFC normalization (Qwen2's tokenizer.json normalizes input with NFC before pre-tokenizing).
// Uses ICU when the build found it; without ICU the text is returned unchanged.
#pragma once

#include <string>
#include <string_view>

namespace rwb::tok {

// text must be valid UTF-8. Returns it NFC-normalized.
std::string to_nfc(std::string_view text);
bool nfc_available();

} // namespace rwb::tok
