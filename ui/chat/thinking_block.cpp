#include "chat/thinking_block.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QTextEdit>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace rwb::ui {

namespace {

bool g_defaultExpanded = false;

// The header: a flat, focusable button. QToolButton toggles on click and Space; Enter and
// Return are added so keyboard users can open a thought the way they open everything else.
class ThinkingHeader : public QToolButton {
public:
    using QToolButton::QToolButton;

protected:
    void keyPressEvent(QKeyEvent* e) override {
        if (e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) {
            click();
            return;
        }
        QToolButton::keyPressEvent(e);
    }
};

QString figures(double seconds, int tokens) {
    return QStringLiteral("%1 s · %2 %3")
        .arg(QString::number(seconds, 'f', 1), QLocale(QLocale::English).toString(tokens),
             tokens == 1 ? QStringLiteral("token") : QStringLiteral("tokens"));
}

} // namespace

ThinkingBlock::ThinkingBlock(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("thinkingBlock"));
    header_ = new ThinkingHeader(this);
    header_->setObjectName(QStringLiteral("thinkingHeader"));
    header_->setAutoRaise(true);
    header_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    header_->setFocusPolicy(Qt::StrongFocus);
    header_->setCursor(Qt::PointingHandCursor);
    connect(header_, &QToolButton::clicked, this, &ThinkingBlock::toggle);

    loopRow_ = new QWidget(this);
    loopRow_->setObjectName(QStringLiteral("thinkingLoopWarning"));
    auto* loopLayout = new QHBoxLayout(loopRow_);
    loopLayout->setContentsMargins(0, 0, 0, 0);
    loopLabel_ = new QLabel(loopRow_);
    loopLabel_->setWordWrap(true);
    wrapUpButton_ = new QPushButton(tr("Wrap up"), loopRow_);
    wrapUpButton_->setObjectName(QStringLiteral("wrapUpButton"));
    wrapUpButton_->setToolTip(tr("Close the thought and let the model answer"));
    loopLayout->addWidget(loopLabel_, 1);
    loopLayout->addWidget(wrapUpButton_);
    loopRow_->hide();
    connect(wrapUpButton_, &QPushButton::clicked, this, &ThinkingBlock::wrapUpRequested);

    body_ = new QTextEdit(this);
    body_->setObjectName(QStringLiteral("thinkingText"));
    body_->setReadOnly(true);
    body_->setFrameShape(QFrame::NoFrame);
    body_->setAcceptRichText(false);
    body_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    body_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    // Thoughts are secondary: a muted colour, set in changeEvent() so it follows the theme.
    connect(body_->document(), &QTextDocument::contentsChanged, this,
            &ThinkingBlock::updateBodyHeight);

    tick_ = new QTimer(this);
    tick_->setInterval(100);
    connect(tick_, &QTimer::timeout, this, &ThinkingBlock::updateHeader);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(header_, 0, Qt::AlignLeft);
    layout->addWidget(loopRow_);
    layout->addWidget(body_);

    header_->setArrowType(Qt::DownArrow);
    changeEvent(nullptr);
    setVisible(false); // nothing to show until the first thought
    updateHeader();
}

void ThinkingBlock::startThinking() {
    if (state_ == State::Live) return;
    state_ = State::Live;
    clock_.start();
    tick_->start();
    show();
    applyExpanded(true);
    updateHeader();
}

void ThinkingBlock::appendThinking(const QString& delta) {
    if (state_ != State::Live) startThinking();
    text_ += delta;
    QScrollBar* bar = body_->verticalScrollBar();
    const bool following = bar->value() >= bar->maximum() - 4;
    QTextCursor end(body_->document());
    end.movePosition(QTextCursor::End);
    end.insertText(delta);
    if (following) bar->setValue(bar->maximum()); // follow the tail unless the user scrolled up
}

void ThinkingBlock::setThinkingTokens(int tokens) {
    tokens_ = tokens;
    updateHeader();
}

void ThinkingBlock::finishThinking(double seconds, int tokens) {
    tick_->stop();
    finalSeconds_ = seconds;
    tokens_ = tokens;
    state_ = State::Finished;
    setLoopWarning(QString());
    show();
    applyExpanded(g_defaultExpanded);
    updateHeader();
}

