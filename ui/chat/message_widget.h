// MessageWidget: one turn of the conversation, a pure view.
//
// User turn: the prompt bubble; "Edit" switches the bubble to an inline PromptEditor with
// Send / Cancel: Send (or Ctrl+Enter) emits editResendRequested(newText).
// Assistant turn: ThinkingBlock (hidden while it has no thought) above the AnswerView, an
// "interrupted" marker when the answer was stopped, the stats line, then the action row.
// Action row (both roles; hidden while generating): copy answer, copy with reasoning
// (assistant), regenerate (assistant), edit (user), delete, and branch navigation "‹ 2/3 ›"
// (shown when there is more than one branch).
// Copy actions put text on QGuiApplication::clipboard() directly; every other action is a
// signal for the owner (ChatView/controller) to act on.
#pragma once

#include <QFrame>
#include <QUrl>

#include "chat/message_stats.h"

class QLabel;
class QPushButton;
class QToolButton;

namespace rwb::ui {

class AnswerView;
class PromptEditor;
class ThinkingBlock;

class MessageWidget : public QFrame {
    Q_OBJECT
public:
    enum class Role { User, Assistant };

    explicit MessageWidget(Role role, QWidget* parent = nullptr);

    Role role() const { return role_; }
    void setMessageId(qint64 id) { messageId_ = id; } // the owner's key (e.g. storage row id)
    qint64 messageId() const { return messageId_; }

    // --- User turn ---
    void setUserText(const QString& text);
    QString userText() const { return userText_; }
    void beginEdit(); // what the Edit button does
    void cancelEdit();
    bool isEditing() const;
    PromptEditor* editEditor() const { return editEditor_; } // nullptr for assistant turns

    // --- Assistant turn (the parts are exposed for streaming; convenience forwarders) ---
    ThinkingBlock* thinkingBlock() const { return thinking_; } // nullptr for user turns
    AnswerView* answerView() const { return answer_; }         // nullptr for user turns
    void appendThinking(const QString& delta);
    void appendAnswer(const QString& delta);
    void setStats(const MessageStats& stats); // shows the stats line
    QString statsText() const;
    void setInterrupted(bool interrupted); // shows/hides the "Interrupted" marker
    bool isInterrupted() const { return interrupted_; }
    // While generating the action row is hidden (nothing to copy/regenerate yet).
    void setGenerating(bool generating);
    bool isGenerating() const { return generating_; }

    // Text put on the clipboard: the answer Markdown (user turn: the prompt), and
    // "<think>\n{thought}\n</think>\n\n{answer}" for copy with reasoning.
    QString answerText() const;
    QString answerWithReasoning() const;

    // --- Branches (both roles): position is 1-based; hidden when count <= 1 ---
    void setBranchInfo(int position, int count);
    QString branchLabel() const; // "2/3"

public slots:
    void copyAnswer();
    void copyWithReasoning();

signals:
    void previousBranch();
    void nextBranch();
    void regenerateRequested();
    void editResendRequested(const QString& newText);
    void deleteRequested();
    void copied(const QString& text);
    void thinkingExpandedChanged(bool expanded);
    void linkActivated(const QUrl& url);

protected:
    void changeEvent(QEvent* event) override; // palette change: the muted stats colour follows

private:
    void mutedStatsColour();
    void buildUser();
    void buildAssistant();
    void buildActions();
    void updateActionVisibility();

    Role role_;
    qint64 messageId_ = -1;
    QString userText_;
    bool interrupted_ = false;
    bool generating_ = false;

    QWidget* editPage_ = nullptr; // the inline editor, shown instead of the bubble
    QLabel* userLabel_ = nullptr;
    PromptEditor* editEditor_ = nullptr;
    ThinkingBlock* thinking_ = nullptr;
    AnswerView* answer_ = nullptr;
    QLabel* interruptedLabel_ = nullptr;
    QLabel* statsLabel_ = nullptr;
    QWidget* actions_ = nullptr;
    QWidget* branchNav_ = nullptr;
    QToolButton* prevBranch_ = nullptr;
    QToolButton* nextBranch_ = nullptr;
    QLabel* branchLabel_ = nullptr;
};

} // namespace rwb::ui
