// Shared parsing for logits / run / bench.
#include "tool_common.h"

#include <bit>
#include <charconv>
#include <cstring>

namespace rwb::cli {

Result<std::vector<TokenId>> parse_token_ids(const std::string& text) {
    std::vector<TokenId> ids;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t' ||
                                   text[i] == '\n' || text[i] == '\r'))
            ++i;
        if (i >= text.size()) break;
        size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != ',' && text[j] != '\t' &&
               text[j] != '\n' && text[j] != '\r')
            ++j;
        const std::string item = text.substr(i, j - i);
        int64_t v = 0;
        auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec != std::errc() || p != item.data() + item.size() || v < 0 || v > INT32_MAX)
            return Result<std::vector<TokenId>>::error("bad token id '" + item + "'");
        ids.push_back(TokenId(v));
        i = j;
    }
    return ids;
}

Result<int> parse_threads(const CliArgs& args) {
    auto t = args.get_int("--threads", 0);
    if (!t || *t < 0 || *t > 1024)
        return Result<int>::error("--threads must be a number from 0 to 1024");
    return int(*t);
}

Result<KvCacheType> parse_kv_type(const std::string& name) {
    if (name == "f16") return KvCacheType::F16;
    if (name == "f32") return KvCacheType::F32;
    return Result<KvCacheType>::error("unknown KV cache type '" + name + "' (f16 or f32)");
}

bool write_f32_le(std::ostream& out, std::span<const float> values) {
    if constexpr (std::endian::native == std::endian::little) {
        out.write(reinterpret_cast<const char*>(values.data()),
                  std::streamsize(values.size() * sizeof(float)));
    } else {
        for (float f : values) {
            uint32_t u;
            std::memcpy(&u, &f, 4);
            const char b[4] = {char(u), char(u >> 8), char(u >> 16), char(u >> 24)};
            out.write(b, 4);
        }
    }
    return bool(out);
}

} // namespace rwb::cli
