#include "chat/code_block_widget.h"

#include "chat/render/code_lexers.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>
#include <Qsci/qscilexer.h>
#include <Qsci/qsciscintilla.h>

namespace rwb::ui {

CodeBlockWidget::CodeBlockWidget(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("codeBlock"));
    setFrameShape(QFrame::StyledPanel);

    auto* header = new QWidget(this);
    auto* headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(8, 2, 2, 2);
    languageLabel_ = new QLabel(header);
    languageLabel_->setObjectName(QStringLiteral("codeLanguageLabel"));
    copyButton_ = new QPushButton(tr("Copy"), header);
    copyButton_->setObjectName(QStringLiteral("codeCopyButton"));
    copyButton_->setFlat(true);
    copyButton_->setToolTip(tr("Copy the code to the clipboard"));
    headerLayout->addWidget(languageLabel_);
    headerLayout->addStretch(1);
    headerLayout->addWidget(copyButton_);
    connect(copyButton_, &QPushButton::clicked, this, &CodeBlockWidget::copyToClipboard);

    editor_ = new QsciScintilla(this);
    editor_->setObjectName(QStringLiteral("codeEditor"));
    editor_->setUtf8(true);
    editor_->setReadOnly(true);
    for (int m = 0; m < 5; ++m) editor_->setMarginWidth(m, 0);
    editor_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    editor_->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTHTRACKING, 1);
    editor_->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTH, 1);
    editor_->SendScintilla(QsciScintillaBase::SCI_SETENDATLASTLINE, 1);
    editor_->setCaretWidth(0);
    editor_->setFrameShape(QFrame::NoFrame);
    editor_->setFocusPolicy(Qt::ClickFocus); // selectable, but not a tab stop in the chat
    setLanguage(QString());

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(1, 1, 1, 1);
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addWidget(editor_);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    updateEditorHeight();
}

void CodeBlockWidget::setLanguage(const QString& language) {
    const QString canonical = canonicalCodeLanguage(language);
    if (canonical == language_ && languageApplied_) return;
    languageApplied_ = true;
    language_ = canonical;
    languageLabel_->setText(language_.isEmpty() ? tr("text") : language_);

    QsciLexer* old = editor_->lexer();
    QsciLexer* lexer = createCodeLexer(language_, editor_);
    editor_->setLexer(lexer);
    applyTheme();
    if (old && old != lexer) old->deleteLater();
    updateEditorHeight();
}

void CodeBlockWidget::applyTheme() {
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (QsciLexer* lexer = editor_->lexer()) {
        applyCodeTheme(lexer, palette(), mono);
        editor_->setLexer(lexer); // Scintilla copies the styles when the lexer is set
        return;
    }
    const bool dark = isDarkPalette(palette());
    editor_->setFont(mono);
    editor_->setPaper(dark ? QColor(0x1e, 0x1f, 0x22) : QColor(0xf6, 0xf8, 0xfa));
    editor_->setColor(dark ? QColor(0xd4, 0xd4, 0xd4) : QColor(0x24, 0x29, 0x2e));
}

void CodeBlockWidget::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyTheme();
}

void CodeBlockWidget::setCode(const QString& code) {
    const QString current = editor_->text();
    if (code == current) return;
    editor_->setReadOnly(false); // Scintilla refuses every change to a read-only document
    if (!current.isEmpty() && code.startsWith(current))
        editor_->append(code.mid(current.size()));
    else
        editor_->setText(code);
    editor_->setReadOnly(true);
    updateEditorHeight();
}

QString CodeBlockWidget::code() const {
    return editor_->text();
}

QString CodeBlockWidget::lexerLanguage() const {
    return editor_->lexer() ? QString::fromLatin1(editor_->lexer()->language()) : QString();
}

void CodeBlockWidget::copyToClipboard() {
    QGuiApplication::clipboard()->setText(code());
    copyButton_->setText(tr("Copied"));
    QTimer::singleShot(1500, copyButton_, [this] { copyButton_->setText(tr("Copy")); });
    emit copied();
}

void CodeBlockWidget::updateEditorHeight() {
    const int lineHeight = int(editor_->SendScintilla(QsciScintillaBase::SCI_TEXTHEIGHT, 0UL));
    const int lines = std::max(1, editor_->lines());
    int height = lines * std::max(1, lineHeight) + 6;
    // A horizontal scroll bar only when a line is wider than the view, with room of its own
    // so it never covers the last line.
    const bool scroll = widestLine() > editor_->viewport()->width() - 4;
    editor_->setHorizontalScrollBarPolicy(scroll ? Qt::ScrollBarAlwaysOn : Qt::ScrollBarAlwaysOff);
    if (scroll) height += editor_->horizontalScrollBar()->sizeHint().height();
    if (editor_->height() != height || editor_->minimumHeight() != height)
        editor_->setFixedHeight(height);
}

int CodeBlockWidget::widestLine() const {
    int widest = 0;
    const int n = editor_->lines();
    for (int line = 0; line < n; ++line) {
        const QByteArray utf8 = editor_->text(line).toUtf8();
        const long w = editor_->SendScintilla(QsciScintillaBase::SCI_TEXTWIDTH,
                                              QsciScintillaBase::STYLE_DEFAULT, utf8.constData());
        widest = std::max(widest, int(w));
    }
    return widest;
}

void CodeBlockWidget::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    updateEditorHeight(); // the width decides whether a scroll bar is needed
}

} // namespace rwb::ui
