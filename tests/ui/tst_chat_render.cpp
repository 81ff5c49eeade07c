// Answer rendering without widgets: TeX math -> readable text/HTML, Markdown segments, and
// the rendered document a user sees (structure kept, no raw backslashes, no lost "<int>").
#include "chat/render/answer_segments.h"
#include "chat/render/code_lexers.h"
#include "chat/render/latex_to_html.h"
#include "chat/render/markdown_renderer.h"

#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>
#include <QtTest>

using namespace rwb::ui;

class TestChatRender : public QObject {
    Q_OBJECT
private slots:
    void latexPlain_data() {
        QTest::addColumn<QString>("tex");
        QTest::addColumn<QString>("plain");
        QTest::newRow("frac grouped") << "\\frac{a+b}{2}"
                                      << "(a+b)/2";
        QTest::newRow("frac simple") << "\\frac{1}{2}"
                                     << "1/2";
        QTest::newRow("frac denominator") << "\\frac{1}{2x}"
                                          << "1/(2x)";
        QTest::newRow("dfrac greek") << "\\dfrac{\\pi}{4}"
                                     << "π/4";
        QTest::newRow("scripts") << "x^{2}+y_1"
                                 << "x²+y₁";
        QTest::newRow("long script") << "e^{i\\pi}"
                                     << "e^(iπ)";
        QTest::newRow("sqrt") << "\\sqrt{x+1}"
                              << "√(x+1)";
        QTest::newRow("cube root") << "\\sqrt[3]{8}"
                                   << "³√8";
        QTest::newRow("operators") << "a \\cdot b \\times c \\le d \\ge e \\neq f \\pm g"
                                   << "a · b × c ≤ d ≥ e ≠ f ± g";
        QTest::newRow("greek") << "\\alpha+\\beta=\\Omega"
                               << "α+β=Ω";
        QTest::newRow("text") << "x=1\\text{ if } y>0"
                              << "x=1 if y>0";
        QTest::newRow("left right") << "\\left(\\frac{1}{2}\\right)"
                                    << "(1/2)";
        QTest::newRow("left dot") << "\\left. x \\right|"
                                  << " x |";
        QTest::newRow("boxed") << "\\boxed{124}"
                               << "[124]";
        QTest::newRow("unknown command") << "\\foo{x}"
                                         << "foox";
        QTest::newRow("functions") << "\\sin x + \\log_2 y"
                                   << "sin x + log₂ y";
        QTest::newRow("mathbb") << "x \\in \\mathbb{R}"
                                << "x ∈ ℝ";
        QTest::newRow("binom") << "\\binom{n}{k}"
                               << "C(n, k)";
        QTest::newRow("not equal") << "a \\not= b"
                                   << "a ≠ b";
        QTest::newRow("escaped braces") << "\\{1, 2\\}"
                                        << "{1, 2}";
        QTest::newRow("pmod") << "a \\equiv b \\pmod{7}"
                              << "a ≡ b (mod 7)";
    }
    void latexPlain() {
        QFETCH(QString, tex);
        QFETCH(QString, plain);
        QCOMPARE(latexToPlainText(tex), plain);
    }

    void latexHtml() {
        QVERIFY(latexToHtml("x^{2}").contains("<sup>2</sup>"));
        QVERIFY(latexToHtml("a_{n+1}").contains("<sub>n+1</sub>"));
        QVERIFY(latexToHtml("a-b").contains("−")); // typographic minus in math
        QVERIFY(latexToHtml("\\boxed{7}").contains("font-weight:700"));
        QVERIFY(latexToHtml("\\boxed{7}", true).contains("<table")); // framed display answer
        QVERIFY(!latexToHtml("\\boxed{7} + 1", true).contains("<table"));
        QVERIFY(latexToHtml("x<y & z").contains("&lt;"));
    }

    void latexSurvivesBrokenInput() {
        // Streaming cuts formulas anywhere; nothing may crash or leak a backslash.
        for (const QString& tex :
             {QString("\\frac{1}{"), QString("x^"), QString("\\"), QString("\\sqrt["),
              QString("}}}{{{"), QString(5000, '{'), QString("\\left")}) {
            QVERIFY2(!latexToPlainText(tex).contains('\\'), qPrintable(tex));
            QVERIFY(!latexToHtml(tex, true).contains('\\'));
        }
    }

    void segments() {
        const auto segs = splitAnswerSegments(
            "Intro\n\n```python\nprint(1)\n```\nmiddle\n~~~ C++ extra\nint x;\n~~~\n");
        QCOMPARE(segs.size(), 4);
        QCOMPARE(segs[0].kind, AnswerSegment::Kind::Text);
        QCOMPARE(segs[0].text.trimmed(), QString("Intro"));
        QCOMPARE(segs[1].kind, AnswerSegment::Kind::Code);
        QCOMPARE(segs[1].language, QString("python"));
        QCOMPARE(segs[1].text, QString("print(1)"));
        QVERIFY(segs[1].closed);
        QCOMPARE(segs[2].text.trimmed(), QString("middle"));
        QCOMPARE(segs[3].language, QString("c++"));
        QCOMPARE(segs[3].text, QString("int x;"));
    }

    void segmentsWhileStreaming() {
        auto segs = splitAnswerSegments("Here:\n```cpp\nint main() {\n  return");
        QCOMPARE(segs.size(), 2);
        QCOMPARE(segs[1].text, QString("int main() {\n  return"));
        QVERIFY(!segs[1].closed);
        segs = splitAnswerSegments("Here:\n``"); // not a fence yet
        QCOMPARE(segs.size(), 1);
        // A longer fence holds a shorter one; an indented fence (inside a list) is dedented.
        segs =
            splitAnswerSegments("````md\n```\nx\n```\n````\n1. step\n   ```sh\n   ls -l\n   ```");
        QCOMPARE(segs.size(), 3);
        QCOMPARE(segs[0].text, QString("```\nx\n```"));
        QCOMPARE(segs[2].language, QString("sh"));
        QCOMPARE(segs[2].text, QString("ls -l"));
    }

