// tokenizer.json -> Vocabulary. Added tokens with "special": true become control tokens, the
// others user-defined (as llama.cpp's converter types them); the pre-tokenizer is recognised by
// its regex; R1-Distill-Qwen (Qwen2 regex + <｜begin▁of▁sentence｜>) gets "deepseek-r1-qwen".
#include "tokenizer/hf_tokenizer_json.h"

#include "tokenizer/pretokenizer.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace rwb {

using nlohmann::json;

namespace {

Result<std::string> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return Result<std::string>::error("cannot open " + path);
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) return Result<std::string>::error("cannot read " + path);
    return ss.str();
}

// The Split regex of the pre_tokenizer (directly or inside a Sequence), or "".
std::string find_split_regex(const json& pre) {
    if (!pre.is_object()) return {};
    const std::string type = pre.value("type", "");
    if (type == "Split" && pre.contains("pattern") && pre["pattern"].is_object() &&
        pre["pattern"].contains("Regex") && pre["pattern"]["Regex"].is_string())
        return pre["pattern"]["Regex"].get<std::string>();
    if (type == "Sequence" && pre.contains("pretokenizers") && pre["pretokenizers"].is_array())
        for (const json& p : pre["pretokenizers"]) {
            std::string r = find_split_regex(p);
            if (!r.empty()) return r;
        }
    return {};
}

bool has_nfc(const json& norm) {
    if (!norm.is_object()) return false;
    const std::string type = norm.value("type", "");
    if (type == "NFC") return true;
    if (type == "Sequence" && norm.contains("normalizers") && norm["normalizers"].is_array())
        for (const json& n : norm["normalizers"])
            if (has_nfc(n)) return true;
    return false;
}

// "bos_token": "<s>" or {"content": "<s>", ...}
std::string token_name(const json& cfg, const char* key) {
    if (!cfg.is_object() || !cfg.contains(key)) return {};
    const json& v = cfg[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v["content"].is_string())
        return v["content"].get<std::string>();
    return {};
}

// The special token a TemplateProcessing post-processor puts first, if any.
std::string leading_template_token(const json& post) {
    if (!post.is_object()) return {};
    if (post.value("type", "") == "Sequence" && post.contains("processors") &&
        post["processors"].is_array()) {
        for (const json& p : post["processors"]) {
            std::string t = leading_template_token(p);
            if (!t.empty()) return t;
        }
        return {};
    }
    if (post.value("type", "") != "TemplateProcessing" || !post.contains("single") ||
        !post["single"].is_array() || post["single"].empty())
        return {};
    const json& first = post["single"][0];
    if (first.is_object() && first.contains("SpecialToken") && first["SpecialToken"].is_object())
        return first["SpecialToken"].value("id", "");
    return {};
}

