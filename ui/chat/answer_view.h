// AnswerView: an assistant answer rendered as a vertical sequence of segments: rich text
// (Markdown + math, a read-only QTextBrowser sized to its content), code (CodeBlockWidget),
// rich text... Streaming: appendAnswer() only accumulates; rendering is throttled (at most
// one re-render per 50 ms, spaced further for long answers) and reuses the existing segment
// widgets, so earlier segments are not rebuilt. Links never open by themselves: a click emits
// linkActivated() and, when openLinksExternally() (default true), opens the URL with
// QDesktopServices.
#pragma once

#include <QList>
#include <QUrl>
#include <QWidget>

#include "chat/render/answer_segments.h"

class QTextBrowser;
class QTimer;
class QVBoxLayout;

namespace rwb::ui {

class CodeBlockWidget;

class AnswerView : public QWidget {
    Q_OBJECT
public:
    explicit AnswerView(QWidget* parent = nullptr);

    void appendAnswer(const QString& delta);   // streaming: throttled re-render
    void setMarkdown(const QString& markdown); // whole answer (restore): renders now
    void finish();                             // end of stream: final render now
    void clear();
    void flush(); // render pending text now (tests, before copy)

    QString markdown() const { return markdown_; } // the raw answer text as received
    QString renderedText() const; // what the user sees, as plain text (segments joined)
    bool isStreaming() const { return streaming_; }

    // Rendered pieces (after flush()), for the chat view and tests.
    int segmentCount() const { return int(segments_.size()); }
    QList<CodeBlockWidget*> codeBlocks() const;
    QList<QTextBrowser*> textViews() const;

    void setOpenLinksExternally(bool open) { openLinks_ = open; }
    bool openLinksExternally() const { return openLinks_; }
    // Minimum throttle interval (default 50 ms); it stretches to 3x the last render's cost.
    void setRenderInterval(int ms);

signals:
    void linkActivated(const QUrl& url);
    void rendered(); // after each (re-)render

private:
    void render();
    QWidget* createSegmentWidget(const AnswerSegment& segment);
    void updateSegmentWidget(QWidget* widget, const AnswerSegment& segment);

    QVBoxLayout* layout_ = nullptr;
    QTimer* throttle_ = nullptr;
    QString markdown_;
    QList<AnswerSegment> segments_;
    QList<QWidget*> widgets_;
    bool streaming_ = false;
    int baseInterval_ = 50;
    bool openLinks_ = true;
};

} // namespace rwb::ui
