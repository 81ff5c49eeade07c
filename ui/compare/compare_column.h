// One model's column in the compare view: its name and state ("waiting for memory",
// "thinking", ...), the live thinking block and answer as in chat, a stats line, and buttons to
// stop this column alone or continue it as a normal conversation.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace rwb::ui {
class ThinkingBlock;
class AnswerView;
} // namespace rwb::ui

namespace rwb::ui::compare {

class CompareColumn : public QWidget {
    Q_OBJECT
public:
    explicit CompareColumn(const QString& modelPath, QWidget* parent = nullptr);

    void reset();
    void setStateText(const QString& state);
    // The backend the user chose for this column ("CPU", "CUDA", "AUTO"), after the name.
    void setBackendText(const QString& backend);
    void appendDelta(const QString& thinking, const QString& answer);
    void finishThinking(double seconds, int tokens);
    void finish(bool interrupted, double thinkingSeconds, int thinkingTokens);
    // One or more lines ("\n"), each elided to the column's width; the tooltip has them whole.
    void setStats(const QString& text);
    void setRunning(bool running);

    QString modelPath() const { return m_modelPath; }
    QString stateText() const;
    QString titleText() const;
    QString statsText() const; // the whole text, not elided
    QLabel* statsLabel() const { return m_stats; }
    rwb::ui::ThinkingBlock* thinkingBlock() const { return m_thinking; }
    rwb::ui::AnswerView* answerView() const { return m_answer; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* continueButton() const { return m_continue; }

signals:
    void stopRequested();
    void continueInChatRequested();

private:
    QString m_modelPath;
    QLabel* m_title;
    QLabel* m_state;
    rwb::ui::ThinkingBlock* m_thinking;
    rwb::ui::AnswerView* m_answer;
    QLabel* m_stats;
    QPushButton* m_stop;
    QPushButton* m_continue;
};

} // namespace rwb::ui::compare
