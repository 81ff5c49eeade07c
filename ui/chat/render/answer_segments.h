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

// Fences: ``` or ~~~ (3 or more), closed by the same character repeated at least as often.
// Text segments that are only whitespace are dropped; long prose (> ~1500 characters) is
// cut at paragraph boundaries into several Text segments (never inside a list or display
// math), so that a streaming answer re-renders only its last segment.
QList<AnswerSegment> splitAnswerSegments(const QString& markdown);

} // namespace rwb::ui
