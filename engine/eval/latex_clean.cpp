// LaTeX clean-up for grading (see latex_clean.h).
#include "latex_clean.h"

#include <array>
#include <cctype>

namespace rwb::eval::latex {
namespace {

bool is_letter(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

// Replaces every occurrence of `from` by `to`. (Builds a new string: GCC 12 warns falsely
// (-Wrestrict) about std::string::replace inlined here.)
void replace_all(std::string& s, std::string_view from, std::string_view to) {
    if (s.find(from) == std::string::npos) return;
    std::string out;
    out.reserve(s.size());
    size_t pos = 0, at;
    while ((at = s.find(from, pos)) != std::string::npos) {
        out.append(s, pos, at - pos);
        out.append(to);
        pos = at + from.size();
    }
    out.append(s, pos, std::string::npos);
    s = std::move(out);
}

// Removes a command given without its backslash-free name clash: "\left" but not "\leftarrow".
void remove_command(std::string& s, std::string_view command) {
    size_t at = 0;
    while ((at = s.find(command, at)) != std::string::npos) {
        const size_t end = at + command.size();
        if (end < s.size() && is_letter(s[end])) {
            at = end;
            continue;
        }
        s.erase(at, command.size());
    }
}

// "\text{abc}" -> "abc" for each wrapper command (nested ones too).
void unwrap_commands(std::string& s) {
    static constexpr std::array<std::string_view, 9> kWrappers = {
        "\\text", "\\textbf", "\\textit", "\\mathrm",      "\\mathbf",
        "\\mbox", "\\textrm", "\\mathit", "\\operatorname"};
    bool changed = true;
    while (changed) {
        changed = false;
        for (std::string_view w : kWrappers) {
            size_t at = 0;
            while ((at = s.find(w, at)) != std::string::npos) {
                const size_t open = at + w.size();
                if (open >= s.size() || s[open] != '{') {
                    at = open;
                    continue;
                }
                const auto close = matching_brace(s, open);
                if (!close) break;
                s.erase(*close, 1);
                s.erase(at, open + 1 - at);
                changed = true;
            }
        }
    }
}

// True when the whole of `s` is one "{...}" group.
bool wrapped_in_braces(const std::string& s) {
    if (s.size() < 2 || s.front() != '{') return false;
    const auto close = matching_brace(s, 0);
    return close && *close == s.size() - 1;
}

// A single number or letter needs no parentheses in "a/b".
bool is_atom(std::string_view s) {
    if (s.size() == 1 && is_letter(s[0])) return true;
    if (s.empty()) return false;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    bool dot = false;
    for (; i < s.size(); ++i) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

// One argument of a command at `i`: "{...}" or a single character. Returns [start, end) of the
// argument's content and the index after it; nullopt if there is none.
struct Argument {
    std::string_view content;
    size_t next = 0;
};
std::optional<Argument> read_argument(std::string_view s, size_t i) {
    if (i >= s.size()) return std::nullopt;
    if (s[i] == '{') {
        const auto close = matching_brace(s, i);
        if (!close) return std::nullopt;
        return Argument{s.substr(i + 1, *close - i - 1), *close + 1};
    }
    if (s[i] == '\\' || s[i] == '}') return std::nullopt;
    return Argument{s.substr(i, 1), i + 1};
}

// Appends `s` to `out`, in parentheses unless it is an atom. (Built with append: GCC 12 warns
// falsely (-Wrestrict) about operator+ chains here.)
void append_group(std::string& out, std::string_view s) {
    if (is_atom(s)) {
        out.append(s);
        return;
    }
    out.push_back('(');
    out.append(s);
    out.push_back(')');
}

} // namespace

std::optional<size_t> matching_brace(std::string_view text, size_t open) {
    int depth = 0;
    for (size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            ++i; // "\{", "\}" and any other escaped character
            continue;
        }
        if (c == '{') ++depth;
        if (c == '}' && --depth == 0) return i;
    }
    return std::nullopt;
}

std::string clean(std::string_view answer) {
    std::string s(answer);
    replace_all(s, "\\$", "");
    replace_all(s, "\\%", "");
    replace_all(s, "%", "");
    replace_all(s, "$", "");
    for (std::string_view d : {"\\(", "\\)", "\\[", "\\]"}) replace_all(s, d, "");
    replace_all(s, "\\dfrac", "\\frac");
    replace_all(s, "\\tfrac", "\\frac");
    replace_all(s, "{,}", ",");
    replace_all(s, "^{\\circ}", "");
    replace_all(s, "^\\circ", "");
    replace_all(s, "\xC2\xB0", ""); // the degree sign
    for (std::string_view sp : {"\\!", "\\,", "\\;", "\\:", "\\ ", "~"}) replace_all(s, sp, " ");
    remove_command(s, "\\left");
    remove_command(s, "\\right");
    remove_command(s, "\\displaystyle");
    remove_command(s, "\\quad");
    unwrap_commands(s);
    std::string out;
    out.reserve(s.size());
    for (char c : s)
        if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    // Repeat the outer clean-ups until nothing changes ("{5}." -> "5").
    for (bool changed = true; changed;) {
        changed = false;
        while (!out.empty() && (out.back() == '.' || out.back() == ',')) {
            out.pop_back();
            changed = true;
        }
        if (wrapped_in_braces(out)) {
            out = out.substr(1, out.size() - 2);
            changed = true;
        }
    }
    return out;
}

std::string rewrite_fractions(std::string_view in) {
    std::string out;
    size_t i = 0;
    while (i < in.size()) {
        if (in.compare(i, 5, "\\frac") == 0 && !(i + 5 < in.size() && is_letter(in[i + 5]))) {
            auto num = read_argument(in, i + 5);
            auto den = num ? read_argument(in, num->next) : std::nullopt;
            if (num && den) {
                append_group(out, rewrite_fractions(num->content));
                out.push_back('/');
                append_group(out, rewrite_fractions(den->content));
                i = den->next;
                continue;
            }
        }
        if (in.compare(i, 5, "\\sqrt") == 0 && !(i + 5 < in.size() && is_letter(in[i + 5]))) {
            if (auto arg = read_argument(in, i + 5)) {
                out.append("\\sqrt{");
                out.append(rewrite_fractions(arg->content));
                out.push_back('}');
                i = arg->next;
                continue;
            }
        }
        out += in[i++];
    }
    return out;
}

} // namespace rwb::eval::latex
