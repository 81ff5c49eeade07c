// Tokenizer metadata of a Hugging Face folder for `rwb convert` (see hf_tokenizer_meta.h).
#include "convert/hf_tokenizer_meta.h"

#include "tokenizer/hf_tokenizer_json.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rwb::convert {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

bool read_file(const fs::path& p, std::string& out) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

// tokenizer_config.json's chat_template is a string, or a list of {name, template} of which
// "default" is the chat template; newer transformers write chat_template.jinja instead.
Result<std::string> read_chat_template(const fs::path& dir) {
    std::string text;
    if (read_file(dir / "tokenizer_config.json", text)) {
        json cfg = json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (cfg.is_discarded() || !cfg.is_object())
            return Result<std::string>::error("tokenizer_config.json is not valid JSON");
        auto it = cfg.find("chat_template");
        if (it != cfg.end() && it->is_string()) return it->get<std::string>();
        if (it != cfg.end() && it->is_array()) {
            for (const json& t : *it)
                if (t.is_object() && t.value("name", "") == "default" && t.contains("template") &&
                    t["template"].is_string())
                    return t["template"].get<std::string>();
        }
    }
    if (read_file(dir / "chat_template.jinja", text)) return text;
    return std::string();
}

} // namespace

Result<HfTokenizerMeta> load_hf_tokenizer_meta(const std::string& hf_dir, int64_t n_vocab) {
    using R = Result<HfTokenizerMeta>;
    const fs::path dir(hf_dir);
    const fs::path tok_json = dir / "tokenizer.json";
    const fs::path tok_cfg = dir / "tokenizer_config.json";
    std::error_code ec;
    if (!fs::exists(tok_json, ec)) return R::error("no tokenizer.json in " + hf_dir);
    auto vocab = load_hf_vocabulary(tok_json.string(),
                                    fs::exists(tok_cfg, ec) ? tok_cfg.string() : std::string());
    if (!vocab) return vocab.status().with_context("tokenizer.json");
    HfTokenizerMeta meta;
    meta.vocab = std::move(vocab.value());
    const auto n_tok = static_cast<int64_t>(meta.vocab.tokens.size());
    if (n_tok > n_vocab)
        return R::error("tokenizer has " + std::to_string(n_tok) +
                        " tokens but the model's vocab_size is " + std::to_string(n_vocab));
    // Real checkpoints pad the embedding past the tokenizer (e.g. 152064 rows for 151665 tokens);
    // llama.cpp's converter names the extra ids [PAD<id>] with type unused.
    for (int64_t id = n_tok; id < n_vocab; ++id) {
        meta.vocab.tokens.push_back("[PAD" + std::to_string(id) + "]");
        meta.vocab.types.push_back(TokenType::Unused);
    }
    auto tmpl = read_chat_template(dir);
    if (!tmpl) return tmpl.status();
    meta.chat_template = std::move(tmpl.value());
    return meta;
}

} // namespace rwb::convert
