#include "chat/render/answer_segments.h"

#include <QRegularExpression>
#include <QStringList>

namespace rwb::ui {

namespace {

constexpr qsizetype kChunkChars = 1500;

struct Fence {
    QChar ch;
    int length = 0;
    QString info;
    int indent = 0; // a fence inside a list item is indented; its code lines are too
};

// An opening fence line: indentation, then ``` or ~~~ (3+), then the info string. Any
// indentation is accepted (models indent fences inside list items by 3-4 spaces).
// Backtick fences may not have a backtick in their info string (CommonMark).
bool parseOpeningFence(const QString& line, Fence* fence) {
    int i = 0;
    while (i < line.size() && line.at(i) == QLatin1Char(' ')) ++i;
    if (i >= line.size()) return false;
    const QChar ch = line.at(i);
    if (ch != QLatin1Char('`') && ch != QLatin1Char('~')) return false;
    int n = 0;
    while (i + n < line.size() && line.at(i + n) == ch) ++n;
    if (n < 3) return false;
    const QString info = line.mid(i + n).trimmed();
    if (ch == QLatin1Char('`') && info.contains(QLatin1Char('`'))) return false;
    fence->ch = ch;
    fence->length = n;
    fence->info = info;
    fence->indent = i;
    return true;
}

bool isClosingFence(const QString& line, const Fence& fence) {
    int i = 0;
    while (i < line.size() && line.at(i) == QLatin1Char(' ')) ++i;
    int n = 0;
    while (i + n < line.size() && line.at(i + n) == fence.ch) ++n;
    return n >= fence.length && line.mid(i + n).trimmed().isEmpty();
}

QString languageOf(const QString& info) {
    const QString first = info.section(QLatin1Char(' '), 0, 0, QString::SectionSkipEmpty);
    QString lang = first.toLower();
    if (lang.startsWith(QLatin1Char('{'))) lang.remove(QLatin1Char('{')).remove(QLatin1Char('}'));
    if (lang.startsWith(QLatin1Char('.'))) lang.remove(0, 1);
    return lang;
}

QString dedent(const QString& line, int indent) {
    int i = 0;
    while (i < indent && i < line.size() && line.at(i) == QLatin1Char(' ')) ++i;
    return line.mid(i);
}

void pushOneText(QList<AnswerSegment>& out, const QString& text) {
    if (text.trimmed().isEmpty()) return;
    AnswerSegment s;
    s.kind = AnswerSegment::Kind::Text;
    s.text = text;
    out.append(s);
}

bool startsListItem(const QString& line) {
    static const QRegularExpression marker(QStringLiteral("^([-*+]|[0-9]{1,9}[.)])(\\s|$)"));
    return marker.match(line).hasMatch();
}

// Long prose is cut at paragraph boundaries into several Text segments so that streaming
// re-renders only the last one. A cut needs: a blank line, a next line that starts a new
// top-level block (not indented, not a list item, so lists keep their numbering), and no
// display math left open ($$ / \[).
void pushText(QList<AnswerSegment>& out, const QString& text) {
    const QStringList lines = text.split(QLatin1Char('\n'));
    qsizetype chunkStart = 0; // offset in `text`
    qsizetype offset = 0;
    int dollarPairs = 0;
    int openBrackets = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString& line = lines.at(i);
        dollarPairs += int(line.count(QStringLiteral("$$")));
        openBrackets +=
            int(line.count(QStringLiteral("\\["))) - int(line.count(QStringLiteral("\\]")));
        const qsizetype next = offset + line.size() + 1;
        const bool blank = line.trimmed().isEmpty();
        if (blank && i + 1 < lines.size() && next - chunkStart >= kChunkChars) {
            const QString& following = lines.at(i + 1);
            const bool newBlock =
                !following.isEmpty() && !following.at(0).isSpace() && !startsListItem(following);
            if (newBlock && dollarPairs % 2 == 0 && openBrackets <= 0) {
                pushOneText(out, text.mid(chunkStart, next - chunkStart));
                chunkStart = next;
            }
        }
        offset = next;
    }
    pushOneText(out, text.mid(chunkStart));
}

} // namespace

QList<AnswerSegment> splitAnswerSegments(const QString& markdown) {
    QList<AnswerSegment> out;
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    QString text;
    AnswerSegment code;
    Fence fence;
    bool inCode = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString& line = lines.at(i);
        const bool last = i + 1 == lines.size();
        if (!inCode) {
            // The last line may still be growing: "``" is not yet a fence, but "```py" is.
            if (parseOpeningFence(line, &fence)) {
                pushText(out, text);
                text.clear();
                code = AnswerSegment{};
                code.kind = AnswerSegment::Kind::Code;
                code.language = languageOf(fence.info);
                code.closed = false;
                inCode = true;
                continue;
            }
            text += line;
            if (!last) text += QLatin1Char('\n');
        } else {
            if (isClosingFence(line, fence)) {
                if (code.text.endsWith(QLatin1Char('\n'))) code.text.chop(1);
                code.closed = true;
                out.append(code);
                inCode = false;
                continue;
            }
            code.text += dedent(line, fence.indent);
            if (!last) code.text += QLatin1Char('\n');
        }
    }
    if (inCode) {
        if (code.text.endsWith(QLatin1Char('\n'))) code.text.chop(1);
        out.append(code);
    } else {
        pushText(out, text);
    }
    return out;
}

} // namespace rwb::ui
