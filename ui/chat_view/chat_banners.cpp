// ErrorBanner and LoadingIndicator; see chat_banners.h.
#include "chat_view/chat_banners.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace rwb::ui {

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("errorBanner"));
    setFrameShape(QFrame::StyledPanel);
    // Readable in light and dark palettes: a tinted background with the palette's text colour.
    setStyleSheet(
        QStringLiteral("#errorBanner { background: rgba(220, 50, 47, 40); "
                       "border: 1px solid rgba(220, 50, 47, 140); border-radius: 4px; }"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("errorText"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close = new QToolButton(this);
    m_close->setText(QStringLiteral("\u2715"));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAutoRaise(true);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void ErrorBanner::showError(const QString& error) {
    const QString line = error.section(QLatin1Char('\n'), 0, 0).trimmed();
    m_label->setText(line);
    m_label->setToolTip(error);
    show();
}

QString ErrorBanner::text() const {
    return m_label->text();
}

LoadingIndicator::LoadingIndicator(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("loadingIndicator"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 2, 8, 2);
    m_label = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setMaximumHeight(14);
    m_progress->setTextVisible(false);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_progress);
    hide();
}

void LoadingIndicator::start(const QString& modelPath) {
    m_label->setText(tr("Loading %1\u2026").arg(QFileInfo(modelPath).fileName()));
    setProgress(-1);
    show();
}

void LoadingIndicator::setProgress(int percent) {
    if (percent < 0) {
        m_progress->setRange(0, 0); // busy animation
    } else {
        m_progress->setRange(0, 100);
        m_progress->setValue(percent);
    }
}

void LoadingIndicator::finish() {
    hide();
}

QString LoadingIndicator::text() const {
    return m_label->text();
}

} // namespace rwb::ui
