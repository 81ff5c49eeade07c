// Fenced-code language names -> QScintilla lexers.
#pragma once

#include <QString>

class QColor;
class QFont;
class QObject;
class QPalette;
class QsciLexer;

namespace rwb::ui {

// Canonical short name for a fence info string: "c++"/"cxx"/"hpp" -> "cpp", "py" -> "python",
// "ts"/"typescript"/"jsx" -> "javascript", "sh"/"shell"/"zsh" -> "bash", "yml" -> "yaml",
// "htm"/"svg" -> "html"/"xml", "md" -> "markdown"... Unknown names are returned lower-cased.
QString canonicalCodeLanguage(const QString& infoString);

// A new lexer for the language (owned by `parent`), or nullptr when the language is unknown
// (the code is then shown plain). Covers cpp/c, python, javascript/typescript, json, bash,
// sql, html, xml, css, markdown, yaml, cmake, makefile, java, csharp, lua, perl, ruby, diff...
QsciLexer* createCodeLexer(const QString& language, QObject* parent);

// Colours and fonts for `lexer` that suit `palette`: on a light palette the lexer keeps its own
// colours on a light grey paper; on a dark palette the paper is dark and every style colour
// too dark to read on it is mirrored in lightness (same hue). `font` goes to every style.
void applyCodeTheme(QsciLexer* lexer, const QPalette& palette, const QFont& font);

// The same on a given paper (the prompt editor uses the palette's Base/Text).
void applyLexerColours(QsciLexer* lexer, const QColor& paper, const QColor& ink, const QFont& font);

// True when the palette's window colour is dark (a dark theme).
bool isDarkPalette(const QPalette& palette);

} // namespace rwb::ui
