// PromptEditor: the multi-line prompt box (QScintilla with Markdown highlighting).
// - Enter inserts a newline; Ctrl+Enter emits submitted(text) (also when a window-level
//   shortcut uses Ctrl+Enter: the editor claims the key while it has focus). Esc is left to
//   window shortcuts ("stop").
// - Grows with its content from minimumLines() to maximumLines(), then scrolls.
// - History: Alt+Up / Alt+Down walk previous prompts, newest first; the unsent draft is kept
//   and comes back after the newest entry. The editor never records or clears by itself:
//   when the owner accepts a submission it calls commitSubmission() (records the text in
//   history and clears the editor).
#pragma once

#include <QStringList>
#include <Qsci/qsciscintilla.h>

class QLabel;

namespace rwb::ui {

class PromptEditor : public QsciScintilla {
    Q_OBJECT
public:
    explicit PromptEditor(QWidget* parent = nullptr);

    void setPlaceholderText(const QString& text);
    QString placeholderText() const;
    bool isPlaceholderVisible() const;

    void setHistory(const QStringList& entries); // oldest first
    QStringList history() const { return history_; }
    void addHistoryEntry(const QString& entry); // skips blanks and an immediate duplicate
    void setMaximumHistory(int entries) { maxHistory_ = entries; } // default 200
    void commitSubmission(); // addHistoryEntry(text()) + clear()
    void historyPrevious();  // Alt+Up
    void historyNext();      // Alt+Down

    void setMinimumLines(int lines); // default 2
    void setMaximumLines(int lines); // default 12
    int minimumLines() const { return minLines_; }
    int maximumLines() const { return maxLines_; }
    int lineHeight() const;      // pixels of one text line
    int visualLineCount() const; // lines on screen including wrapped ones

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void submitted(const QString& text);

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override; // palette change: re-theme

private:
    void updateHeight();
    void updatePlaceholder();
    void applyTheme();
    void showHistoryEntry(int index);

    QLabel* placeholder_ = nullptr;
    QStringList history_;
    QString draft_;
    int historyIndex_ = -1; // -1: editing the draft; else index into history_
    int maxHistory_ = 200;
    int minLines_ = 2;
    int maxLines_ = 12;
    int fittedHeight_ = 0;
};

} // namespace rwb::ui
