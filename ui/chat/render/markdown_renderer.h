// Markdown (+ TeX math) -> QTextDocument. Uses Qt's own md4c-based importer for the structure
// (headings, lists, tables, emphasis, inline code, links) and protects math from it: math spans
// are cut out before Markdown parsing (so "_" and "*" inside them are not taken as emphasis)
// and put back afterwards as HTML produced by latexToHtml().
#pragma once

#include <QString>

class QTextDocument;

namespace rwb::ui {

class MarkdownRenderer {
public:
    // Replaces the document's content with the rendered Markdown. Math delimiters understood:
    // inline $...$ and \(...\), display $$...$$ and \[...\], plus a bare \boxed{...} in prose.
    // `streaming` = true: an unclosed display math block at the end is rendered as math so far
    // (instead of showing "$$" and raw TeX until the closing delimiter arrives).
    static void render(QTextDocument* doc, const QString& markdown, bool streaming = false);

    // Convenience for tests/copy: the rendered plain text of `markdown`.
    static QString toPlainText(const QString& markdown);
};

} // namespace rwb::ui
