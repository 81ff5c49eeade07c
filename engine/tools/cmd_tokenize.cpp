// rwb tokenize: prints the token ids of a text with a model's (or vocabulary-only GGUF's)
// tokenizer: space-separated on one line, nothing (no BOS) added. Each --text-file gives one line,
// so a test can check many files with one vocabulary load. --show-pieces is for humans.
#include "cli_args.h"
#include "commands.h"
#include "rwb/tokenizer.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rwb::cli {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {{"-m", "--model"}, true, "GGUF model or vocabulary-only GGUF (or a tokenizer.json)", "FILE"},
    {{"--text-file"},
     true,
     "tokenize the whole content of FILE (repeatable: one line each)",
     "FILE"},
    {{"--text"}, true, "tokenize STRING", "STRING"},
    {{"--show-pieces"}, false, "one token per line: id, type and its text"},
    {{"--no-special"}, false, "do not match control tokens' text (user-defined ones still match)"},
    {{"--add-bos"}, false, "start with BOS when the vocabulary asks for it"},
    {{"-h", "--help"}, false, "show this help"},
};

Result<std::string> read_whole_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Result<std::string>::error("cannot read text file " + path +
                                          " (missing or not a file)");
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    if (!f) return Result<std::string>::error("cannot read text file " + path);
    return ss.str();
}

Result<Tokenizer> load_tokenizer(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Result<Tokenizer>::error("cannot open " + path + " (missing or not a file)");
    const std::filesystem::path p(path);
    if (p.extension() == ".json") {
        const auto config = p.parent_path() / "tokenizer_config.json";
        return Tokenizer::load_hf(
            path, std::filesystem::is_regular_file(config, ec) ? config.string() : "");
    }
    return Tokenizer::load_gguf(path);
}

// Printable form of a piece: C-style escapes for control bytes and quotes; a piece that is not
// whole UTF-8 characters (half of a character) is shown entirely as \xNN escapes.
std::string escape_piece(const std::string& piece) {
    const bool whole_chars = sanitize_utf8(piece) == piece;
    std::string out = "\"";
    char buf[8];
    for (unsigned char c : piece) {
        if (!whole_chars || c < 0x20 || c == 0x7F) {
            if (c == '\n' && whole_chars)
                out += "\\n";
            else if (c == '\t' && whole_chars)
                out += "\\t";
            else {
                std::snprintf(buf, sizeof buf, "\\x%02X", c);
                out += buf;
            }
        } else if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out + "\"";
}

const char* type_name(TokenType t) {
    switch (t) {
    case TokenType::Normal:
        return "normal";
    case TokenType::Control:
        return "control";
    case TokenType::UserDefined:
        return "user-defined";
    case TokenType::Unused:
        return "unused";
    case TokenType::Byte:
        return "byte";
    case TokenType::Unknown:
        return "unknown";
    default:
        return "undefined";
    }
}

void print_ids(const Tokenizer& tok, const std::vector<TokenId>& ids, bool pieces) {
    if (pieces) {
        for (TokenId id : ids)
            std::printf("%d\t%s\t%s\n", id, type_name(tok.token_type(id)),
                        escape_piece(tok.piece(id)).c_str());
        return;
    }
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) line.push_back(' ');
        line += std::to_string(ids[i]);
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
}

} // namespace

int cmd_tokenize(int argc, char** argv) {
    auto args = CliArgs::parse(argc, argv, kSpecs);
    if (!args) return fail("tokenize", args.message());
    if (args->has("--help")) {
        std::fputs(
            format_help("rwb tokenize -m FILE.gguf (--text-file F | --text STRING) [--show-pieces]",
                        kSpecs)
                .c_str(),
            stdout);
        return 0;
    }
    if (!args->positional().empty())
        return fail("tokenize",
                    "unexpected argument '" + args->positional().front() + "' (see --help)");
    if (!args->has("--model")) return fail("tokenize", "no model given (-m FILE.gguf)");
    const auto files = args->get_all("--text-file");
    const auto texts = args->get_all("--text");
    if (files.empty() && texts.empty())
        return fail("tokenize", "nothing to tokenize (--text-file F or --text STRING)");

    // Read every input first: a bad file name fails before any output.
    std::vector<std::string> inputs;
    for (const auto& f : files) {
        auto content = read_whole_file(f);
        if (!content) return fail("tokenize", content.message());
        inputs.push_back(std::move(content.value()));
    }
    for (const auto& t : texts) inputs.push_back(t);

    auto tok = load_tokenizer(args->get("--model"));
    if (!tok) return fail("tokenize", tok.message());
    const bool parse_special = !args->has("--no-special");
    const bool pieces = args->has("--show-pieces");
    for (const auto& text : inputs) {
        std::vector<TokenId> ids;
        if (args->has("--add-bos") && tok->add_bos() && tok->bos() >= 0) ids.push_back(tok->bos());
        auto body = tok->encode(text, parse_special);
        ids.insert(ids.end(), body.begin(), body.end());
        print_ids(tok.value(), ids, pieces);
    }
    std::fflush(stdout);
    return 0;
}

} // namespace rwb::cli
