// Finding the final answer in a reply: the answer part, its last box, or its last number.
#include "rwb/eval_grading.h"

#include "latex_clean.h"

#include <cctype>

namespace rwb::eval {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Digits from `i`; returns the end.
size_t skip_digits(std::string_view t, size_t i) {
    while (i < t.size() && is_digit(t[i])) ++i;
    return i;
}

// One number starting at a digit `i` ("1,234.5", "3/4"); returns its end.
size_t number_end(std::string_view t, size_t i) {
    size_t end = skip_digits(t, i);
    // Thousands groups: ",ddd" not followed by another digit.
    while (end + 4 <= t.size() && t[end] == ',' && is_digit(t[end + 1]) && is_digit(t[end + 2]) &&
           is_digit(t[end + 3]) && (end + 4 == t.size() || !is_digit(t[end + 4])))
        end += 4;
    if (end + 1 < t.size() && t[end] == '.' && is_digit(t[end + 1])) end = skip_digits(t, end + 1);
    if (end + 1 < t.size() && t[end] == '/' && is_digit(t[end + 1])) end = skip_digits(t, end + 1);
    return end;
}

} // namespace

std::string_view answer_part(std::string_view reply) {
    constexpr std::string_view kClose = "</think>";
    const size_t at = reply.rfind(kClose);
    return at == std::string_view::npos ? reply : reply.substr(at + kClose.size());
}

std::optional<std::string> extract_boxed(std::string_view text) {
    std::optional<std::string> last;
    size_t last_at = 0;
    for (std::string_view command : {std::string_view("\\boxed"), std::string_view("\\fbox")}) {
        size_t from = 0, at;
        while ((at = text.find(command, from)) != std::string_view::npos) {
            from = at + command.size();
            size_t i = from;
            while (i < text.size() && text[i] == ' ') ++i;
            std::optional<std::string> content;
            size_t end = i;
            if (i < text.size() && text[i] == '{') {
                if (auto close = latex::matching_brace(text, i)) {
                    content = std::string(text.substr(i + 1, *close - i - 1));
                    end = *close;
                }
            } else if (i > from) {
                // "\boxed 5": the next word, up to a space, "$" or the end.
                while (end < text.size() && text[end] != ' ' && text[end] != '$' &&
                       text[end] != '\n')
                    ++end;
                if (end > i) content = std::string(text.substr(i, end - i));
            }
            // Keep the box that appears last in the text, whichever command wrote it.
            if (content && (!last || at > last_at)) {
                last = std::move(content);
                last_at = at;
            }
        }
    }
    return last;
}

std::optional<std::string> extract_last_number(std::string_view text) {
    std::optional<std::string> last;
    size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            ++i;
            continue;
        }
        // A number glued to letters ("x2", "a1b") is a name, not a number.
        const bool glued =
            i > 0 && (std::isalpha(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
        size_t start = i;
        const size_t end = number_end(text, i);
        if (start > 0 && text[start - 1] == '-' &&
            (start == 1 || !std::isalnum(static_cast<unsigned char>(text[start - 2]))))
            --start;
        if (!glued) last = std::string(text.substr(start, end - start));
        i = end;
    }
    return last;
}

std::string extract_answer(std::string_view answer_text) {
    if (auto boxed = extract_boxed(answer_text)) return *boxed;
    if (auto number = extract_last_number(answer_text)) return *number;
    return {};
}

} // namespace rwb::eval