void ThinkingBlock::interruptThinking(double seconds, int tokens) {
    tick_->stop();
    finalSeconds_ = seconds;
    tokens_ = tokens;
    state_ = State::Interrupted;
    setLoopWarning(QString());
    show();
    updateHeader();
}

void ThinkingBlock::restore(const QString& text, double seconds, int tokens, bool interrupted) {
    tick_->stop();
    text_ = text;
    body_->setPlainText(text);
    finalSeconds_ = seconds;
    tokens_ = tokens;
    state_ = interrupted ? State::Interrupted : State::Finished;
    setVisible(!text.isEmpty() || tokens > 0);
    applyExpanded(interrupted || g_defaultExpanded);
    updateHeader();
}

void ThinkingBlock::clear() {
    tick_->stop();
    text_.clear();
    body_->clear();
    tokens_ = 0;
    finalSeconds_ = 0.0;
    state_ = State::Empty;
    setLoopWarning(QString());
    hide();
    updateHeader();
}

void ThinkingBlock::setLoopWarning(const QString& message) {
    loopLabel_->setText(message);
    loopRow_->setVisible(!message.isEmpty());
}

QString ThinkingBlock::headerText() const {
    switch (state_) {
    case State::Empty:
        return tr("Thinking…");
    case State::Live:
        return tr("Thinking… %1").arg(figures(elapsedSeconds(), tokens_));
    case State::Finished:
        return tr("Thought for %1").arg(figures(finalSeconds_, tokens_));
    case State::Interrupted:
        return tr("Thinking stopped after %1").arg(figures(finalSeconds_, tokens_));
    }
    return {};
}

double ThinkingBlock::elapsedSeconds() const {
    if (state_ == State::Live) return clock_.isValid() ? clock_.elapsed() / 1000.0 : 0.0;
    return finalSeconds_;
}

void ThinkingBlock::setDefaultExpanded(bool expanded) {
    g_defaultExpanded = expanded;
}
bool ThinkingBlock::defaultExpanded() {
    return g_defaultExpanded;
}

void ThinkingBlock::setMaximumBodyHeight(int pixels) {
    maxBodyHeight_ = std::max(40, pixels);
    updateBodyHeight();
}

void ThinkingBlock::setExpanded(bool expanded) {
    const bool changed = expanded != expanded_;
    applyExpanded(expanded);
    if (changed) emit expandedChanged(expanded);
}

void ThinkingBlock::applyExpanded(bool expanded) {
    expanded_ = expanded;
    body_->setVisible(expanded);
    header_->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
    header_->setAccessibleDescription(expanded ? tr("expanded") : tr("collapsed"));
    if (expanded) updateBodyHeight();
}

void ThinkingBlock::changeEvent(QEvent* event) {
    if (!event || event->type() == QEvent::PaletteChange) {
        QPalette p = body_->palette();
        p.setColor(QPalette::Text, palette().color(QPalette::PlaceholderText));
        p.setColor(QPalette::Base, Qt::transparent);
        body_->setPalette(p);
    }
    if (event) QWidget::changeEvent(event);
}

void ThinkingBlock::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (expanded_) updateBodyHeight(); // the text re-wraps to the new width
}

void ThinkingBlock::updateHeader() {
    header_->setText(headerText());
}

void ThinkingBlock::updateBodyHeight() {
    QTextDocument* doc = body_->document();
    const int width = body_->viewport()->width();
    // setTextWidth() re-lays out the whole document even for the same width: only on change.
    if (width > 0 && doc->textWidth() != width) doc->setTextWidth(width);
    const int content = int(std::ceil(doc->size().height())) + 2 * body_->frameWidth();
    const int height = std::min(std::max(content, 24), maxBodyHeight_);
    if (body_->height() != height || body_->minimumHeight() != height)
        body_->setFixedHeight(height);
    body_->setVerticalScrollBarPolicy(content > maxBodyHeight_ ? Qt::ScrollBarAsNeeded
                                                               : Qt::ScrollBarAlwaysOff);
}

} // namespace rwb::ui
