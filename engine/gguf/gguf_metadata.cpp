// Well-known GGUF metadata readers.
#include "gguf/gguf_metadata.h"

#include <cstdio>

namespace rwb::gguf {

Result<std::string> architecture(const GgufFile& file) {
    return file.get_string("general.architecture");
}

std::string arch_key_name(const GgufFile& file, std::string_view name) {
    auto arch = architecture(file);
    if (!arch) return {};
    return *arch + "." + std::string(name);
}

const Value* arch_key(const GgufFile& file, std::string_view name) {
    const std::string key = arch_key_name(file, name);
    return key.empty() ? nullptr : file.find(key);
}

Result<uint64_t> arch_uint(const GgufFile& file, std::string_view name) {
    auto arch = architecture(file);
    if (!arch) return arch.status();
    return file.get_uint(*arch + "." + std::string(name));
}

Result<double> arch_float(const GgufFile& file, std::string_view name) {
    auto arch = architecture(file);
    if (!arch) return arch.status();
    return file.get_float(*arch + "." + std::string(name));
}

std::optional<std::string> chat_template(const GgufFile& file) {
    auto t = file.get_string("tokenizer.chat_template");
    if (!t) return std::nullopt;
    return std::move(t).value();
}

uint64_t parameter_count(const GgufFile& file) {
    uint64_t n = 0;
    for (const auto& t : file.tensors()) n += t.n_elements;
    return n;
}

namespace {
std::string scaled(double v, const char* unit) {
    char buf[64];
    if (v >= 100)
        std::snprintf(buf, sizeof buf, "%.0f %s", v, unit);
    else if (v >= 10)
        std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
    else
        std::snprintf(buf, sizeof buf, "%.2f %s", v, unit);
    return buf;
}
} // namespace

std::string human_count(uint64_t n) {
    const auto v = static_cast<double>(n);
    if (n >= 1000000000000ULL) return scaled(v / 1e12, "T");
    if (n >= 1000000000ULL) return scaled(v / 1e9, "B");
    if (n >= 1000000ULL) return scaled(v / 1e6, "M");
    if (n >= 1000ULL) return scaled(v / 1e3, "K");
    return std::to_string(n);
}

std::string human_bytes(uint64_t n) {
    const auto v = static_cast<double>(n);
    if (n >= (1ULL << 40)) return scaled(v / double(1ULL << 40), "TiB");
    if (n >= (1ULL << 30)) return scaled(v / double(1ULL << 30), "GiB");
    if (n >= (1ULL << 20)) return scaled(v / double(1ULL << 20), "MiB");
    if (n >= (1ULL << 10)) return scaled(v / double(1ULL << 10), "KiB");
    return std::to_string(n) + " B";
}

std::optional<uint32_t> file_type(const GgufFile& file) {
    auto v = file.get_uint("general.file_type");
    if (!v || *v > 0xffffffffULL) return std::nullopt;
    return static_cast<uint32_t>(*v);
}

std::string file_type_name(uint32_t ftype) {
    // llama.cpp's llama_ftype values (llama.h); 4..6 and 33..35 are retired formats.
    constexpr uint32_t kGuessed = 1024;
    if (ftype & kGuessed) return file_type_name(ftype & ~kGuessed) + " (guessed)";
    switch (ftype) {
    case 0:
        return "F32";
    case 1:
        return "F16";
    case 2:
        return "Q4_0";
    case 3:
        return "Q4_1";
    case 4:
        return "Q4_1_SOME_F16";
    case 7:
        return "Q8_0";
    case 8:
        return "Q5_0";
    case 9:
        return "Q5_1";
    case 10:
        return "Q2_K";
    case 11:
        return "Q3_K_S";
    case 12:
        return "Q3_K_M";
    case 13:
        return "Q3_K_L";
    case 14:
        return "Q4_K_S";
    case 15:
        return "Q4_K_M";
    case 16:
        return "Q5_K_S";
    case 17:
        return "Q5_K_M";
    case 18:
        return "Q6_K";
    case 19:
        return "IQ2_XXS";
    case 20:
        return "IQ2_XS";
    case 21:
        return "Q2_K_S";
    case 22:
        return "IQ3_XS";
    case 23:
        return "IQ3_XXS";
    case 24:
        return "IQ1_S";
    case 25:
        return "IQ4_NL";
    case 26:
        return "IQ3_S";
    case 27:
        return "IQ3_M";
    case 28:
        return "IQ2_S";
    case 29:
        return "IQ2_M";
    case 30:
        return "IQ4_XS";
    case 31:
        return "IQ1_M";
    case 32:
        return "BF16";
    case 36:
        return "TQ1_0";
    case 37:
        return "TQ2_0";
    case 38:
        return "MXFP4_MOE";
    default:
        return "unknown (" + std::to_string(ftype) + ")";
    }
}

} // namespace rwb::gguf
