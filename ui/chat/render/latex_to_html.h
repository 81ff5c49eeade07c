// LaTeX-style math -> readable HTML for Qt's rich-text engine (QTextDocument's HTML subset).
// Models write math as TeX; users should see "x² + 1 ≤ √2", not "x^2 + 1 \le \sqrt{2}".
// This is not a TeX engine: it maps the common commands (fractions, roots, scripts, Greek,
// relations, \text, \boxed, \left/\right...) to Unicode and <sup>/<sub>, tolerates unbalanced
// braces (text is still streaming in) and never leaves a raw backslash for known commands.
#pragma once

#include <QString>

namespace rwb::ui {

// Converts the TeX *inside* the delimiters (no $ / \( / \[) to an HTML fragment.
// `display` = true for $$...$$ / \[...\]: the caller places it on its own centred line.
// \boxed{x} becomes a framed bold box (a bordered span). Unknown commands keep their name
// without the backslash ("\foo" -> "foo"), so nothing raw leaks through.
QString latexToHtml(const QString& tex, bool display = false);

// Same conversion to plain Unicode text (used for copy/accessibility and by tests):
// "\frac{a+b}{2}" -> "(a+b)/2", "x^{2}" -> "x²", "\boxed{124}" -> "[124]".
QString latexToPlainText(const QString& tex);

} // namespace rwb::ui
