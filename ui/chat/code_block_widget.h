// CodeBlockWidget: one fenced code block of an answer: a read-only QScintilla editor with
// syntax highlighting for the fence's language, a language label and a Copy button.
// Its height follows the number of lines (no inner vertical scrolling); long lines scroll
// horizontally.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QsciScintilla;

namespace rwb::ui {

class CodeBlockWidget : public QFrame {
    Q_OBJECT
public:
    explicit CodeBlockWidget(QWidget* parent = nullptr);

    // `language` is the fence info string ("cpp", "py", "") — canonicalised, lexer chosen.
    void setLanguage(const QString& language);
    // Replaces the code; when `code` extends the current text only the tail is appended
    // (cheap while streaming).
    void setCode(const QString& code);

    QString code() const;
    QString language() const { return language_; } // canonical name, "" when none
    QString lexerLanguage() const;                 // QsciLexer::language(), "" when plain
    QsciScintilla* editor() const { return editor_; }

public slots:
    void copyToClipboard(); // what the Copy button does

signals:
    void copied();

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override; // palette change: re-theme the code

private:
    void updateEditorHeight();
    void applyTheme();
    int widestLine() const; // pixels

    QLabel* languageLabel_ = nullptr;
    QPushButton* copyButton_ = nullptr;
    QsciScintilla* editor_ = nullptr;
    QString language_;
    bool languageApplied_ = false;
};

} // namespace rwb::ui