    void longProseIsCutAtParagraphs() {
        QString md;
        for (int i = 0; i < 40; ++i)
            md += QString("Paragraph %1 says something long enough to matter here.\n\n").arg(i);
        QString list;
        for (int i = 1; i <= 60; ++i)
            list += QString("%1. item number %1 of a long list\n\n").arg(i);
        const QString math = "$$\na + b\n\n= c\n$$\n\n";
        const QString all = md + list + math + md;
        const auto segs = splitAnswerSegments(all);
        QVERIFY(segs.size() >= 3);
        QString joined;
        for (const auto& s : segs) {
            QCOMPARE(s.kind, AnswerSegment::Kind::Text);
            joined += s.text;
            // Never inside the list (items would renumber) or the display math.
            static const QRegularExpression laterItem("^([2-9]|[1-9][0-9])\\. item");
            QVERIFY2(!laterItem.match(s.text).hasMatch(), qPrintable(s.text.left(40)));
            QCOMPARE(s.text.count("$$") % 2, 0);
        }
        QCOMPARE(joined, all);
        // Growing the text keeps the earlier cuts (streaming re-renders only the tail).
        const auto more = splitAnswerSegments(all + "Another paragraph.");
        for (qsizetype i = 0; i + 1 < segs.size(); ++i) QCOMPARE(more.at(i), segs.at(i));
    }

    void lexerNames() {
        QCOMPARE(canonicalCodeLanguage("C++"), QString("cpp"));
        QCOMPARE(canonicalCodeLanguage("py"), QString("python"));
        QCOMPARE(canonicalCodeLanguage("yml"), QString("yaml"));
        QCOMPARE(canonicalCodeLanguage("text"), QString(""));
        QObject owner;
        for (const char* lang : {"cpp", "c", "python", "js", "ts", "json", "bash", "sh", "sql",
                                 "html", "xml", "css", "markdown", "yaml"})
            QVERIFY2(createCodeLexer(lang, &owner) != nullptr, lang);
        QVERIFY(createCodeLexer("brainfuck", &owner) == nullptr);
    }

    void markdownStructure() {
        QTextDocument doc;
        MarkdownRenderer::render(&doc, "# Title\n\nSome **bold** and *it* with `code` and "
                                       "[a link](https://example.com/a).\n\n- one\n- two\n\n"
                                       "| x | y |\n|---|---|\n| 1 | 2 |\n");
        const QString text = doc.toPlainText();
        QVERIFY(text.contains("Title"));
        QVERIFY(!text.contains('#') && !text.contains("**") && !text.contains('|'));
        QCOMPARE(doc.firstBlock().blockFormat().headingLevel(), 1);
        bool sawBold = false, sawLink = false, sawList = false, sawTable = false;
        for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
            if (b.textList()) sawList = true;
            QTextCursor c(b);
            if (c.currentTable()) sawTable = true;
            for (auto it = b.begin(); !it.atEnd(); ++it) {
                const QTextFragment f = it.fragment();
                if (f.text() == "bold" && f.charFormat().fontWeight() >= QFont::Bold)
                    sawBold = true;
                if (f.charFormat().anchorHref() == "https://example.com/a") sawLink = true;
            }
        }
        QVERIFY(sawBold);
        QVERIFY(sawLink);
        QVERIFY(sawList);
        QVERIFY(sawTable);
    }

    void markdownMath() {
        const QString md = "The answer is $\\boxed{124}$, with $x_1 * y_2$ and \\(a^2\\).\n\n"
                           "$$\\frac{1}{2} \\cdot \\pi$$\n\n\\[\\sqrt{2} \\le 2\\]\n\n"
                           "Finally \\boxed{7}.";
        QTextDocument doc;
        MarkdownRenderer::render(&doc, md);
        const QString text = doc.toPlainText();
        QVERIFY2(!text.contains('\\'), qPrintable(text));
        QVERIFY2(!text.contains('$'), qPrintable(text));
        QVERIFY(text.contains("124"));
        QVERIFY2(text.contains("x1 * y2"), qPrintable(text)); // "*" is not emphasis in math
        QVERIFY(text.contains("1/2 · π"));
        QVERIFY(text.contains("√2 ≤ 2"));
        QVERIFY(text.contains("7"));
        // Display math sits in its own centred paragraph.
        bool centred = false;
        for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
            if (b.text().contains("√2") && b.blockFormat().alignment() & Qt::AlignHCenter)
                centred = true;
        QVERIFY(centred);
    }

    void markdownLeavesNonMathAlone() {
        QCOMPARE(MarkdownRenderer::toPlainText("It costs $5 and $10 today."),
                 QString("It costs $5 and $10 today."));
        QCOMPARE(MarkdownRenderer::toPlainText("Use `$x$` and std::vector<int> here."),
                 QString("Use $x$ and std::vector<int> here."));
    }

    void markdownOpenDisplayMathWhileStreaming() {
        QTextDocument doc;
        MarkdownRenderer::render(&doc, "So:\n\n$$\\frac{a}{b} + \\sqrt{", true);
        const QString text = doc.toPlainText();
        QVERIFY2(!text.contains("$$") && !text.contains('\\'), qPrintable(text));
        QVERIFY(text.contains("a/b"));
    }
};

QTEST_MAIN(TestChatRender)
#include "tst_chat_render.moc"
