// MessageColumn; see message_column.h.
#include "chat_view/message_column.h"

#include "chat/message_widget.h"

#include <QLabel>
#include <QScrollBar>
#include <QVBoxLayout>

namespace rwb::ui {

namespace {
constexpr int kBottomSlackPx = 24; // this close to the bottom counts as "at the bottom"
}

MessageColumn::MessageColumn(QWidget* parent) : QScrollArea(parent) {
    setObjectName(QStringLiteral("messageColumn"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_content = new QWidget(this);
    m_content->setObjectName(QStringLiteral("messageColumnContent"));
    m_layout = new QVBoxLayout(m_content);
    m_layout->setContentsMargins(12, 12, 12, 12);
    m_layout->setSpacing(10);
    m_placeholder = new QLabel(m_content);
    m_placeholder->setObjectName(QStringLiteral("chatPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_placeholder->setOpenExternalLinks(false);
    m_layout->addWidget(m_placeholder, 1);
    m_layout->addStretch(1);
    setWidget(m_content);

    QScrollBar* bar = verticalScrollBar();
    // The range grows while text streams in: stay at the bottom if we were there.
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int max) {
        if (m_follow) bar->setValue(max);
    });
    // Any move (wheel, drag, keys) decides whether we keep following.
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_follow = value >= bar->maximum() - kBottomSlackPx; });
}

void MessageColumn::append(MessageWidget* widget) {
    // Before the trailing stretch, so messages stack from the top.
    m_layout->insertWidget(m_layout->count() - 1, widget);
    m_widgets.push_back(widget);
    updatePlaceholder();
}

void MessageColumn::truncate(int index) {
    while (m_widgets.size() > std::max(0, index)) {
        MessageWidget* w = m_widgets.takeLast();
        m_layout->removeWidget(w);
        w->deleteLater();
        w->hide();
    }
    updatePlaceholder();
}

int MessageColumn::indexOfMessage(qint64 messageId) const {
    for (int i = 0; i < m_widgets.size(); ++i)
        if (m_widgets[i]->messageId() == messageId) return i;
    return -1;
}

MessageWidget* MessageColumn::widgetForMessage(qint64 messageId) const {
    const int i = indexOfMessage(messageId);
    return i >= 0 ? m_widgets[i] : nullptr;
}

void MessageColumn::setPlaceholder(const QString& text) {
    m_placeholder->setText(text);
    updatePlaceholder();
}

QString MessageColumn::placeholder() const {
    return m_placeholder->text();
}

void MessageColumn::updatePlaceholder() {
    m_placeholder->setVisible(m_widgets.isEmpty() && !m_placeholder->text().isEmpty());
}

void MessageColumn::scrollToBottom() {
    m_follow = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

} // namespace rwb::ui
