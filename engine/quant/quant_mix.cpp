// Per-tensor type rules of the quantization mixes (see quant_mix.h for the rules themselves).
#include "quant/quant_mix.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rwb::quant {

namespace {
struct MixEntry {
    std::string_view name;
    std::string_view alias;
    uint32_t file_type;
    GgmlType base;
    bool more_bits;
    bool small;
};
// file_type values: llama.cpp's llama_ftype enum
constexpr std::array<MixEntry, 10> kMixes = {{
    {"f32", "", 0, GgmlType::F32, false, false},
    {"f16", "", 1, GgmlType::F16, false, false},
    {"bf16", "", 32, GgmlType::BF16, false, false},
    {"q8_0", "", 7, GgmlType::Q8_0, false, false},
    {"q4_0", "", 2, GgmlType::Q4_0, false, false},
    {"q4_k_s", "q4_k", 14, GgmlType::Q4_K, false, true},
    {"q4_k_m", "", 15, GgmlType::Q4_K, true, false},
    {"q5_k_s", "q5_k", 16, GgmlType::Q5_K, false, false},
    {"q5_k_m", "", 17, GgmlType::Q5_K, true, false},
    {"q6_k", "", 18, GgmlType::Q6_K, false, false},
}};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}
bool is_float_type(GgmlType t) {
    return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}
bool use_more_bits(int64_t i, int64_t n) {
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}
} // namespace

std::optional<QuantMix> parse_quant_mix(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    for (const auto& m : kMixes)
        if (lower == m.name || (!m.alias.empty() && lower == m.alias))
            return QuantMix{std::string(m.name), m.file_type, m.base, m.more_bits, m.small};
    return std::nullopt;
}

std::vector<std::string> quant_mix_names() {
    std::vector<std::string> out;
    for (const auto& m : kMixes) {
        if (!m.alias.empty()) out.emplace_back(m.alias);
        out.emplace_back(m.name);
    }
    return out;
}

int64_t layer_index(std::string_view name) {
    if (name.substr(0, 4) != "blk.") return -1;
    int64_t v = 0;
    size_t i = 4;
    if (i >= name.size() || !std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
    for (; i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])); ++i)
        v = v * 10 + (name[i] - '0');
    return (i < name.size() && name[i] == '.') ? v : -1;
}

TensorChoice choose_tensor_type(const QuantMix& mix, const ModelFacts& facts, std::string_view name,
                                const std::vector<uint64_t>& ne, GgmlType source_type) {
    size_t dims = ne.size();
    while (dims > 1 && ne[dims - 1] == 1) --dims; // trailing 1s do not make a dimension
    const bool quantizable = ends_with(name, "weight") && dims >= 2 &&
                             !contains(name, "_norm.weight") && !contains(name, "rope_freqs");
    if (!quantizable) return {source_type, false, ""};

    GgmlType type = mix.base;
    std::string note;
    const bool k_or_low = !is_float_type(mix.base);
    const bool is_output =
        name == "output.weight" || (!facts.has_output && name == "token_embd.weight");
    const int64_t layer = layer_index(name);
    if (k_or_low) {
        if (is_output) {
            if (mix.base != GgmlType::Q8_0) {
                type = GgmlType::Q6_K;
                note = "output tensor";
            }
        } else if (contains(name, "attn_v.weight") && layer >= 0) {
            if (mix.more_bits && use_more_bits(layer, facts.n_layer)) {
                type = GgmlType::Q6_K;
                note = "more bits for this layer";
            } else if (mix.small && layer < 4) {
                type = GgmlType::Q5_K;
                note = "more bits for early attn_v";
            }
            if (facts.is_70b && type == GgmlType::Q4_K) {
                type = GgmlType::Q5_K;
                note = "70B attn_v";
            }
        } else if (contains(name, "ffn_down") && layer >= 0) {
            if (mix.more_bits && use_more_bits(layer, facts.n_layer)) {
                type = GgmlType::Q6_K;
                note = "more bits for this layer";
            } else if (mix.small && layer < facts.n_layer / 8) {
                type = GgmlType::Q5_K;
                note = "more bits for early ffn_down";
            }
        }
    }
    // rows that do not split into whole blocks
    const auto traits = ggml_type_traits(type);
    if (traits && ne[0] % traits->block_size != 0) {
        const GgmlType fallback =
            traits->block_size == 256 && ne[0] % 32 == 0 ? GgmlType::Q8_0 : GgmlType::F16;
        note = std::string("row length ") + std::to_string(ne[0]) + " is not a multiple of " +
               std::to_string(traits->block_size) + ": " + std::string(ggml_type_name(fallback)) +
               " instead of " + std::string(ggml_type_name(type));
        type = fallback;
    }
    return {type, true, note};
}

} // namespace rwb::quant
