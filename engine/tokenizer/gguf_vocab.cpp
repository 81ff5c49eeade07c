// GGUF tokenizer metadata reading and writing, and Tokenizer::load_gguf.
#include "tokenizer/gguf_vocab.h"

namespace rwb {

namespace {
constexpr const char* kModel = "tokenizer.ggml.model";
constexpr const char* kPre = "tokenizer.ggml.pre";
constexpr const char* kTokens = "tokenizer.ggml.tokens";
constexpr const char* kTypes = "tokenizer.ggml.token_type";
constexpr const char* kMerges = "tokenizer.ggml.merges";
constexpr const char* kBos = "tokenizer.ggml.bos_token_id";
constexpr const char* kEos = "tokenizer.ggml.eos_token_id";
constexpr const char* kPad = "tokenizer.ggml.padding_token_id";
constexpr const char* kAddBos = "tokenizer.ggml.add_bos_token";
constexpr const char* kAddEos = "tokenizer.ggml.add_eos_token";

Result<TokenId> optional_id(const gguf::GgufFile& f, const char* key) {
    if (!f.find(key)) return TokenId(-1);
    auto v = f.get_uint(key);
    if (!v) return v.status();
    if (v.value() >= (1u << 24))
        return Result<TokenId>::error(std::string(key) + " is out of range");
    return static_cast<TokenId>(v.value());
}
} // namespace

Result<Vocabulary> read_vocabulary_gguf(const gguf::GgufFile& f) {
    Vocabulary v;
    if (!f.find(kModel))
        return Result<Vocabulary>::error("the file has no tokenizer (no tokenizer.ggml.model)");
    auto model = f.get_string(kModel);
    if (!model) return model.status();
    v.model = model.value();
    if (v.model != "gpt2")
        return Result<Vocabulary>::error("tokenizer model '" + v.model +
                                         "' is not supported (only byte-level BPE, 'gpt2')");
    if (!f.find(kPre))
        return Result<Vocabulary>::error(
            std::string("the file has no tokenizer.ggml.pre (supported: ") +
            supported_pre_tokenizers() + ")");
    auto pre = f.get_string(kPre);
    if (!pre) return pre.status();
    v.pre = pre.value();
    if (!is_supported_pre_tokenizer(v.pre))
        return Result<Vocabulary>::error(
            "pre-tokenizer '" + v.pre +
            "' is not supported (supported: " + supported_pre_tokenizers() + ")");
    auto tokens = f.get_string_array(kTokens);
    if (!tokens) return tokens.status();
    v.tokens = std::move(tokens.value());
    if (f.find(kTypes)) {
        auto types = f.get_int_array(kTypes);
        if (!types) return types.status();
        v.types.reserve(types->size());
        for (int64_t t : types.value()) {
            if (t < 0 || t > 6)
                return Result<Vocabulary>::error("token_type holds the unknown type " +
                                                 std::to_string(t));
            v.types.push_back(static_cast<TokenType>(t));
        }
    } else {
        v.types.assign(v.tokens.size(), TokenType::Normal);
    }
    if (f.find(kMerges)) {
        auto merges = f.get_string_array(kMerges);
        if (!merges) return merges.status();
        v.merges = std::move(merges.value());
    }
    for (auto [key, dst] : {std::pair{kBos, &v.bos}, {kEos, &v.eos}, {kPad, &v.pad}}) {
        auto id = optional_id(f, key);
        if (!id) return id.status();
        *dst = id.value();
    }
    v.add_bos = v.pre == "llama-bpe"; // Llama 3 always starts with <|begin_of_text|>
    if (f.find(kAddBos)) {
        auto b = f.get_bool(kAddBos);
        if (!b) return b.status();
        v.add_bos = b.value();
    }
    if (f.find(kAddEos)) {
        auto b = f.get_bool(kAddEos);
        if (!b) return b.status();
        v.add_eos = b.value();
    }
    v.apply_pre_defaults();
    RWB_RETURN_IF_ERROR(v.validate());
    return v;
}

void write_vocabulary_gguf(gguf::GgufWriter& w, const Vocabulary& v) {
    w.add_string(kModel, v.model);
    w.add_string(kPre, v.pre);
    w.add_string_array(kTokens, v.tokens);
    std::vector<int32_t> types(v.types.size());
    for (size_t i = 0; i < types.size(); ++i) types[i] = static_cast<int32_t>(v.types[i]);
    w.add_int32_array(kTypes, types);
    w.add_string_array(kMerges, v.merges);
    if (v.bos >= 0) w.add_uint32(kBos, static_cast<uint32_t>(v.bos));
    if (v.eos >= 0) w.add_uint32(kEos, static_cast<uint32_t>(v.eos));
    if (v.pad >= 0) w.add_uint32(kPad, static_cast<uint32_t>(v.pad));
    w.add_bool(kAddBos, v.add_bos);
    w.add_bool(kAddEos, v.add_eos);
}

Result<Tokenizer> Tokenizer::load_gguf(const std::string& path) {
    auto file = gguf::GgufFile::open(path);
    if (!file) return file.status();
    auto v = read_vocabulary_gguf(*file.value());
    if (!v) return v.status().with_context(path);
    return from_vocabulary(std::move(v.value()));
}

} // namespace rwb
