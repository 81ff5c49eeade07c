// ThinkingBlock as a user sees it: live header counting up, collapse at the end of the
// thought, click / Space / Enter to toggle, the global default, interrupted and loop states.
#include "chat/thinking_block.h"

#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTextEdit>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtTest>

using rwb::ui::ThinkingBlock;

class TestThinkingBlock : public QObject {
    Q_OBJECT

    static QToolButton* header(ThinkingBlock& b) {
        return b.findChild<QToolButton*>("thinkingHeader");
    }
    static QTextEdit* body(ThinkingBlock& b) { return b.findChild<QTextEdit*>("thinkingText"); }

private slots:
    void init() { ThinkingBlock::setDefaultExpanded(false); }

    void hiddenUntilTheFirstThought() {
        QWidget message; // as inside a message: a model that does not think shows no block
        auto* layout = new QVBoxLayout(&message);
        auto* b = new ThinkingBlock(&message);
        layout->addWidget(b);
        message.show();
        QVERIFY(!b->isVisible());
        b->appendThinking("Let me");
        QVERIFY(b->isVisible());
        QCOMPARE(b->state(), ThinkingBlock::State::Live);
        b->clear();
        QVERIFY(!b->isVisible());
    }

    void liveHeaderCountsUpBetweenTokens() {
        ThinkingBlock b;
        b.resize(500, 300);
        b.show();
        b.appendThinking("Let me think about ");
        b.appendThinking("the problem.");
        b.setThinkingTokens(318);
        QVERIFY(body(b)->isVisible());
        QCOMPARE(body(b)->toPlainText(), QString("Let me think about the problem."));
        QCOMPARE(b.thinkingText(), QString("Let me think about the problem."));
        QVERIFY(header(b)->text().startsWith(QString("Thinking… ")));
        QVERIFY(header(b)->text().endsWith(QString(" s · 318 tokens")));
        const QString before = header(b)->text();
        // No new token: the clock alone must move the header on.
        QTRY_VERIFY_WITH_TIMEOUT(header(b)->text() != before, 3000);
        QVERIFY(header(b)->text().endsWith(QString(" s · 318 tokens")));
    }

    void finishCollapsesWithFinalFigures() {
        ThinkingBlock b;
        b.show();
        QSignalSpy spy(&b, &ThinkingBlock::expandedChanged);
        b.appendThinking("hmm");
        b.finishThinking(12.4, 1318);
        QCOMPARE(header(b)->text(), QString("Thought for 12.4 s · 1,318 tokens"));
        QCOMPARE(header(b)->arrowType(), Qt::RightArrow); // the chevron
        QVERIFY(!b.isExpanded());
        QVERIFY(!body(b)->isVisible());
        QCOMPARE(spy.size(), 0); // automatic: not a choice to remember
        // The header no longer ticks.
        QTest::qWait(250);
        QCOMPARE(header(b)->text(), QString("Thought for 12.4 s · 1,318 tokens"));
    }

    void clickAndKeysToggle() {
        ThinkingBlock b;
        b.resize(400, 200);
        b.show();
        QVERIFY(QTest::qWaitForWindowExposed(&b));
        b.appendThinking("A thought.");
        b.finishThinking(1.0, 3);
        QSignalSpy spy(&b, &ThinkingBlock::expandedChanged);

        QTest::mouseClick(header(b), Qt::LeftButton);
        QVERIFY(b.isExpanded());
        QVERIFY(body(b)->isVisible());
        QCOMPARE(header(b)->arrowType(), Qt::DownArrow);
        QTest::mouseClick(header(b), Qt::LeftButton);
        QVERIFY(!b.isExpanded());

        QCOMPARE(header(b)->focusPolicy(), Qt::StrongFocus);
        header(b)->setFocus();
        QTest::keyClick(header(b), Qt::Key_Space);
        QVERIFY(b.isExpanded());
        QTest::keyClick(header(b), Qt::Key_Return);
        QVERIFY(!b.isExpanded());
        QTest::keyClick(header(b), Qt::Key_Enter);
        QVERIFY(b.isExpanded());
        QCOMPARE(spy.size(), 5);
        QCOMPARE(spy.last().at(0).toBool(), true);
    }

    void globalDefaultKeepsFinishedThoughtsOpen() {
        ThinkingBlock::setDefaultExpanded(true);
        ThinkingBlock b;
        b.show();
        b.appendThinking("x");
        b.finishThinking(2.0, 5);
        QVERIFY(b.isExpanded());
        ThinkingBlock restored;
        restored.show();
        restored.restore("old thought", 3.5, 9, false);
        QVERIFY(restored.isExpanded());
        QCOMPARE(restored.headerText(), QString("Thought for 3.5 s · 9 tokens"));
        ThinkingBlock::setDefaultExpanded(false);
        ThinkingBlock collapsed;
        collapsed.show();
        collapsed.restore("old thought", 3.5, 9, false);
        QVERIFY(!collapsed.isExpanded());
    }

    void interruptedThought() {
        ThinkingBlock b;
        b.show();
        b.appendThinking("Wait, let me");
        b.interruptThinking(3.04, 40);
        QCOMPARE(header(b)->text(), QString("Thinking stopped after 3.0 s · 40 tokens"));
        QCOMPARE(b.state(), ThinkingBlock::State::Interrupted);
        QVERIFY(b.isExpanded()); // what there is stays readable
    }

    void loopWarningOffersWrapUp() {
        ThinkingBlock b;
        b.show();
        b.appendThinking("again and again");
        auto* wrap = b.findChild<QPushButton*>("wrapUpButton");
        QVERIFY(wrap && !wrap->isVisible());
        b.setLoopWarning("The thought is repeating itself.");
        QVERIFY(wrap->isVisible());
        QSignalSpy spy(&b, &ThinkingBlock::wrapUpRequested);
        QTest::mouseClick(wrap, Qt::LeftButton);
        QCOMPARE(spy.size(), 1);
        b.setLoopWarning(QString());
        QVERIFY(!wrap->isVisible());
    }

    void longThoughtScrollsInsideACappedBody() {
        ThinkingBlock b;
        b.setMaximumBodyHeight(120);
        b.resize(300, 400);
        b.show();
        for (int i = 0; i < 60; ++i) b.appendThinking(QString("line %1\n").arg(i));
        QTRY_COMPARE(body(b)->height(), 120);
        QCOMPARE(body(b)->verticalScrollBar()->value(), body(b)->verticalScrollBar()->maximum());
    }
};

QTEST_MAIN(TestThinkingBlock)
#include "tst_thinking_block.moc"
