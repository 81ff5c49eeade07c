// Synthetic byte-level BPE vocabulary with the R1 special tokens (see synth_vocab.h).
#include "quant/synth_vocab.h"

namespace rwb::quant {

namespace {
constexpr int32_t kNormal = 1, kControl = 3, kUserDefined = 4, kUnused = 5;

// GPT-2 byte-level alphabet: printable bytes stand for themselves, the other 68 bytes are mapped
// to U+0100.. in byte order, so every byte has a visible one-character token.
std::string byte_symbol(int b) {
    const bool printable =
        (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    int cp = b;
    if (!printable) {
        int k = 0;
        for (int x = 0; x < b; ++x) {
            const bool p =
                (x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255);
            if (!p) ++k;
        }
        cp = 256 + k;
    }
    std::string s;
    if (cp < 0x80) {
        s += char(cp);
    } else {
        s += char(0xC0 | (cp >> 6));
        s += char(0x80 | (cp & 0x3F));
    }
    return s;
}

struct Special {
    const char* text;
    int32_t type;
};
// Order of the R1-Distill-Qwen added tokens from id 151643 (the Llama distill uses the same
// texts at 128000/128001 and 128011..128014).
constexpr Special kEos{"<｜end▁of▁sentence｜>", kControl};
constexpr Special kUser{"<｜User｜>", kUserDefined};
constexpr Special kAssistant{"<｜Assistant｜>", kUserDefined};
constexpr Special kBos{"<｜begin▁of▁sentence｜>", kControl};
constexpr Special kEot{"<|EOT|>", kUserDefined};
constexpr Special kThink{"<think>", kUserDefined};
constexpr Special kEndThink{"</think>", kUserDefined};
} // namespace

SynthVocab make_synth_vocab(const SynthShape& shape) {
    SynthVocab v;
    const int64_t n = shape.vocab;
    v.pre = shape.arch == "llama" ? "llama-bpe" : "deepseek-r1-qwen";
    v.tokens.assign(size_t(n), std::string());
    v.types.assign(size_t(n), kUnused);

    // where the specials go
    int64_t eos, user, assistant, bos, eot, think, end_think;
    if (shape.arch == "qwen2" && n >= 151650) {
        eos = 151643, user = 151644, assistant = 151645, bos = 151646, eot = 151647;
        think = 151648, end_think = 151649;
    } else if (shape.arch == "llama" && n >= 128256) {
        bos = 128000, eos = 128001, user = 128011, assistant = 128012, think = 128013;
        end_think = 128014, eot = 128015;
    } else { // small custom vocabulary: the seven specials take the top ids
        eos = n - 7, user = n - 6, assistant = n - 5, bos = n - 4, eot = n - 3;
        think = n - 2, end_think = n - 1;
    }
    const std::pair<int64_t, Special> specials[] = {
        {eos, kEos}, {user, kUser},   {assistant, kAssistant}, {bos, kBos},
        {eot, kEot}, {think, kThink}, {end_think, kEndThink}};
    for (const auto& [id, sp] : specials) {
        v.tokens[size_t(id)] = sp.text;
        v.types[size_t(id)] = sp.type;
    }
    // Llama 3 keeps 128002.. as reserved control tokens
    const int64_t reserved_from = (shape.arch == "llama" && n >= 128256) ? 128000 : n;

    int64_t next = 0;
    for (int b = 0; b < 256; ++b, ++next) {
        v.tokens[size_t(next)] = byte_symbol(b);
        v.types[size_t(next)] = kNormal;
    }
    // pair tokens of printable ASCII (space shows as its byte symbol), each with its merge rule
    const int64_t pair_limit = std::min(reserved_from, std::min(eos, bos));
    for (int a = 32; a < 127 && next < pair_limit; ++a) {
        for (int b = 33; b < 127 && next < pair_limit; ++b, ++next) {
            const std::string left = byte_symbol(a), right = byte_symbol(b);
            v.tokens[size_t(next)] = left + right;
            v.types[size_t(next)] = kNormal;
            v.merges.push_back(left + " " + right);
        }
    }
    for (int64_t id = 0; id < n; ++id) {
        if (!v.tokens[size_t(id)].empty()) continue;
        if (id >= reserved_from) {
            v.tokens[size_t(id)] = "<|reserved_special_token_" + std::to_string(id - 128000) + "|>";
            v.types[size_t(id)] = kControl;
        } else {
            v.tokens[size_t(id)] = "[PAD" + std::to_string(id) + "]";
            v.types[size_t(id)] = kUnused;
        }
    }
    v.bos = bos;
    v.eos = eos;
    v.pad = eos;
    v.user = user;
    v.assistant = assistant;
    v.think = think;
    v.end_think = end_think;
    return v;
}

} // namespace rwb::quant
