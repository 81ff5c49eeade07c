// A compare column (see compare_column.h).
#include "compare/compare_column.h"

#include "chat/answer_view.h"
#include "chat/thinking_block.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QResizeEvent>
#include <QVBoxLayout>

namespace rwb::ui::compare {

namespace {
// The stats line: each line of the text on one row, elided to the column's width, with the
// whole text as tooltip. (A word-wrapped label was cut off: the column's layout gave it the
// height of one row however many rows the wrap made.)
class ElidedLabel : public QLabel {
public:
    explicit ElidedLabel(QWidget* parent) : QLabel(parent) {
        setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        setTextFormat(Qt::PlainText);
    }
    void setFullText(const QString& text) {
        m_full = text;
        setToolTip(text);
        elide();
    }
    const QString& fullText() const { return m_full; }

protected:
    void resizeEvent(QResizeEvent* event) override {
        QLabel::resizeEvent(event);
        elide();
    }

private:
    void elide() {
        QStringList lines = m_full.split(QLatin1Char('\n'));
        for (QString& line : lines)
            line = fontMetrics().elidedText(line, Qt::ElideRight, qMax(0, contentsRect().width()));
        setText(lines.join(QLatin1Char('\n')));
    }
    QString m_full;
};
} // namespace

CompareColumn::CompareColumn(const QString& modelPath, QWidget* parent)
    : QWidget(parent), m_modelPath(modelPath) {
    auto* layout = new QVBoxLayout(this);
    m_title =
        new QLabel(QStringLiteral("<b>%1</b>").arg(QFileInfo(modelPath).completeBaseName()), this);
    m_title->setToolTip(modelPath);
    m_state = new QLabel(tr("idle"), this);
    m_state->setObjectName(QStringLiteral("columnState"));
    m_thinking = new rwb::ui::ThinkingBlock(this);
    m_answer = new rwb::ui::AnswerView(this);
    m_stats = new ElidedLabel(this);
    m_stats->setObjectName(QStringLiteral("columnStats"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setEnabled(false);
    m_continue = new QPushButton(tr("Continue in chat"), this);
    m_continue->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_stop);
    buttons->addWidget(m_continue);
    buttons->addStretch();
    layout->addWidget(m_title);
    layout->addWidget(m_state);
    layout->addWidget(m_thinking);
    layout->addWidget(m_answer, 1);
    layout->addWidget(m_stats);
    layout->addLayout(buttons);
    connect(m_stop, &QPushButton::clicked, this, &CompareColumn::stopRequested);
    connect(m_continue, &QPushButton::clicked, this, &CompareColumn::continueInChatRequested);
}

void CompareColumn::reset() {
    m_thinking->clear();
    m_answer->clear();
    setStats(QString());
    m_continue->setEnabled(false);
}

void CompareColumn::setBackendText(const QString& backend) {
    const QString name = QFileInfo(m_modelPath).completeBaseName().toHtmlEscaped();
    m_title->setText(backend.isEmpty() ? QStringLiteral("<b>%1</b>").arg(name)
                                       : QStringLiteral("<b>%1</b> · %2").arg(name, backend));
}
QString CompareColumn::titleText() const {
    return m_title->text();
}

void CompareColumn::setStateText(const QString& state) {
    m_state->setText(state);
}
QString CompareColumn::stateText() const {
    return m_state->text();
}
QString CompareColumn::statsText() const {
    return static_cast<ElidedLabel*>(m_stats)->fullText();
}

void CompareColumn::appendDelta(const QString& thinking, const QString& answer) {
    if (!thinking.isEmpty()) m_thinking->appendThinking(thinking);
    if (!answer.isEmpty()) m_answer->appendAnswer(answer);
}

void CompareColumn::finishThinking(double seconds, int tokens) {
    m_thinking->finishThinking(seconds, tokens);
}

void CompareColumn::finish(bool interrupted, double thinkingSeconds, int thinkingTokens) {
    if (m_thinking->state() == rwb::ui::ThinkingBlock::State::Live) {
        if (interrupted)
            m_thinking->interruptThinking(thinkingSeconds, thinkingTokens);
        else
            m_thinking->finishThinking(thinkingSeconds, thinkingTokens);
    }
    m_answer->finish();
    m_continue->setEnabled(true);
}

void CompareColumn::setStats(const QString& text) {
    static_cast<ElidedLabel*>(m_stats)->setFullText(text);
}
void CompareColumn::setRunning(bool running) {
    m_stop->setEnabled(running);
}

} // namespace rwb::ui::compare
