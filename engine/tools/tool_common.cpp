// Shared parsing for logits / run / bench.
#include "tool_common.h"

#include <bit>
#include <charconv>
#include <cstdio>
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

void add_backend_options(std::vector<OptionSpec>& specs) {
    // Before -h/--help, which stays last in every command's list.
    auto at = specs.end();
    if (!specs.empty() && specs.back().names.back() == "--help") --at;
    specs.insert(at, {{{"--backend"}, true, "cpu (default), cuda, or auto (GPU if usable)", "NAME"},
                      {{"--gpu-layers"},
                       true,
                       "layers on the GPU, the rest on the CPU (default: all; auto: all that fit)",
                       "N"}});
}

Status apply_backend_options(const CliArgs& args, ModelOptions& o) {
    auto b = parse_backend(args.get("--backend", "cpu"));
    if (!b) return b.status();
    o.backend = *b;
    auto n = args.get_int("--gpu-layers", -1);
    if (!n || *n < -1 || *n > 100000)
        return Status::error("--gpu-layers must be a number from 0 (or -1 for all)");
    o.gpu_layers = int(*n);
    return Status::ok();
}

void print_backend_notice(const Model& model) {
    if (!model.backend_notice().empty())
        std::fprintf(stderr, "%s\n", model.backend_notice().c_str());
}

} // namespace rwb::cli
