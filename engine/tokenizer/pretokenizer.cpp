// PCRE2-backed pre-tokenizer. The patterns are the published ones of Qwen2's and Llama 3's
// tokenizer.json (they differ only in \p{N} versus \p{N}{1,3}).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/pretokenizer.h"

#include <pcre2.h>

namespace rwb::tok {

namespace {

constexpr const char* kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// The reference tokenizer (Hugging Face tokenizers, Rust, Oniguruma) reads \s as the Unicode
// White_Space property. PCRE2's \s with UCP differs (no U+0085) and so does JavaScript's (it adds
// U+FEFF), so \s and \S are spelled out as that property's members.
constexpr const char* kWhiteSpace =
    R"(\t\n\x0B\f\r\x20\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

std::string with_white_space_property(const std::string& pattern) {
    std::string out;
    bool in_class = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[i + 1];
            ++i;
            if (e == 's') {
                out += in_class ? std::string(kWhiteSpace) : "[" + std::string(kWhiteSpace) + "]";
            } else if (e == 'S' && !in_class) {
                out += "[^" + std::string(kWhiteSpace) + "]";
            } else {
                out.push_back('\\');
                out.push_back(e);
            }
            continue;
        }
        if (c == '[') in_class = true;
        if (c == ']') in_class = false;
        out.push_back(c);
    }
    return out;
}

// Per-thread match state: match data sized for the whole match only (works with any pattern)
// and a JIT stack large enough for long whitespace runs.
struct ThreadMatchState {
    pcre2_match_data* data = nullptr;
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* jit_stack = nullptr;
    ThreadMatchState() {
        data = pcre2_match_data_create(1, nullptr);
        context = pcre2_match_context_create(nullptr);
        jit_stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, nullptr);
        if (context && jit_stack) pcre2_jit_stack_assign(context, nullptr, jit_stack);
    }
    ~ThreadMatchState() {
        pcre2_jit_stack_free(jit_stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
};

ThreadMatchState& thread_state() {
    thread_local ThreadMatchState state;
    return state;
}

} // namespace

struct Pretokenizer::Impl {
    pcre2_code* code = nullptr;
    ~Impl() { pcre2_code_free(code); }
};

std::string Pretokenizer::pattern_for(const std::string& pre) {
    if (pre == "qwen2" || pre == "deepseek-r1-qwen") return kQwen2Pattern;
    if (pre == "llama-bpe") return kLlama3Pattern;
    return {};
}

Pretokenizer::~Pretokenizer() = default;

Result<std::unique_ptr<Pretokenizer>> Pretokenizer::create(const std::string& pre) {
    const std::string published = pattern_for(pre);
    if (published.empty())
        return Result<std::unique_ptr<Pretokenizer>>::error("unknown pre-tokenizer '" + pre + "'");
    const std::string pattern = with_white_space_property(published);
    int err = 0;
    PCRE2_SIZE err_offset = 0;
    pcre2_code* code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                      PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &err_offset, nullptr);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        return Result<std::unique_ptr<Pretokenizer>>::error(
            "pre-tokenizer regex does not compile: " + std::string(reinterpret_cast<char*>(msg)));
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); // the interpreter is used if JIT is unavailable
    std::unique_ptr<Pretokenizer> p(new Pretokenizer());
    p->impl_ = std::make_unique<Impl>();
    p->impl_->code = code;
    return p;
}

void Pretokenizer::split(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
    ThreadMatchState& st = thread_state();
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t pos = 0;
    size_t gap_start = 0;
    while (pos < text.size()) {
        const int rc = pcre2_match(impl_->code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK,
                                   st.data, st.context);
        if (rc < 0) break; // no more matches (or a resource limit): the rest is one piece
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(st.data);
        const size_t b = ov[0], e = ov[1];
        if (b > gap_start) out.emplace_back(gap_start, b);
        if (e > b) {
            out.emplace_back(b, e);
            pos = e;
        } else {
            // An empty match cannot happen with these patterns; step over one character anyway.
            pos = b + 1;
            while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
                ++pos;
            continue;
        }
        gap_start = e;
    }
    if (gap_start < text.size()) out.emplace_back(gap_start, text.size());
}

} // namespace rwb::tok
