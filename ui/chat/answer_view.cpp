#include "chat/answer_view.h"

#include "chat/code_block_widget.h"
#include "chat/render/markdown_renderer.h"

#include <QDesktopServices>
#include <QElapsedTimer>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace rwb::ui {

namespace {

// A rich-text segment: read-only, no frame or scroll bars, exactly as tall as its text.
class SegmentBrowser : public QTextBrowser {
public:
    explicit SegmentBrowser(QWidget* parent) : QTextBrowser(parent) {
        setObjectName(QStringLiteral("answerText"));
        setFrameShape(QFrame::NoFrame);
        setOpenLinks(false); // AnswerView decides, on click only
        setOpenExternalLinks(false);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        setTextInteractionFlags(Qt::TextBrowserInteraction);
        viewport()->setAutoFillBackground(false);
    }

    void fitHeight() {
        // setTextWidth() re-lays out the whole document even for the same width: only on change.
        const int width = viewport()->width();
        if (width > 0 && document()->textWidth() != width) document()->setTextWidth(width);
        const int h = int(std::ceil(document()->size().height())) + 2 * frameWidth();
        if (h != height() || minimumHeight() != h) setFixedHeight(h);
    }

    // Swaps in a freshly rendered document: building it detached from the view costs one
    // layout instead of one per edit the renderer makes.
    void showDocument(QTextDocument* doc) {
        doc->setParent(this);
        // Ask before setDocument(): the text control deletes the first document, which it owns.
        QTextDocument* old = document()->parent() == this ? document() : nullptr;
        setDocument(doc);
        if (old) old->deleteLater();
        fitHeight();
    }

    QString renderedMarkdown; // what the document was last rendered from
    bool renderedStreaming = false;

protected:
    void resizeEvent(QResizeEvent* e) override {
        QTextBrowser::resizeEvent(e);
        fitHeight();
    }
};

} // namespace

AnswerView::AnswerView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("answerView"));
    layout_ = new QVBoxLayout(this);
    layout_->setContentsMargins(0, 0, 0, 0);
    layout_->setSpacing(6);
    throttle_ = new QTimer(this);
    throttle_->setSingleShot(true);
    throttle_->setInterval(baseInterval_);
    connect(throttle_, &QTimer::timeout, this, &AnswerView::render);
}

void AnswerView::appendAnswer(const QString& delta) {
    if (delta.isEmpty()) return;
    markdown_ += delta;
    streaming_ = true;
    if (!throttle_->isActive()) throttle_->start();
}

void AnswerView::setMarkdown(const QString& markdown) {
    markdown_ = markdown;
    streaming_ = false;
    throttle_->stop();
    render();
}

void AnswerView::finish() {
    streaming_ = false;
    throttle_->stop();
    render();
}

void AnswerView::clear() {
    setMarkdown(QString());
}

void AnswerView::flush() {
    if (throttle_->isActive()) {
        throttle_->stop();
        render();
    }
}

void AnswerView::setRenderInterval(int ms) {
    throttle_->setInterval(std::max(0, ms));
}

QString AnswerView::renderedText() const {
    QStringList parts;
    for (QWidget* w : widgets_) {
        if (auto* text = qobject_cast<QTextBrowser*>(w))
            parts << text->toPlainText();
        else if (auto* code = qobject_cast<CodeBlockWidget*>(w))
            parts << code->code();
    }
    return parts.join(QLatin1Char('\n'));
}

QList<CodeBlockWidget*> AnswerView::codeBlocks() const {
    QList<CodeBlockWidget*> out;
    for (QWidget* w : widgets_)
        if (auto* code = qobject_cast<CodeBlockWidget*>(w)) out << code;
    return out;
}

QList<QTextBrowser*> AnswerView::textViews() const {
    QList<QTextBrowser*> out;
    for (QWidget* w : widgets_)
        if (auto* text = qobject_cast<QTextBrowser*>(w)) out << text;
    return out;
}

void AnswerView::render() {
    QElapsedTimer cost;
    cost.start();
    const QList<AnswerSegment> next = splitAnswerSegments(markdown_);
    // Reuse the widgets of segments that keep their kind: only what changed is re-rendered,
    // which while streaming is just the last segment.
    qsizetype i = 0;
    for (; i < next.size(); ++i) {
        const AnswerSegment& seg = next.at(i);
        const bool reusable = i < widgets_.size() && segments_.at(i).kind == seg.kind;
        if (!reusable) break;
        updateSegmentWidget(widgets_.at(i), seg);
    }
    while (widgets_.size() > i) {
        QWidget* w = widgets_.takeLast();
        layout_->removeWidget(w);
        w->deleteLater();
    }
    for (qsizetype j = i; j < next.size(); ++j) {
        QWidget* w = createSegmentWidget(next.at(j));
        widgets_.append(w);
        layout_->addWidget(w);
        updateSegmentWidget(w, next.at(j));
    }
    segments_ = next;
    // Long answers cost more per render: space renders out so that rendering never takes more
    // than about a quarter of the UI thread, whatever the token rate.
    throttle_->setInterval(std::clamp(int(cost.elapsed()) * 3, baseInterval_, 1000));
    emit rendered();
}

QWidget* AnswerView::createSegmentWidget(const AnswerSegment& segment) {
    if (segment.kind == AnswerSegment::Kind::Code) return new CodeBlockWidget(this);
    auto* browser = new SegmentBrowser(this);
    connect(browser, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        emit linkActivated(url);
        if (openLinks_) QDesktopServices::openUrl(url);
    });
    return browser;
}

void AnswerView::updateSegmentWidget(QWidget* widget, const AnswerSegment& segment) {
    if (auto* code = qobject_cast<CodeBlockWidget*>(widget)) {
        code->setLanguage(segment.language);
        code->setCode(segment.text);
        return;
    }
    auto* browser = static_cast<SegmentBrowser*>(widget);
    if (browser->renderedMarkdown == segment.text && browser->renderedStreaming == streaming_ &&
        !browser->document()->isEmpty())
        return;
    auto* doc = new QTextDocument;
    doc->setDefaultFont(browser->font());
    doc->setDocumentMargin(2);
    MarkdownRenderer::render(doc, segment.text, streaming_);
    browser->showDocument(doc);
    browser->renderedMarkdown = segment.text;
    browser->renderedStreaming = streaming_;
}

} // namespace rwb::ui
