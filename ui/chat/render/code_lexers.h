// Fenced-code language names -> QScintilla lexers.
#pragma once

#include <QString>

class QObject;
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

} // namespace rwb::ui
