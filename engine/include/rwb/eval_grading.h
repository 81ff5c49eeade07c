// Grading of a reasoning model's reply against a reference answer, as math benchmarks do it:
// the final answer is the last "\boxed{...}" of the ANSWER part (the text after "</think>"), or,
// when the answer has no box, its last number; it is compared by normalised exact match:
// numbers by value ("1,234" = "1234" = "1234.0", "\frac{1}{2}" = "1/2" = "0.5"), everything
// else as text after simple LaTeX clean-up ($...$, \text{}, \dfrac, \left/\right, spacing
// commands, degrees, a trailing period, "x =" prefixes). No symbolic algebra: "2x" != "x*2".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rwb::eval {

// The part of a whole reply after its last "</think>"; the whole text when there is none.
std::string_view answer_part(std::string_view reply);

// Content of the last complete "\boxed{...}" (or "\fbox{...}") with nested braces matched;
// "\boxed 5" (no braces) gives "5". nullopt when there is none.
std::optional<std::string> extract_boxed(std::string_view text);

// The last number of the text ("-12", "3.5", "1,234", "3/4"), as written; nullopt if none.
std::optional<std::string> extract_last_number(std::string_view text);

// The final answer of an answer text: its last box, else its last number, else "" (no answer).
std::string extract_answer(std::string_view answer_text);

// Canonical text of an answer: LaTeX clean-up, no spaces, numbers in a canonical form
// ("1,234.50" -> "1234.5", "\frac{1}{2}" -> "1/2", "0.5" -> "1/2"): equal normal forms mean
// equal answers. Used for grading and for majority votes.
std::string normalize_answer(std::string_view answer);

// Normalised exact match; an empty prediction never matches.
bool answers_match(std::string_view predicted, std::string_view reference);

} // namespace rwb::eval
