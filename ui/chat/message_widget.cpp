#include "chat/message_widget.h"

#include "chat/answer_view.h"
#include "chat/prompt_editor.h"
#include "chat/thinking_block.h"

#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace rwb::ui {

namespace {

QToolButton* actionButton(QWidget* parent, const QString& name, const QString& text,
                          const QString& tip) {
    auto* b = new QToolButton(parent);
    b->setObjectName(name);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

} // namespace

MessageWidget::MessageWidget(Role role, QWidget* parent) : QFrame(parent), role_(role) {
    setObjectName(role == Role::User ? QStringLiteral("userMessage")
                                     : QStringLiteral("assistantMessage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    // As tall as the content, never stretched by a tall parent.
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    if (role == Role::User)
        buildUser();
    else
        buildAssistant();
    buildActions();
    updateActionVisibility();
}

void MessageWidget::buildUser() {
    userLabel_ = new QLabel(this);
    userLabel_->setObjectName(QStringLiteral("userBubble"));
    userLabel_->setTextFormat(Qt::PlainText); // the prompt as typed, never interpreted
    userLabel_->setWordWrap(true);
    userLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    userLabel_->setFrameShape(QFrame::StyledPanel);
    userLabel_->setMargin(8);
    userLabel_->setAutoFillBackground(true);
    userLabel_->setBackgroundRole(QPalette::AlternateBase);
    layout()->addWidget(userLabel_);

    editPage_ = new QWidget(this);
    auto* editPage = editPage_;
    auto* editLayout = new QVBoxLayout(editPage);
    editLayout->setContentsMargins(0, 0, 0, 0);
    editEditor_ = new PromptEditor(editPage);
    editEditor_->setObjectName(QStringLiteral("editPromptEditor"));
    auto* buttons = new QHBoxLayout;
    auto* send = new QPushButton(tr("Send"), editPage);
    send->setObjectName(QStringLiteral("editSendButton"));
    send->setToolTip(tr("Send the edited prompt as a new branch (Ctrl+Enter)"));
    auto* cancel = new QPushButton(tr("Cancel"), editPage);
    cancel->setObjectName(QStringLiteral("editCancelButton"));
    buttons->addStretch(1);
    buttons->addWidget(cancel);
    buttons->addWidget(send);
    editLayout->addWidget(editEditor_);
    editLayout->addLayout(buttons);
    editPage_->hide();

    auto resend = [this](const QString& text) {
        if (text.trimmed().isEmpty()) return;
        cancelEdit();
        emit editResendRequested(text);
    };
    connect(editEditor_, &PromptEditor::submitted, this, resend);
    connect(send, &QPushButton::clicked, this, [this, resend] { resend(editEditor_->text()); });
    connect(cancel, &QPushButton::clicked, this, &MessageWidget::cancelEdit);
    layout()->addWidget(editPage_);
}

void MessageWidget::mutedStatsColour() {
    if (!statsLabel_) return;
    QPalette p = statsLabel_->palette();
    p.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
    statsLabel_->setPalette(p);
}

void MessageWidget::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    // The stats label's own palette pins its colour: re-derive it when the theme changes.
    if (event->type() == QEvent::PaletteChange) mutedStatsColour();
}

void MessageWidget::buildAssistant() {
    thinking_ = new ThinkingBlock(this);
    answer_ = new AnswerView(this);
    interruptedLabel_ =
        new QLabel(tr("⏹ Interrupted: the answer was stopped before it ended"), this);
    interruptedLabel_->setObjectName(QStringLiteral("interruptedMarker"));
    interruptedLabel_->hide();
    statsLabel_ = new QLabel(this);
    statsLabel_->setObjectName(QStringLiteral("statsLine"));
    statsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mutedStatsColour();
    statsLabel_->hide();
    connect(thinking_, &ThinkingBlock::expandedChanged, this,
            &MessageWidget::thinkingExpandedChanged);
    connect(answer_, &AnswerView::linkActivated, this, &MessageWidget::linkActivated);
    layout()->addWidget(thinking_);
    layout()->addWidget(answer_);
    layout()->addWidget(interruptedLabel_);
    layout()->addWidget(statsLabel_);
}

void MessageWidget::buildActions() {
    actions_ = new QWidget(this);
    actions_->setObjectName(QStringLiteral("messageActions"));
    auto* row = new QHBoxLayout(actions_);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    const bool user = role_ == Role::User;

    auto* copy = actionButton(actions_, QStringLiteral("copyAnswerButton"), tr("Copy"),
                              user ? tr("Copy the prompt") : tr("Copy the answer"));
    connect(copy, &QToolButton::clicked, this, &MessageWidget::copyAnswer);
    row->addWidget(copy);
    if (user) {
        auto* edit = actionButton(actions_, QStringLiteral("editButton"), tr("Edit"),
                                  tr("Edit the prompt and send it again as a new branch"));
        connect(edit, &QToolButton::clicked, this, &MessageWidget::beginEdit);
        row->addWidget(edit);
    } else {
        auto* copyR =
            actionButton(actions_, QStringLiteral("copyReasoningButton"), tr("Copy with reasoning"),
                         tr("Copy the thought (in <think> tags) and the answer"));
        connect(copyR, &QToolButton::clicked, this, &MessageWidget::copyWithReasoning);
        auto* regen = actionButton(actions_, QStringLiteral("regenerateButton"), tr("Regenerate"),
                                   tr("Generate another answer as a new branch"));
        connect(regen, &QToolButton::clicked, this, &MessageWidget::regenerateRequested);
        row->addWidget(copyR);
        row->addWidget(regen);
    }
    auto* del = actionButton(actions_, QStringLiteral("deleteButton"), tr("Delete"),
                             tr("Delete this message"));
    connect(del, &QToolButton::clicked, this, &MessageWidget::deleteRequested);
    row->addWidget(del);
    row->addStretch(1);

    branchNav_ = new QWidget(actions_);
    branchNav_->setObjectName(QStringLiteral("branchNavigation"));
    auto* nav = new QHBoxLayout(branchNav_);
    nav->setContentsMargins(0, 0, 0, 0);
    prevBranch_ = actionButton(branchNav_, QStringLiteral("previousBranchButton"),
                               QStringLiteral("‹"), tr("Previous branch"));
    branchLabel_ = new QLabel(branchNav_);
    branchLabel_->setObjectName(QStringLiteral("branchLabel"));
    nextBranch_ = actionButton(branchNav_, QStringLiteral("nextBranchButton"), QStringLiteral("›"),
                               tr("Next branch"));
    connect(prevBranch_, &QToolButton::clicked, this, &MessageWidget::previousBranch);
    connect(nextBranch_, &QToolButton::clicked, this, &MessageWidget::nextBranch);
    nav->addWidget(prevBranch_);
    nav->addWidget(branchLabel_);
    nav->addWidget(nextBranch_);
    branchNav_->hide();
    row->addWidget(branchNav_);
    layout()->addWidget(actions_);
}

void MessageWidget::setUserText(const QString& text) {
    userText_ = text;
    if (userLabel_) userLabel_->setText(text);
}

void MessageWidget::beginEdit() {
    if (!editPage_) return;
    editEditor_->setText(userText_);
    userLabel_->hide();
    editPage_->show();
    actions_->hide();
    editEditor_->setFocus();
}

void MessageWidget::cancelEdit() {
    if (!editPage_) return;
    editPage_->hide();
    userLabel_->show();
    updateActionVisibility();
}

bool MessageWidget::isEditing() const {
    return editPage_ && !editPage_->isHidden();
}

void MessageWidget::appendThinking(const QString& delta) {
    if (thinking_) thinking_->appendThinking(delta);
}

void MessageWidget::appendAnswer(const QString& delta) {
    if (answer_) answer_->appendAnswer(delta);
}

void MessageWidget::setStats(const MessageStats& stats) {
    if (!statsLabel_) return;
    statsLabel_->setText(formatMessageStats(stats));
    statsLabel_->show();
}

QString MessageWidget::statsText() const {
    return statsLabel_ ? statsLabel_->text() : QString();
}

void MessageWidget::setInterrupted(bool interrupted) {
    interrupted_ = interrupted;
    if (interruptedLabel_) interruptedLabel_->setVisible(interrupted);
}

void MessageWidget::setGenerating(bool generating) {
    generating_ = generating;
    updateActionVisibility();
}

QString MessageWidget::answerText() const {
    if (role_ == Role::User) return userText_;
    answer_->flush();
    return answer_->markdown();
}

QString MessageWidget::answerWithReasoning() const {
    if (role_ == Role::User) return userText_;
    const QString thought = thinking_->thinkingText();
    if (thought.isEmpty()) return answerText();
    return QStringLiteral("<think>\n%1\n</think>\n\n%2").arg(thought.trimmed(), answerText());
}

void MessageWidget::copyAnswer() {
    const QString text = answerText();
    QGuiApplication::clipboard()->setText(text);
    emit copied(text);
}

void MessageWidget::copyWithReasoning() {
    const QString text = answerWithReasoning();
    QGuiApplication::clipboard()->setText(text);
    emit copied(text);
}

void MessageWidget::setBranchInfo(int position, int count) {
    branchLabel_->setText(QStringLiteral("%1/%2").arg(position).arg(count));
    prevBranch_->setEnabled(position > 1);
    nextBranch_->setEnabled(position < count);
    branchNav_->setVisible(count > 1);
}

QString MessageWidget::branchLabel() const {
    return branchLabel_->text();
}

void MessageWidget::updateActionVisibility() {
    actions_->setVisible(!generating_ && !isEditing());
}

} // namespace rwb::ui
