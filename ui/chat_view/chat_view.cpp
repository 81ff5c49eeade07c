// ChatView; see chat_view.h.
#include "chat_view/chat_view.h"

#include "chat/answer_view.h"
#include "chat/message_widget.h"
#include "chat/prompt_editor.h"
#include "chat/thinking_block.h"
#include "chat_view/chat_banners.h"
#include "chat_view/message_column.h"
#include "chat_view/message_restore.h"
#include "conversations/storage_requests.h"
#include "inference/chat_controller.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

namespace rwb::ui {

using rwb::storage::Message;
using rwb::storage::MessageRole;

namespace {
constexpr int kTitleLength = 60;

// A conversation is named after the first line of its first prompt.
QString titleFor(const QString& prompt) {
    QString line = prompt.trimmed().section(QLatin1Char('\n'), 0, 0).simplified();
    if (line.size() > kTitleLength) line = line.left(kTitleLength - 1) + QChar(0x2026);
    return line;
}
} // namespace

ChatView::ChatView(rwb::app::ChatController* controller, StorageRequests* requests, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_requests(requests) {
    setObjectName(QStringLiteral("chatView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_column = new MessageColumn(this);
    layout->addWidget(m_column, 1);
    m_loading = new LoadingIndicator(this);
    layout->addWidget(m_loading);
    m_error = new ErrorBanner(this);
    layout->addWidget(m_error);

    auto* composer = new QHBoxLayout;
    composer->setContentsMargins(8, 0, 8, 8);
    m_editor = new PromptEditor(this);
    m_editor->setObjectName(QStringLiteral("promptEditor"));
    m_editor->setPlaceholderText(tr("Ask anything \u2014 Ctrl+Enter to send"));
    m_send = new QPushButton(tr("Send"), this);
    m_send->setObjectName(QStringLiteral("sendButton"));
    composer->addWidget(m_editor, 1);
    composer->addWidget(m_send, 0, Qt::AlignBottom);
    layout->addLayout(composer);

    connect(m_editor, &PromptEditor::submitted, this, [this](const QString&) { send(); });
    connect(m_send, &QPushButton::clicked, this, [this] { isBusy() ? stop() : send(); });
    connectController();
    newConversation();
}

void ChatView::connectController() {
    using rwb::app::ChatController;
    ChatController* c = m_controller;
    connect(c, &ChatController::messageCreated, this, &ChatView::onMessageCreated);
    connect(c, &ChatController::thinkingDelta, this, &ChatView::onThinkingDelta);
    connect(c, &ChatController::thinkingFinished, this, &ChatView::onThinkingFinished);
    connect(c, &ChatController::answerDelta, this, &ChatView::onAnswerDelta);
    connect(c, &ChatController::statsUpdated, this, &ChatView::onStats);
    connect(c, &ChatController::generationFinished, this,
            [this](const Message& m) { onEnded(m, false); });
    connect(c, &ChatController::generationInterrupted, this,
            [this](const Message& m) { onEnded(m, true); });
    connect(c, &ChatController::generationFailed, this, &ChatView::onFailed);
    connect(c, &ChatController::modelLoading, this,
            [this](qint64, const QString& path) { m_loading->start(path); });
    connect(c, &ChatController::modelLoadProgress, this,
            [this](qint64, int percent) { m_loading->setProgress(percent); });
    connect(c, &ChatController::modelReady, this,
            [this](qint64, const QString&, const QString& name) {
                m_loading->finish();
                emit modelReady(name);
            });
    connect(c, &ChatController::busyChanged, this, [this](qint64 id, bool) {
        if (id == m_conversationId) updateSendButton();
    });
}

QList<MessageWidget*> ChatView::messageWidgets() const {
    return m_column->widgets();
}

bool ChatView::isBusy() const {
    return m_controller && m_conversationId != 0 && m_controller->isBusy(m_conversationId);
}

void ChatView::setModelAvailable(bool available, const QString& why) {
    if (available) {
        m_column->setPlaceholder(
            tr("<h3>Start a conversation</h3><p>Type below; Ctrl+Enter sends, Esc stops.</p>"));
        return;
    }
    m_column->setPlaceholder(
        tr("<h3>No model yet</h3><p>%1</p><p>Pick a GGUF file with <b>Model \u2192 Other\u2026</b> "
           "in the settings (Ctrl+K), or put the bundled demo models (rwb-demo-small, -medium, "
           "-large) in <tt>resources/models/</tt>.</p>")
            .arg(why.toHtmlEscaped()));
}

void ChatView::newConversation() {
    ++m_loadGeneration;
    m_conversationId = 0;
    m_all.clear();
    m_column->clear();
    m_error->hide();
    updateSendButton();
    m_editor->setFocus(Qt::OtherFocusReason);
}

void ChatView::showConversation(qint64 id) {
    if (id == 0) return newConversation();
    if (id != m_conversationId) m_all.clear(); // branch counts of another conversation
    m_conversationId = id;
    m_error->hide();
    updateSendButton();
    reload();
}

void ChatView::reload() {
    if (m_conversationId == 0) return;
    const quint64 generation = ++m_loadGeneration;
    const qint64 id = m_conversationId;
    m_requests->loadConversation(
        id,
        [this, generation](const rwb::storage::Conversation&, const QVector<Message>& path) {
            if (generation != m_loadGeneration) return;
            rebuild(path);
            loadBranches();
        },
        [this, generation](const QString& e) {
            if (generation == m_loadGeneration) showError(e);
        });
}

void ChatView::loadBranches() {
    const quint64 generation = m_loadGeneration;
    m_requests->loadAllMessages(m_conversationId, [this, generation](const QVector<Message>& all) {
        if (generation != m_loadGeneration) return;
        m_all = all;
        updateBranchInfo();
    });
}

void ChatView::rebuild(const QVector<Message>& path) {
    m_column->clear();
    for (const Message& m : path) addWidget(m);
    updateBranchInfo(); // the known branches at once; loadBranches() refreshes them
    m_column->scrollToBottom();
    updateSendButton();
}

MessageWidget* ChatView::addWidget(const Message& m) {
    const bool assistant = m.role == MessageRole::Assistant;
    auto* w =
        new MessageWidget(assistant ? MessageWidget::Role::Assistant : MessageWidget::Role::User);
    w->setMessageId(m.id);
    const auto live = m_live.constFind(m.id);
    if (assistant && live != m_live.constEnd()) {
        // Still streaming: what arrived so far, then the rest as it comes.
        w->setGenerating(true);
        if (!live->thinking.isEmpty()) {
            if (live->thinkingEnded)
                w->thinkingBlock()->restore(live->thinking, live->thinkingSeconds,
                                            int(live->thinkingTokens), false);
            else
                w->appendThinking(live->thinking);
        }
        if (!live->answer.isEmpty()) w->appendAnswer(live->answer);
    } else {
        restoreMessage(w, m, m_modelNames.value(m.id));
    }
    if (assistant) {
        const auto expanded = m_expanded.constFind(m.id);
        if (expanded != m_expanded.constEnd()) w->thinkingBlock()->setExpanded(*expanded);
    }
    const qint64 id = m.id;
    connect(w, &MessageWidget::thinkingExpandedChanged, this,
            [this, id](bool expanded) { m_expanded[id] = expanded; });
    connect(w, &MessageWidget::previousBranch, this, [this, id] { switchBranch(id, -1); });
    connect(w, &MessageWidget::nextBranch, this, [this, id] { switchBranch(id, +1); });
    connect(w, &MessageWidget::regenerateRequested, this, [this, id] {
        if (m_controller) m_controller->regenerate(m_conversationId, id);
    });
    connect(w, &MessageWidget::editResendRequested, this, [this, id](const QString& text) {
        if (m_controller) m_controller->editAndResend(m_conversationId, id, text);
    });
    connect(w, &MessageWidget::deleteRequested, this, [this, id] { deleteMessage(id); });
    m_column->append(w);
    return w;
}

QVector<qint64> ChatView::siblingsOf(qint64 messageId) const {
    qint64 parent = -1;
    for (const Message& m : m_all)
        if (m.id == messageId) parent = m.parentId;
    QVector<qint64> ids;
    for (const Message& m : m_all) // oldest first, as storage orders branches
        if (m.parentId == parent) ids.push_back(m.id);
    return ids;
}

void ChatView::updateBranchInfo() {
    for (MessageWidget* w : m_column->widgets()) {
        const QVector<qint64> siblings = siblingsOf(w->messageId());
        w->setBranchInfo(int(siblings.indexOf(w->messageId())) + 1, int(siblings.size()));
    }
}

void ChatView::switchBranch(qint64 messageId, int step) {
    if (isBusy()) return; // the streaming reply belongs to the shown branch
    const QVector<qint64> siblings = siblingsOf(messageId);
    const int target = int(siblings.indexOf(messageId)) + step;
    if (target < 0 || target >= siblings.size()) return;
    const qint64 conversation = m_conversationId;
    m_requests->selectBranch(
        siblings[target],
        [this, conversation] {
            if (conversation != m_conversationId) return;
            reload();
            emit conversationChanged(conversation);
        },
        [this](const QString& e) { showError(e); });
}

void ChatView::deleteMessage(qint64 messageId) {
    if (isBusy()) return;
    const qint64 conversation = m_conversationId;
    m_requests->deleteMessage(
        messageId,
        [this, conversation] {
            if (conversation != m_conversationId) return;
            reload();
            emit conversationChanged(conversation);
        },
        [this](const QString& e) { showError(e); });
}

void ChatView::send() {
    const QString text = m_editor->text();
    if (text.trimmed().isEmpty() || isBusy() || m_creating || !m_controller) return;
    m_editor->commitSubmission(); // into the history, editor cleared
    sendText(text);
}

void ChatView::sendText(const QString& text) {
    m_error->hide();
    m_lastSent = text;
    m_fresh = 0;
    m_column->scrollToBottom();
    if (m_conversationId != 0) {
        m_controller->send(m_conversationId, text);
        updateSendButton();
        return;
    }
    rwb::storage::Conversation c;
    c.title = titleFor(text);
    const auto settings = m_controller->settings();
    c.systemPrompt = settings.systemPrompt;
    c.sampling = settings.samplingJson();
    m_creating = true;
    const quint64 generation = ++m_loadGeneration;
    m_requests->createConversation(
        c,
        [this, text, generation](const rwb::storage::Conversation& saved) {
            m_creating = false;
            if (generation != m_loadGeneration) return; // the user moved on meanwhile
            m_conversationId = saved.id;
            m_fresh = saved.id;
            emit conversationCreated(saved.id);
            if (m_controller) m_controller->send(saved.id, text);
            updateSendButton();
        },
        [this](const QString& e) {
            m_creating = false;
            showError(e);
        });
}

void ChatView::stop() {
    if (isBusy()) m_controller->stop(m_conversationId);
}

void ChatView::showError(const QString& error) {
    m_error->showError(error);
}

void ChatView::updateSendButton() {
    const bool busy = isBusy();
    m_send->setText(busy ? tr("Stop") : tr("Send"));
    m_send->setToolTip(busy ? tr("Stop generating (Esc)") : tr("Send (Ctrl+Enter)"));
}

void ChatView::onMessageCreated(const Message& m) {
    if (m.role == MessageRole::Assistant) m_live.insert(m.id, Live{});
    if (m.conversationId == m_fresh) m_fresh = 0; // it holds a message now: keep it
    if (m.conversationId != m_conversationId) return;
    // A new message hangs below its parent: whatever was shown below the parent is another
    // branch now (regenerate, edit and resend).
    const int parentIndex = m.parentId == 0 ? -1 : m_column->indexOfMessage(m.parentId);
    m_column->truncate(parentIndex + 1);
    m_all.push_back(m);
    addWidget(m);
    updateBranchInfo();
    updateSendButton();
    emit conversationChanged(m.conversationId);
}

void ChatView::onThinkingDelta(qint64 conversationId, qint64 messageId, const QString& text) {
    m_live[messageId].thinking += text;
    if (conversationId != m_conversationId) return;
    if (MessageWidget* w = m_column->widgetForMessage(messageId)) w->appendThinking(text);
}

void ChatView::onThinkingFinished(qint64 conversationId, qint64 messageId, double seconds,
                                  qint64 tokens) {
    Live& live = m_live[messageId];
    live.thinkingEnded = true;
    live.thinkingSeconds = seconds;
    live.thinkingTokens = tokens;
    if (conversationId != m_conversationId) return;
    MessageWidget* w = m_column->widgetForMessage(messageId);
    if (!w) return;
    w->thinkingBlock()->finishThinking(seconds, int(tokens));
    const auto expanded = m_expanded.constFind(messageId);
    if (expanded != m_expanded.constEnd()) w->thinkingBlock()->setExpanded(*expanded);
}

void ChatView::onAnswerDelta(qint64 conversationId, qint64 messageId, const QString& text) {
    m_live[messageId].answer += text;
    if (conversationId != m_conversationId) return;
    if (MessageWidget* w = m_column->widgetForMessage(messageId)) w->appendAnswer(text);
}

void ChatView::onStats(qint64 conversationId, qint64 messageId,
                       const rwb::app::StreamStats& stats) {
    if (!stats.modelName.isEmpty()) m_modelNames[messageId] = stats.modelName;
    if (conversationId != m_conversationId) return;
    MessageWidget* w = m_column->widgetForMessage(messageId);
    if (w && stats.thinking) w->thinkingBlock()->setThinkingTokens(int(stats.thinkingTokens));
}

void ChatView::onEnded(const Message& m, bool interrupted) {
    const Live live = m_live.take(m.id);
    for (Message& known : m_all)
        if (known.id == m.id) known = m;
    if (m.conversationId != m_conversationId) return;
    MessageWidget* w = m_column->widgetForMessage(m.id);
    if (!w) return;
    if (interrupted && w->thinkingBlock()->state() == ThinkingBlock::State::Live)
        w->thinkingBlock()->interruptThinking(w->thinkingBlock()->elapsedSeconds(),
                                              int(m.thinkingTokens));
    // The stored text is the whole reply; the widget has it already unless deltas were lost.
    if (w->answerView()->markdown() != m.answer) w->answerView()->setMarkdown(m.answer);
    w->answerView()->finish();
    w->setInterrupted(interrupted);
    w->setStats(statsOf(m, m_modelNames.value(m.id)));
    w->setGenerating(false);
    updateBranchInfo();
    updateSendButton();
    emit conversationChanged(m.conversationId);
}

void ChatView::onFailed(qint64 conversationId, qint64 messageId, const QString& error) {
    m_live.remove(messageId);
    m_loading->finish();
    if (conversationId != m_conversationId && conversationId != 0) return;
    showError(error);
    if (messageId == 0 && conversationId == m_conversationId) {
        // Nothing was written: give the prompt back, and drop a conversation made just for it.
        if (m_editor->text().isEmpty()) m_editor->setText(m_lastSent);
        if (m_fresh == conversationId && m_column->widgets().isEmpty()) {
            m_fresh = 0;
            m_conversationId = 0;
            m_requests->deleteConversation(conversationId, [this, conversationId] {
                emit conversationDiscarded(conversationId);
            });
        }
    }
    if (MessageWidget* w = m_column->widgetForMessage(messageId)) {
        w->answerView()->finish();
        w->setGenerating(false);
    }
    updateSendButton();
}

} // namespace rwb::ui
