// ThinkingBlock: the collapsible chain of thought above an assistant answer.
//
// Life cycle (driven by the chat view from the controller's signals; no engine calls here):
//   appendThinking(delta) ... setThinkingTokens(n) ...   live: expanded, header ticks
//                                                         "Thinking… 12.4 s · 318 tokens"
//   finishThinking(seconds, tokens)                      "Thought for 12.4 s · 318 tokens",
//                                                         collapsed (or defaultExpanded())
//   interruptThinking(seconds, tokens)                   "Thinking stopped after 3.1 s · 40 tokens"
//   restore(text, seconds, tokens, interrupted)          a finished block from storage
// The header is a focusable button: click, Space or Enter toggles; expandedChanged() lets the
// owner remember the per-message state (pass it back with setExpanded()). It is emitted for
// the user's toggles and setExpanded()/toggle(), not for the automatic opening while live or
// the collapse at finishThinking()/restore() (those follow the global default).
// The block hides itself while it is Empty (a model that does not think shows no block) and
// shows itself on the first thought or restore().
#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTextEdit;
class QTimer;
class QToolButton;

namespace rwb::ui {

class ThinkingBlock : public QWidget {
    Q_OBJECT
public:
    enum class State { Empty, Live, Finished, Interrupted };

    explicit ThinkingBlock(QWidget* parent = nullptr);

    // Live streaming. The first appendThinking() (or startThinking()) starts the header clock,
    // which ticks every 100 ms even when no token arrives.
    void startThinking();
    void appendThinking(const QString& delta);
    void setThinkingTokens(int tokens); // running total shown in the live header

    // End of the thought (</think>): the header shows the final figures and the block
    // collapses unless defaultExpanded() is true. Use the controller's figures.
    void finishThinking(double seconds, int tokens);
    // Generation stopped mid-thought: "Thinking stopped after …"; stays as it is (expanded).
    void interruptThinking(double seconds, int tokens);
    // A finished block restored from history (no clock, collapsed unless defaultExpanded()).
    void restore(const QString& text, double seconds, int tokens, bool interrupted);
    void clear();

    // Loop guard: shows `message` in the header area with a "Wrap up" button
    // (emits wrapUpRequested()). An empty message hides it.
    void setLoopWarning(const QString& message);

    State state() const { return state_; }
    QString thinkingText() const { return text_; }
    QString headerText() const; // exactly what the header shows, without the chevron
    double elapsedSeconds() const;
    int tokens() const { return tokens_; }
    bool isExpanded() const { return expanded_; }

    // Global preference for finished thoughts (all blocks, applied at finish/restore time).
    static void setDefaultExpanded(bool expanded);
    static bool defaultExpanded();

    // Height cap of the text area before it scrolls (default 360 px).
    void setMaximumBodyHeight(int pixels);

public slots:
    void setExpanded(bool expanded);
    void toggle() { setExpanded(!expanded_); }

signals:
    void expandedChanged(bool expanded);
    void wrapUpRequested();

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateHeader();
    void applyExpanded(bool expanded); // no signal: automatic changes
    void updateBodyHeight();

    QToolButton* header_ = nullptr;
    QWidget* loopRow_ = nullptr;
    QLabel* loopLabel_ = nullptr;
    QPushButton* wrapUpButton_ = nullptr;
    QTextEdit* body_ = nullptr;
    QTimer* tick_ = nullptr;
    QElapsedTimer clock_;
    QString text_;
    State state_ = State::Empty;
    double finalSeconds_ = 0.0;
    int tokens_ = 0;
    int maxBodyHeight_ = 360;
    bool expanded_ = true;
};

} // namespace rwb::ui
