// Tables behind latexToHtml(): TeX command names -> Unicode, and Unicode super/subscripts.
#pragma once

#include <QString>

namespace rwb::ui::latex {

// Symbol for a command without arguments (\alpha -> "α", \le -> "≤", \quad -> em space),
// or a null QString when `name` is not a symbol command.
QString symbol(const QString& name);

// Upright function names written as text (\sin, \log, \max...).
bool isFunctionName(const QString& name);

// "x^2" written with Unicode superscript/subscript characters when every character has one,
// else a null QString.
QString toSuperscript(const QString& text);
QString toSubscript(const QString& text);

} // namespace rwb::ui::latex
