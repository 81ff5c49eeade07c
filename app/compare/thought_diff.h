// Thought diff: two chains of thought aligned paragraph by paragraph (a longest common
// subsequence of paragraphs compared without surrounding whitespace), with the first row where
// they stop agreeing marked, so a user sees where two models' reasoning parted.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace rwb::compare {

struct DiffRow {
    int left = -1;  // paragraph index in the left text; -1: nothing on this side
    int right = -1; // paragraph index in the right text
    bool same = false;
};

struct ThoughtDiff {
    QStringList leftParagraphs, rightParagraphs;
    QVector<DiffRow> rows;
    int firstDivergence = -1; // first row that is not `same`; -1: the thoughts are identical
};

// Paragraphs: blocks separated by blank lines (a single newline stays inside a paragraph).
QStringList splitParagraphs(const QString& text);

ThoughtDiff diffThoughts(const QString& left, const QString& right);

} // namespace rwb::compare
