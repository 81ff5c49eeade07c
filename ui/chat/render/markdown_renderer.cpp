#include "chat/render/markdown_renderer.h"

#include "chat/render/latex_to_html.h"

#include <QHash>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextDocumentFragment>
#include <QTextFrame>
#include <QTextTable>

namespace rwb::ui {

namespace {

struct MathSpan {
    QString tex;
    bool display = false;
};

// Placeholders are private-use characters: Markdown leaves them alone.
constexpr char16_t kOpen = 0xE000;
constexpr char16_t kClose = 0xE001;

QString placeholder(qsizetype index) {
    return QChar(kOpen) + QString::number(index) + QChar(kClose);
}

// Finds `closer` from `from`, skipping backslash escapes; -1 when absent.
qsizetype findCloser(const QString& s, qsizetype from, const QString& closer) {
    for (qsizetype j = from; j < s.size(); ++j) {
        if (s.at(j) == QLatin1Char('\\') && !closer.startsWith(QLatin1Char('\\'))) {
            ++j;
            continue;
        }
        if (s.mid(j, closer.size()) == closer) return j;
    }
    return -1;
}

// Closing '$' of inline math opened at `open` (pandoc's rule: no space inside the dollars,
// closing '$' not followed by a digit, not across a blank line).
qsizetype findInlineDollar(const QString& s, qsizetype open) {
    if (open + 1 >= s.size() || s.at(open + 1).isSpace()) return -1;
    for (qsizetype j = open + 1; j < s.size(); ++j) {
        const QChar c = s.at(j);
        if (c == QLatin1Char('\\')) {
            ++j;
            continue;
        }
        if (c == QLatin1Char('\n') && j + 1 < s.size() && s.at(j + 1) == QLatin1Char('\n'))
            return -1;
        if (c == QLatin1Char('`')) return -1; // code span ahead: not math
        if (c != QLatin1Char('$')) continue;
        if (j == open + 1) return -1;
        if (s.at(j - 1).isSpace()) continue;
        if (j + 1 < s.size() && s.at(j + 1).isDigit()) continue;
        return j;
    }
    return -1;
}

qsizetype matchingBrace(const QString& s, qsizetype open) {
    int level = 0;
    for (qsizetype j = open; j < s.size(); ++j) {
        if (s.at(j) == QLatin1Char('{')) ++level;
        if (s.at(j) == QLatin1Char('}') && --level == 0) return j;
    }
    return -1;
}

class MathProtector {
public:
    MathProtector(const QString& md, bool streaming) : s_(md), streaming_(streaming) {}

    QString run() {
        while (i_ < s_.size()) {
            const QChar c = s_.at(i_);
            if (c == QLatin1Char('`')) {
                copyCodeSpan();
            } else if (c == QLatin1Char('\\') && i_ + 1 < s_.size()) {
                const QChar n = s_.at(i_ + 1);
                if (n == QLatin1Char('(')) {
                    delimited(2, QStringLiteral("\\)"), false);
                } else if (n == QLatin1Char('[')) {
                    delimited(2, QStringLiteral("\\]"), true);
                } else if (s_.mid(i_, 7) == QLatin1String("\\boxed{")) {
                    bareBoxed();
                } else {
                    out_ += s_.mid(i_, 2); // a Markdown escape: keep the pair intact
                    i_ += 2;
                }
            } else if (c == QLatin1Char('$') && s_.mid(i_, 2) == QLatin1String("$$")) {
                delimited(2, QStringLiteral("$$"), true);
            } else if (c == QLatin1Char('$')) {
                const qsizetype close = findInlineDollar(s_, i_);
                if (close < 0) {
                    out_ += c;
                    ++i_;
                } else {
                    addSpan(s_.mid(i_ + 1, close - i_ - 1), false);
                    i_ = close + 1;
                }
            } else {
                out_ += c;
                ++i_;
            }
        }
        return out_;
    }

    QList<MathSpan> spans;

private:
    void copyCodeSpan() {
        qsizetype n = 0;
        while (i_ + n < s_.size() && s_.at(i_ + n) == QLatin1Char('`')) ++n;
        const QString run(n, QLatin1Char('`'));
        qsizetype j = i_ + n;
        while (true) {
            j = s_.indexOf(run, j);
            if (j < 0) break;
            qsizetype k = j + n;
            if (k < s_.size() && s_.at(k) == QLatin1Char('`')) { // longer run: not ours
                while (k < s_.size() && s_.at(k) == QLatin1Char('`')) ++k;
                j = k;
                continue;
            }
            break;
        }
        const qsizetype end = j < 0 ? i_ + n : j + n;
        out_ += s_.mid(i_, end - i_);
        i_ = end;
    }

