// Splits an answer's Markdown into the vertical sequence of segments the AnswerView shows:
// rich text, fenced code, rich text... Works on partial (still streaming) text: an unclosed
// ``` fence yields a code segment with `closed == false` that keeps growing.
#pragma once

#include <QList>
#include <QString>

namespace rwb::ui {

struct AnswerSegment {
    enum class Kind { Text, Code };
    Kind kind = Kind::Text;
    QString text;       // Markdown for Text; the code itself (no fences) for Code
    QString language;   // Code only: the info string's first word, lower-case ("cpp", "python", "")
    bool closed = true; // Code only: false while the closing fence has not arrived yet

    bool operator==(const AnswerSegment&) const = default;
};

// Fences: ``` or ~~~ (3 or more), indented by up to 3 spaces, closed by the same character
// repeated at least as often. Text segments that are only whitespace are dropped.
QList<AnswerSegment> splitAnswerSegments(const QString& markdown);

} // namespace rwb::ui
