// Normal forms of answers: LaTeX clean-up, then numbers as exact reduced fractions so that
// "0.5", "1/2" and "\frac{1}{2}" are one answer (decimals are exact: 0.333 != 1/3).
#include "rwb/eval_grading.h"

#include "latex_clean.h"

#include <cctype>
#include <cstdint>

namespace rwb::eval {
namespace {

struct Rational {
    __int128 num = 0;
    __int128 den = 1;
};

constexpr __int128 kLimit = __int128(1) << 100; // far from overflow in cross products

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

__int128 gcd128(__int128 a, __int128 b) {
    if (a < 0) a = -a;
    while (b != 0) {
        const __int128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

// "[-+]digits[.digits]" exactly; nullopt for anything else or numbers too long to be exact.
std::optional<Rational> parse_decimal(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (!s.empty() && s.front() == '(' && s.back() == ')') s = s.substr(1, s.size() - 2);
    Rational r;
    bool any_digit = false, dot = false;
    for (char c : s) {
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!is_digit(c)) return std::nullopt;
        any_digit = true;
        r.num = r.num * 10 + (c - '0');
        if (dot) r.den *= 10;
        if (r.num > kLimit || r.den > kLimit) return std::nullopt;
    }
    if (!any_digit) return std::nullopt;
    if (negative) r.num = -r.num;
    return r;
}

// A decimal, or "a/b" of two decimals (each optionally in parentheses).
std::optional<Rational> parse_number(std::string_view s) {
    const size_t slash = s.find('/');
    if (slash == std::string_view::npos) return parse_decimal(s);
    auto a = parse_decimal(s.substr(0, slash));
    auto b = parse_decimal(s.substr(slash + 1));
    if (!a || !b || b->num == 0) return std::nullopt;
    // (an/ad) / (bn/bd) = an*bd / (ad*bn)
    Rational r{a->num * b->den, a->den * b->num};
    if (r.den < 0) {
        r.num = -r.num;
        r.den = -r.den;
    }
    return r;
}

std::string to_string(__int128 v) {
    if (v == 0) return "0";
    const bool negative = v < 0;
    if (negative) v = -v;
    std::string digits;
    while (v > 0) {
        digits.insert(digits.begin(), char('0' + int(v % 10)));
        v /= 10;
    }
    return negative ? "-" + digits : digits;
}

std::string canonical(Rational r) {
    const __int128 g = gcd128(r.num, r.den);
    if (g > 1) {
        r.num /= g;
        r.den /= g;
    }
    return r.den == 1 ? to_string(r.num) : to_string(r.num) + "/" + to_string(r.den);
}

// "1,234,567.5" -> "1234567.5" when every group after the first has exactly three digits.
std::string drop_thousands_separators(const std::string& s) {
    if (s.find(',') == std::string::npos) return s;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    size_t lead = 0;
    while (i + lead < s.size() && is_digit(s[i + lead])) ++lead;
    if (lead == 0 || lead > 3) return s;
    size_t j = i + lead;
    while (j < s.size() && s[j] == ',') {
        for (size_t k = 1; k <= 3; ++k)
            if (j + k >= s.size() || !is_digit(s[j + k])) return s;
        j += 4;
    }
    if (j < s.size() && s[j] != '.') return s;
    std::string out;
    for (char c : s)
        if (c != ',') out += c;
    return out;
}

// "x=5" -> "5", "y=\frac{1}{2}" -> "\frac{1}{2}": a single-letter variable prefix.
std::string drop_variable_prefix(const std::string& s) {
    if (s.size() > 2 && std::isalpha(static_cast<unsigned char>(s[0])) && s[1] == '=')
        return s.substr(2);
    return s;
}

} // namespace

std::string normalize_answer(std::string_view answer) {
    std::string s = latex::clean(answer);
    // A box inside the answer ("\boxed{5}" as the reference) counts as its content.
    if (s.rfind("\\boxed", 0) == 0)
        if (auto inner = extract_boxed(s)) s = latex::clean(*inner);
    s = drop_variable_prefix(s);
    s = latex::rewrite_fractions(s);
    s = drop_thousands_separators(s);
    if (auto number = parse_number(s)) return canonical(*number);
    // Plain words compare without case ("Yes" = "yes"); LaTeX stays case-sensitive (\Pi, \pi).
    bool letters_only = !s.empty();
    for (char c : s)
        if (!std::isalpha(static_cast<unsigned char>(c))) letters_only = false;
    if (letters_only)
        for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool answers_match(std::string_view predicted, std::string_view reference) {
    const std::string p = normalize_answer(predicted);
    return !p.empty() && p == normalize_answer(reference);
}

} // namespace rwb::eval