Result<Vocabulary> parse(const json& j, const json& cfg) {
    if (!j.is_object() || !j.contains("model") || !j["model"].is_object())
        return Result<Vocabulary>::error("tokenizer.json has no model");
    const json& model = j["model"];
    if (model.value("type", "") != "BPE")
        return Result<Vocabulary>::error("tokenizer.json model type '" + model.value("type", "?") +
                                         "' is not supported (only BPE)");
    if (!model.contains("vocab") || !model["vocab"].is_object())
        return Result<Vocabulary>::error("tokenizer.json model has no vocab");

    Vocabulary v;
    const std::string regex = find_split_regex(j.value("pre_tokenizer", json()));
    if (regex == tok::Pretokenizer::pattern_for("qwen2"))
        v.pre = "qwen2";
    else if (regex == tok::Pretokenizer::pattern_for("llama-bpe"))
        v.pre = "llama-bpe";
    else
        return Result<Vocabulary>::error(
            "tokenizer.json pre-tokenizer is neither Qwen2's nor Llama 3's (supported: " +
            std::string(supported_pre_tokenizers()) + ")");

    // Ids: the model vocab, then added tokens (which may also sit inside the vocab's range).
    size_t n = 0;
    for (const auto& [text, id] : model["vocab"].items()) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= (1 << 24))
            return Result<Vocabulary>::error("tokenizer.json vocab id of '" + text +
                                             "' is invalid");
        n = std::max(n, static_cast<size_t>(id.get<int64_t>()) + 1);
    }
    const json added = j.value("added_tokens", json::array());
    for (const json& a : added) {
        if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() ||
            a["id"].get<int64_t>() < 0 || a["id"].get<int64_t>() >= (1 << 24) ||
            !a.contains("content") || !a["content"].is_string())
            return Result<Vocabulary>::error("tokenizer.json has a malformed added token");
        n = std::max(n, static_cast<size_t>(a["id"].get<int64_t>()) + 1);
    }
    v.tokens.assign(n, std::string());
    v.types.assign(n, TokenType::Unused);
    for (const auto& [text, id] : model["vocab"].items()) {
        const auto i = static_cast<size_t>(id.get<int64_t>());
        v.tokens[i] = text;
        v.types[i] = TokenType::Normal;
    }
    for (const json& a : added) {
        const auto i = static_cast<size_t>(a["id"].get<int64_t>());
        v.tokens[i] = a["content"].get<std::string>();
        v.types[i] = a.value("special", false) ? TokenType::Control : TokenType::UserDefined;
    }
    for (size_t i = 0; i < n; ++i)
        if (v.types[i] == TokenType::Unused) v.tokens[i] = "[PAD" + std::to_string(i) + "]";

    if (model.contains("merges") && model["merges"].is_array()) {
        v.merges.reserve(model["merges"].size());
        for (const json& m : model["merges"]) {
            if (m.is_string())
                v.merges.push_back(m.get<std::string>());
            else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string())
                v.merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
            else
                return Result<Vocabulary>::error("tokenizer.json has a malformed merge");
        }
    }
    v.ignore_merges = model.value("ignore_merges", false);
    v.nfc = has_nfc(j.value("normalizer", json()));

    auto id_of = [&](const std::string& name) -> TokenId {
        if (name.empty()) return -1;
        for (size_t i = 0; i < n; ++i)
            if (v.types[i] != TokenType::Normal && v.tokens[i] == name)
                return static_cast<TokenId>(i);
        auto it = model["vocab"].find(name);
        if (it != model["vocab"].end()) return static_cast<TokenId>(it->get<int64_t>());
        return -1;
    };
    const std::string template_bos = leading_template_token(j.value("post_processor", json()));
    std::string bos_name = token_name(cfg, "bos_token");
    if (bos_name.empty()) bos_name = template_bos;
    v.bos = id_of(bos_name);
    v.eos = id_of(token_name(cfg, "eos_token"));
    v.pad = id_of(token_name(cfg, "pad_token"));
    if (cfg.is_object() && cfg.contains("add_bos_token") && cfg["add_bos_token"].is_boolean())
        v.add_bos = cfg["add_bos_token"].get<bool>();
    else
        v.add_bos = !template_bos.empty();
    if (cfg.is_object() && cfg.contains("add_eos_token") && cfg["add_eos_token"].is_boolean())
        v.add_eos = cfg["add_eos_token"].get<bool>();

    if (v.pre == "qwen2" && id_of("<｜begin▁of▁sentence｜>") >= 0) v.pre = "deepseek-r1-qwen";
    return v;
}

} // namespace

Result<Vocabulary> parse_hf_vocabulary(std::string_view tokenizer_json,
                                       std::string_view config_json) {
    json j = json::parse(tokenizer_json.begin(), tokenizer_json.end(), nullptr, false);
    if (j.is_discarded()) return Result<Vocabulary>::error("tokenizer.json is not valid JSON");
    json cfg;
    if (!config_json.empty()) {
        cfg = json::parse(config_json.begin(), config_json.end(), nullptr, false);
        if (cfg.is_discarded())
            return Result<Vocabulary>::error("tokenizer_config.json is not valid JSON");
    }
    try {
        return parse(j, cfg);
    } catch (const json::exception& e) { // a value of an unexpected type somewhere
        return Result<Vocabulary>::error(std::string("tokenizer.json: ") + e.what());
    }
}

Result<Vocabulary> load_hf_vocabulary(const std::string& tokenizer_json_path,
                                      const std::string& tokenizer_config_path) {
    auto text = read_file(tokenizer_json_path);
    if (!text) return text.status();
    std::string cfg;
    if (!tokenizer_config_path.empty()) {
        auto c = read_file(tokenizer_config_path);
        if (!c) return c.status();
        cfg = std::move(c.value());
    }
    auto v = parse_hf_vocabulary(text.value(), cfg);
    if (!v) return v.status().with_context(tokenizer_json_path);
    return v;
}

} // namespace rwb

namespace rwb {

Result<Tokenizer> Tokenizer::load_hf(const std::string& tokenizer_json_path,
                                     const std::string& tokenizer_config_path) {
    auto v = load_hf_vocabulary(tokenizer_json_path, tokenizer_config_path);
    if (!v) return v.status();
    return from_vocabulary(std::move(v.value()));
}

} // namespace rwb
