// NFC through ICU's C API (libicu, Debian): UTF-8 -> UTF-16 -> quick check / normalize -> UTF-8.
#include "tokenizer/unicode_nfc.h"

#include "tokenizer/utf8.h"

#ifdef RWB_HAVE_ICU
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#endif

#include <vector>

namespace rwb::tok {

#ifdef RWB_HAVE_ICU

bool nfc_available() {
    return true;
}

std::string to_nfc(std::string_view text) {
    // Text below U+0300 is always in NFC; most input is ASCII.
    bool may_change = false;
    for (unsigned char c : text)
        if (c >= 0xCC) {
            may_change = true;
            break;
        }
    if (!may_change) return std::string(text);
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2* nfc = unorm2_getNFCInstance(&err);
    if (U_FAILURE(err)) return std::string(text);
    std::vector<UChar> u16(text.size() + 1);
    int32_t u16_len = 0;
    u_strFromUTF8(u16.data(), static_cast<int32_t>(u16.size()), &u16_len, text.data(),
                  static_cast<int32_t>(text.size()), &err);
    if (U_FAILURE(err)) return std::string(text);
    if (unorm2_quickCheck(nfc, u16.data(), u16_len, &err) == UNORM_YES && U_SUCCESS(err))
        return std::string(text);
    err = U_ZERO_ERROR;
    std::vector<UChar> norm(static_cast<size_t>(u16_len) * 3 + 16);
    const int32_t norm_len = unorm2_normalize(nfc, u16.data(), u16_len, norm.data(),
                                              static_cast<int32_t>(norm.size()), &err);
    if (U_FAILURE(err)) return std::string(text);
    std::string out(static_cast<size_t>(norm_len) * 3 + 4, '\0');
    int32_t out_len = 0;
    u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &out_len, norm.data(), norm_len,
                &err);
    if (U_FAILURE(err)) return std::string(text);
    out.resize(static_cast<size_t>(out_len));
    return out;
}

#else

bool nfc_available() {
    return false;
}
std::string to_nfc(std::string_view text) {
    return std::string(text);
}

#endif

} // namespace rwb::tok
