// PromptEditor driven by keys: Enter = newline, Ctrl+Enter = submit (even against a window
// shortcut), growth up to a maximum, history with Alt+Up/Down keeping the draft, placeholder.
#include "chat/prompt_editor.h"

#include <QShortcut>
#include <QSignalSpy>
#include <QVBoxLayout>
#include <QtTest>

using rwb::ui::PromptEditor;

class TestPromptEditor : public QObject {
    Q_OBJECT
private slots:
    void placeholderShowsOnlyWhenEmpty() {
        PromptEditor e;
        e.setPlaceholderText("Ask anything (Ctrl+Enter to send)");
        e.show();
        QVERIFY(e.isPlaceholderVisible());
        QCOMPARE(e.placeholderText(), QString("Ask anything (Ctrl+Enter to send)"));
        QTest::keyClicks(&e, "hi");
        QVERIFY(!e.isPlaceholderVisible());
        e.clear();
        QVERIFY(e.isPlaceholderVisible());
    }

    void enterIsNewlineCtrlEnterSubmits() {
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* e = new PromptEditor(&window);
        layout->addWidget(e);
        // A window-level Ctrl+Enter must not steal the key from the editor.
        auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), &window);
        QSignalSpy shortcutSpy(shortcut, &QShortcut::activated);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        e->setFocus();
        QSignalSpy spy(e, &PromptEditor::submitted);
        QTest::keyClicks(e, "first line");
        QTest::keyClick(e, Qt::Key_Return);
        QTest::keyClicks(e, "second");
        QCOMPARE(spy.size(), 0);
        QCOMPARE(e->text(), QString("first line\nsecond"));
        QTest::keyClick(e, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QString("first line\nsecond"));
        QCOMPARE(shortcutSpy.size(), 0);
        QCOMPARE(e->text(), QString("first line\nsecond")); // the owner decides to clear
        e->commitSubmission();
        QCOMPARE(e->text(), QString());
        QTest::keyClick(e, Qt::Key_Enter, Qt::ControlModifier); // blank: nothing to send
        QCOMPARE(spy.size(), 1);
    }

    void escapeReachesTheWindow() {
        // Esc is the window's "stop generating": the editor must not swallow it.
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* e = new PromptEditor(&window);
        layout->addWidget(e);
        auto* stop = new QShortcut(QKeySequence(Qt::Key_Escape), &window);
        QSignalSpy stopSpy(stop, &QShortcut::activated);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        e->setFocus();
        QTest::keyClicks(e, "typing");
        QTest::keyClick(e, Qt::Key_Escape);
        QCOMPARE(stopSpy.size(), 1);
        QCOMPARE(e->text(), QString("typing"));
        // The window's other keys (new chat, search, model switch) work from the editor too.
        for (Qt::Key k : {Qt::Key_N, Qt::Key_F, Qt::Key_K}) {
            auto* sc = new QShortcut(QKeySequence(Qt::CTRL | k), &window);
            QSignalSpy spy(sc, &QShortcut::activated);
            QTest::keyClick(e, k, Qt::ControlModifier);
            QVERIFY2(spy.size() == 1, qPrintable(QKeySequence(Qt::CTRL | k).toString()));
        }
        QCOMPARE(e->text(), QString("typing"));
    }

    void growsThenScrolls() {
        PromptEditor e;
        e.setMinimumLines(1);
        e.setMaximumLines(8);
        e.resize(400, e.height());
        e.show();
        QVERIFY(QTest::qWaitForWindowExposed(&e));
        const int oneLine = e.height();
        e.setText("a\nb\nc\nd");
        QTRY_VERIFY(e.height() > oneLine);
        const int fourLines = e.height();
        QCOMPARE(fourLines - oneLine, 3 * e.lineHeight());
        QString many;
        for (int i = 0; i < 40; ++i) many += QString("line %1\n").arg(i);
        e.setText(many);
        const int capped = e.height();
        QCOMPARE(capped - oneLine, 7 * e.lineHeight());
        e.setText(many + many);
        QCOMPARE(e.height(), capped);
        QVERIFY(e.visualLineCount() > 8);
    }

    void historyKeepsTheDraft() {
        PromptEditor e;
        e.show();
        e.setFocus();
        e.setText("first");
        e.commitSubmission();
        e.setText("second");
        e.commitSubmission();
        QCOMPARE(e.history(), QStringList({"first", "second"}));
        QTest::keyClicks(&e, "draft");
        QTest::keyClick(&e, Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(e.text(), QString("second"));
        QTest::keyClick(&e, Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(e.text(), QString("first"));
        QTest::keyClick(&e, Qt::Key_Up, Qt::AltModifier); // oldest: stays
        QCOMPARE(e.text(), QString("first"));
        QTest::keyClick(&e, Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(e.text(), QString("second"));
        QTest::keyClick(&e, Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(e.text(), QString("draft"));
        QTest::keyClick(&e, Qt::Key_Down, Qt::AltModifier); // already at the draft
        QCOMPARE(e.text(), QString("draft"));
        // Plain Up moves the caret, it does not walk history.
        QTest::keyClick(&e, Qt::Key_Up);
        QCOMPARE(e.text(), QString("draft"));
    }

    void historySkipsBlanksAndRepeats() {
        PromptEditor e;
        e.addHistoryEntry("same");
        e.addHistoryEntry("same");
        e.addHistoryEntry("   ");
        QCOMPARE(e.history(), QStringList({"same"}));
        e.setMaximumHistory(2);
        e.addHistoryEntry("b");
        e.addHistoryEntry("c");
        QCOMPARE(e.history(), QStringList({"b", "c"}));
    }
};

QTEST_MAIN(TestPromptEditor)
#include "tst_prompt_editor.moc"
