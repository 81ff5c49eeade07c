#include "chat/prompt_editor.h"

#include "chat/render/code_lexers.h"
#include <QFontDatabase>
#include <QKeyEvent>
#include <QLabel>
#include <QTimer>

#include <Qsci/qscilexermarkdown.h>

namespace rwb::ui {

namespace {

bool isSubmitKey(const QKeyEvent* e) {
    return (e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) &&
           (e->modifiers() & Qt::ControlModifier);
}

bool isHistoryKey(const QKeyEvent* e) {
    return (e->key() == Qt::Key_Up || e->key() == Qt::Key_Down) &&
           (e->modifiers() & ~Qt::KeypadModifier) == Qt::AltModifier;
}

} // namespace

PromptEditor::PromptEditor(QWidget* parent) : QsciScintilla(parent) {
    setObjectName(QStringLiteral("promptEditor"));
    setUtf8(true);
    setWrapMode(QsciScintilla::WrapWord);
    for (int m = 0; m < 5; ++m) setMarginWidth(m, 0);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    SendScintilla(SCI_SETENDATLASTLINE, 1);
    setBraceMatching(QsciScintilla::NoBraceMatch);

    setLexer(new QsciLexerMarkdown(this));
    applyTheme();

    placeholder_ = new QLabel(viewport());
    placeholder_->setObjectName(QStringLiteral("promptPlaceholder"));
    placeholder_->setAttribute(Qt::WA_TransparentForMouseEvents);
    placeholder_->setFont(QFontDatabase::systemFont(QFontDatabase::GeneralFont));
    QPalette p = placeholder_->palette();
    p.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
    placeholder_->setPalette(p);
    placeholder_->move(int(SendScintilla(SCI_GETMARGINLEFT)) + 1, 1);

    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(this, &QsciScintilla::textChanged, this, [this] {
        updatePlaceholder();
        updateHeight();
    });
    updatePlaceholder();
    updateHeight();
}

void PromptEditor::applyTheme() {
    QsciLexer* lexer = this->lexer();
    const QFont font = QFontDatabase::systemFont(QFontDatabase::GeneralFont);
    applyLexerColours(lexer, palette().color(QPalette::Base), palette().color(QPalette::Text),
                      font);
    // Code spans and fences in a fixed-pitch font: they read as code while typing.
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    lexer->setFont(mono, QsciLexerMarkdown::CodeBackticks);
    lexer->setFont(mono, QsciLexerMarkdown::CodeDoubleBackticks);
    lexer->setFont(mono, QsciLexerMarkdown::CodeBlock);
    setLexer(lexer); // Scintilla copies the styles when the lexer is set
    setCaretForegroundColor(palette().color(QPalette::Text));
}

void PromptEditor::changeEvent(QEvent* e) {
    QsciScintilla::changeEvent(e);
    if (e->type() == QEvent::PaletteChange) {
        applyTheme();
        updateHeight();
    }
}

void PromptEditor::setPlaceholderText(const QString& text) {
    placeholder_->setText(text);
    placeholder_->adjustSize();
    updatePlaceholder();
}

QString PromptEditor::placeholderText() const {
    return placeholder_->text();
}

bool PromptEditor::isPlaceholderVisible() const {
    return !placeholder_->isHidden() && !placeholder_->text().isEmpty();
}

void PromptEditor::updatePlaceholder() {
    placeholder_->setVisible(length() == 0);
}

void PromptEditor::setHistory(const QStringList& entries) {
    history_ = entries;
    while (history_.size() > maxHistory_) history_.removeFirst();
    historyIndex_ = -1;
}

void PromptEditor::addHistoryEntry(const QString& entry) {
    if (entry.trimmed().isEmpty()) return;
    if (!history_.isEmpty() && history_.constLast() == entry) return;
    history_.append(entry);
    while (history_.size() > maxHistory_) history_.removeFirst();
}

void PromptEditor::commitSubmission() {
    addHistoryEntry(text());
    historyIndex_ = -1;
    draft_.clear();
    clear();
}

void PromptEditor::historyPrevious() {
    if (history_.isEmpty()) return;
    if (historyIndex_ < 0) {
        draft_ = text(); // keep the unsent draft for the way back
        showHistoryEntry(int(history_.size()) - 1);
    } else if (historyIndex_ > 0) {
        showHistoryEntry(historyIndex_ - 1);
    }
}

void PromptEditor::historyNext() {
    if (historyIndex_ < 0) return;
    if (historyIndex_ + 1 < history_.size()) {
        showHistoryEntry(historyIndex_ + 1);
        return;
    }
    historyIndex_ = -1;
    setText(draft_);
    setCursorPosition(lines() - 1, int(text(lines() - 1).size()));
}

void PromptEditor::showHistoryEntry(int index) {
    historyIndex_ = index;
    setText(history_.at(index));
    const int last = lines() - 1;
    setCursorPosition(last, int(text(last).size()));
}

void PromptEditor::setMinimumLines(int lines) {
    minLines_ = std::max(1, lines);
    maxLines_ = std::max(maxLines_, minLines_);
    updateHeight();
}

void PromptEditor::setMaximumLines(int lines) {
    maxLines_ = std::max(1, lines);
    minLines_ = std::min(minLines_, maxLines_);
    updateHeight();
}

int PromptEditor::lineHeight() const {
    return std::max(1, int(const_cast<PromptEditor*>(this)->SendScintilla(SCI_TEXTHEIGHT, 0UL)));
}

int PromptEditor::visualLineCount() const {
    auto* self = const_cast<PromptEditor*>(this);
    int count = 0;
    const int n = lines();
    for (int line = 0; line < n; ++line)
        count += std::max(1, int(self->SendScintilla(SCI_WRAPCOUNT, line)));
    return std::max(1, count);
}

QSize PromptEditor::sizeHint() const {
    return {QsciScintilla::sizeHint().width(), fittedHeight_ > 0 ? fittedHeight_ : 60};
}

QSize PromptEditor::minimumSizeHint() const {
    return {QsciScintilla::minimumSizeHint().width(), sizeHint().height()};
}

void PromptEditor::updateHeight() {
    const int visible = std::clamp(visualLineCount(), minLines_, maxLines_);
    const int height = visible * lineHeight() + 2 * frameWidth() + 4;
    if (height == fittedHeight_) return;
    fittedHeight_ = height;
    setFixedHeight(height);
    updateGeometry();
}

bool PromptEditor::event(QEvent* e) {
    // Claim Ctrl+Enter and Alt+Up/Down before window-level shortcuts see them.
    if (e->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(e);
        if (isSubmitKey(key) || isHistoryKey(key)) {
            e->accept();
            return true;
        }
        // Scintilla claims Esc (SCI_CANCEL); leave it to the window ("stop generating")
        // unless a completion list or call tip is open for it to close.
        if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier && !isListActive() &&
            !isCallTipActive()) {
            e->ignore();
            return true;
        }
    }
    return QsciScintilla::event(e);
}

void PromptEditor::keyPressEvent(QKeyEvent* e) {
    if (isSubmitKey(e)) {
        e->accept();
        if (!text().trimmed().isEmpty()) emit submitted(text());
        return;
    }
    if (isHistoryKey(e)) {
        e->accept();
        if (e->key() == Qt::Key_Up)
            historyPrevious();
        else
            historyNext();
        return;
    }
    QsciScintilla::keyPressEvent(e);
}

void PromptEditor::resizeEvent(QResizeEvent* e) {
    QsciScintilla::resizeEvent(e);
    // Wrapping depends on the width: refit once the new width has been laid out.
    QTimer::singleShot(0, this, [this] { updateHeight(); });
}

} // namespace rwb::ui
