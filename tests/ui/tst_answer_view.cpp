// AnswerView: Markdown + math + code blocks as segments, streaming with throttled re-renders
// that reuse widgets, Copy buttons, and links that only open on click.
#include "chat/answer_view.h"
#include "chat/code_block_widget.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTextBlock>
#include <QTextBrowser>
#include <Qsci/qscilexercpp.h>
#include <Qsci/qsciscintilla.h>
#include <QtTest>

using rwb::ui::AnswerView;
using rwb::ui::CodeBlockWidget;

class TestAnswerView : public QObject {
    Q_OBJECT
private slots:
    void segmentsWithHighlightedCode() {
        AnswerView v;
        v.resize(600, 400);
        v.show();
        v.setMarkdown("Intro with **bold**.\n\n```python\ndef f():\n    return 1\n```\n\n"
                      "After, with `x`.\n\n```\nplain text\n```\n\n```ts\nlet a = 1;\n```");
        QCOMPARE(v.segmentCount(), 5);
        const auto blocks = v.codeBlocks();
        QCOMPARE(blocks.size(), 3);
        QCOMPARE(blocks[0]->lexerLanguage(), QString("Python"));
        QCOMPARE(blocks[0]->code(), QString("def f():\n    return 1"));
        QCOMPARE(blocks[0]->findChild<QLabel*>("codeLanguageLabel")->text(), QString("python"));
        QVERIFY(blocks[0]->editor()->isReadOnly());
        QCOMPARE(blocks[1]->lexerLanguage(), QString()); // plain
        QCOMPARE(blocks[1]->findChild<QLabel*>("codeLanguageLabel")->text(), QString("text"));
        QCOMPARE(blocks[2]->lexerLanguage(), QString("JavaScript"));
        const auto texts = v.textViews();
        QCOMPARE(texts.size(), 2);
        QCOMPARE(texts[0]->toPlainText(), QString("Intro with bold."));
        // Each block is as tall as its lines; nothing is cut off.
        QVERIFY(blocks[0]->editor()->height() >= 2 * int(blocks[0]->editor()->SendScintilla(
                                                         QsciScintillaBase::SCI_TEXTHEIGHT, 0UL)));
        QVERIFY(texts[0]->height() >= int(texts[0]->document()->size().height()));
    }

    void longLinesScrollSideways() {
        AnswerView v;
        v.resize(400, 300);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setMarkdown("```c\nint x;\n```\n\n```c\nint y = " + QString(300, '1') + ";\n```");
        const auto blocks = v.codeBlocks();
        QCOMPARE(blocks.size(), 2);
        QTRY_COMPARE(blocks[0]->editor()->horizontalScrollBarPolicy(), Qt::ScrollBarAlwaysOff);
        QTRY_COMPARE(blocks[1]->editor()->horizontalScrollBarPolicy(), Qt::ScrollBarAlwaysOn);
        QVERIFY(blocks[1]->editor()->height() > blocks[0]->editor()->height());
    }

    void codeFollowsTheTheme() {
        AnswerView v;
        v.show();
        v.setMarkdown("```cpp\nint main() { return 0; }\n```");
        CodeBlockWidget* block = v.codeBlocks().at(0);
        QsciLexer* lexer = block->editor()->lexer();
        QVERIFY(lexer);
        QVERIFY(lexer->paper(QsciLexerCPP::Keyword).lightness() > 200);
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::WindowText, Qt::white);
        block->setPalette(dark);
        QVERIFY(lexer->paper(QsciLexerCPP::Keyword).lightness() < 60);
        QVERIFY(lexer->color(QsciLexerCPP::Keyword).lightness() >= 115); // readable on it
        QVERIFY(lexer->color(QsciLexerCPP::Default).lightness() >= 115);
        // Back to light: the lexer's own colours again.
        block->setPalette(QPalette(QColor(0xf0, 0xf0, 0xf0)));
        QCOMPARE(lexer->color(QsciLexerCPP::Keyword), lexer->defaultColor(QsciLexerCPP::Keyword));
    }

    void copyButtonCopiesTheCode() {
        AnswerView v;
        v.show();
        v.setMarkdown("```bash\necho hello\nls -l\n```");
        QGuiApplication::clipboard()->setText("something else");
        auto* copy = v.codeBlocks().at(0)->findChild<QPushButton*>("codeCopyButton");
        QTest::mouseClick(copy, Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), QString("echo hello\nls -l"));
        QCOMPARE(copy->text(), QString("Copied"));
    }

    void streamingIsThrottledAndReusesWidgets() {
        AnswerView v;
        v.resize(500, 300);
        v.show();
        QSignalSpy rendered(&v, &AnswerView::rendered);
        v.appendAnswer("Here is ");
        QCOMPARE(v.segmentCount(), 0); // nothing rendered synchronously
        v.appendAnswer("code:\n```cpp\nint main() {");
        QTRY_COMPARE(v.segmentCount(), 2);
        QTextBrowser* intro = v.textViews().at(0);
        CodeBlockWidget* code = v.codeBlocks().at(0);
        QCOMPARE(code->code(), QString("int main() {"));
        QCOMPARE(code->lexerLanguage(), QString("C++"));
        const int rendersBefore = rendered.size();
        for (int i = 0; i < 200; ++i) v.appendAnswer(QString("\n  f(%1);").arg(i));
        v.appendAnswer("\n}\n```\nDone **now**.");
        QTRY_COMPARE(v.segmentCount(), 3);
        QTRY_VERIFY(v.textViews().size() == 2 && v.textViews().at(1)->toPlainText() == "Done now.");
        // 201 deltas arrived in one go: a handful of renders, not one per delta.
        QVERIFY2(rendered.size() - rendersBefore < 20,
                 qPrintable(QString::number(rendered.size())));
        QCOMPARE(v.textViews().at(0), intro);
        QCOMPARE(v.codeBlocks().at(0), code);
        QVERIFY(code->code().endsWith("f(199);\n}"));
        v.finish();
        QVERIFY(!v.isStreaming());
    }

    void openDisplayMathMidStream() {
        AnswerView v;
        v.show();
        v.appendAnswer("So the result is\n\n$$\\frac{a}{b} \\cdot \\sqrt{2");
        v.flush();
        const QString shown = v.renderedText();
        QVERIFY2(!shown.contains('\\') && !shown.contains("$$"), qPrintable(shown));
        QVERIFY(shown.contains("a/b · √"));
        v.appendAnswer("}$$\n\nFinal: \\boxed{42}");
        v.finish();
        QVERIFY(!v.renderedText().contains('\\'));
        QVERIFY(v.renderedText().contains("42"));
    }

    void linksOpenOnlyOnClick() {
        AnswerView v;
        v.setOpenLinksExternally(false); // the test must not start a browser
        QSignalSpy spy(&v, &AnswerView::linkActivated);
        v.resize(500, 200);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setMarkdown("See [the docs](https://example.com/docs) for more.");
        QTest::qWait(50);
        QCOMPARE(spy.size(), 0); // rendering never opens anything
        QTextBrowser* text = v.textViews().at(0);
        const int at = text->toPlainText().indexOf("docs") + 1;
        QTextCursor c(text->document());
        c.setPosition(at);
        const QPoint p = text->cursorRect(c).center();
        QTest::mouseClick(text->viewport(), Qt::LeftButton, {}, p);
        QTRY_COMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toUrl(), QUrl("https://example.com/docs"));
    }
};

QTEST_MAIN(TestAnswerView)
#include "tst_answer_view.moc"