    void delimited(qsizetype openLen, const QString& closer, bool display) {
        const qsizetype close = findCloser(s_, i_ + openLen, closer);
        if (close < 0) {
            if (streaming_ && display) { // still arriving: show what there is as math
                addSpan(s_.mid(i_ + openLen), true);
                i_ = s_.size();
            } else {
                out_ += s_.mid(i_, openLen);
                i_ += openLen;
            }
            return;
        }
        addSpan(s_.mid(i_ + openLen, close - i_ - openLen), display);
        i_ = close + closer.size();
        if (display) { // the rest of the line, when blank, belongs to the math block
            qsizetype k = i_;
            while (k < s_.size() && (s_.at(k) == QLatin1Char(' ') || s_.at(k) == QLatin1Char('\t')))
                ++k;
            if (k >= s_.size() || s_.at(k) == QLatin1Char('\n')) i_ = k;
        }
    }

    void bareBoxed() {
        const qsizetype close = matchingBrace(s_, i_ + 6);
        if (close < 0 && !streaming_) {
            out_ += s_.mid(i_, 2);
            i_ += 2;
            return;
        }
        const qsizetype end = close < 0 ? s_.size() : close + 1;
        addSpan(s_.mid(i_, end - i_), false);
        i_ = end;
    }

    void addSpan(const QString& tex, bool display) {
        const QString ph = placeholder(spans.size());
        spans.append({tex, display});
        if (!display) {
            out_ += ph;
            return;
        }
        // A paragraph of its own, indented like its line (keeps it inside a list item).
        const qsizetype lineStart = out_.lastIndexOf(QLatin1Char('\n')) + 1;
        QString indent;
        for (qsizetype k = lineStart; k < out_.size() && out_.at(k).isSpace(); ++k)
            indent += out_.at(k);
        if (out_.size() - lineStart == indent.size()) out_.chop(indent.size());
        out_ += QStringLiteral("\n\n") + indent + ph + QStringLiteral("\n\n");
    }

    const QString& s_;
    bool streaming_;
    qsizetype i_ = 0;
    QString out_;
};

// Parsing HTML is most of the cost of a render, and while an answer streams the same
// formulas are rendered again and again: keep their parsed fragments (UI thread only).
QTextDocumentFragment mathFragment(const MathSpan& span) {
    static QHash<QString, QTextDocumentFragment> cache;
    const QString key = (span.display ? QStringLiteral("D") : QStringLiteral("I")) + span.tex;
    auto it = cache.constFind(key);
    if (it != cache.constEnd()) return *it;
    if (cache.size() > 4096) cache.clear();
    const QTextDocumentFragment fragment =
        QTextDocumentFragment::fromHtml(latexToHtml(span.tex, span.display));
    cache.insert(key, fragment);
    return fragment;
}

// Qt's Markdown tables come out cramped: give the cells room and a single thin grid.
void styleTables(QTextDocument* doc) {
    for (QTextFrame* frame : doc->rootFrame()->childFrames()) {
        auto* table = qobject_cast<QTextTable*>(frame);
        if (!table) continue;
        QTextTableFormat f = table->format();
        f.setCellPadding(4);
        f.setCellSpacing(0);
        f.setBorder(1);
        f.setBorderBrush(QColor(0x99, 0x99, 0x99));
        f.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        table->setFormat(f);
    }
}

} // namespace

void MarkdownRenderer::render(QTextDocument* doc, const QString& markdown, bool streaming) {
    MathProtector protector(markdown, streaming);
    const QString protectedText = protector.run();
    // No raw HTML: "<vector>" in prose must show, not vanish as an unknown tag.
    doc->setMarkdown(protectedText,
                     QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub |
                                                     QTextDocument::MarkdownNoHTML));
    styleTables(doc);
    if (protector.spans.isEmpty()) return;

    static const QRegularExpression re(QStringLiteral("\\x{E000}(\\d+)\\x{E001}"));
    QTextCursor cursor(doc);
    while (true) {
        cursor = doc->find(re, cursor);
        if (cursor.isNull()) break;
        const qsizetype index = cursor.selectedText().mid(1).chopped(1).toLongLong();
        if (index < 0 || index >= protector.spans.size()) continue;
        const MathSpan& span = protector.spans.at(index);
        const bool ownBlock =
            span.display && cursor.block().text().trimmed() == cursor.selectedText();
        if (ownBlock) {
            QTextBlockFormat centred = cursor.blockFormat();
            centred.setAlignment(Qt::AlignHCenter);
            cursor.setBlockFormat(centred);
        }
        cursor.insertFragment(mathFragment(span));
    }
}

QString MarkdownRenderer::toPlainText(const QString& markdown) {
    QTextDocument doc;
    render(&doc, markdown, false);
    return doc.toPlainText();
}

} // namespace rwb::ui
