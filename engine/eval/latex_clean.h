// LaTeX clean-up for answer grading: the few rewrites that make two ways of writing one simple
// answer the same text. Private to the eval folder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rwb::eval::latex {

// Index of the "}" that closes the "{" at `open` (nested braces counted, "\{" and "\}" skipped);
// nullopt when the text ends first.
std::optional<size_t> matching_brace(std::string_view text, size_t open);

// $...$ and \(...\) delimiters, \text{}-like wrappers, \dfrac/\tfrac, \left/\right, spacing
// commands, degrees, percent signs, all whitespace, outer braces, a trailing period.
std::string clean(std::string_view answer);

// "\frac{a}{b}" -> "a/b" (parenthesised when not a single number or letter), "\frac12" -> "1/2",
// "\sqrt2" -> "\sqrt{2}". Expects clean() output.
std::string rewrite_fractions(std::string_view answer);

} // namespace rwb::eval::latex
