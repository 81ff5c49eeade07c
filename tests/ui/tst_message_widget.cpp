// MessageWidget: user bubble with inline edit-and-resend, assistant turn with thought,
// answer, stats line, interrupted marker, clipboard actions, action signals and branches.
#include "chat/answer_view.h"
#include "chat/message_widget.h"
#include "chat/prompt_editor.h"
#include "chat/thinking_block.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

using rwb::ui::MessageStats;
using rwb::ui::MessageWidget;

class TestMessageWidget : public QObject {
    Q_OBJECT

    static QToolButton* button(QWidget& w, const char* name) {
        auto* b = w.findChild<QToolButton*>(name);
        if (!b) qFatal("no button %s", name);
        return b;
    }

private slots:
    void assistantTurnAsStreamed() {
        MessageWidget m(MessageWidget::Role::Assistant);
        m.resize(600, 500);
        m.show();
        QVERIFY(QTest::qWaitForWindowExposed(&m));
        m.setGenerating(true);
        QVERIFY(!m.findChild<QWidget*>("messageActions")->isVisible());
        m.appendThinking("The user wants 2+2.");
        m.thinkingBlock()->setThinkingTokens(6);
        QVERIFY(m.thinkingBlock()->isVisible());
        m.thinkingBlock()->finishThinking(1.5, 6);
        m.appendAnswer("The answer is $\\boxed{4}$.");
        m.answerView()->finish();
        m.setGenerating(false);
        MessageStats s;
        s.model = "rwb-demo-medium";
        s.tokensPerSecond = 1234.4;
        s.timeToFirstTokenMs = 45.2;
        s.thinkingTokens = 318;
        s.answerTokens = 42;
        m.setStats(s);
        QCOMPARE(m.statsText(),
                 QString("rwb-demo-medium · 1,234 tok/s · TTFT 45 ms · 318 thinking + 42 answer "
                         "tokens"));
        QVERIFY(m.findChild<QLabel*>("statsLine")->isVisible());
        QVERIFY(m.findChild<QWidget*>("messageActions")->isVisible());
        QVERIFY(!m.answerView()->renderedText().contains('\\'));
        QVERIFY(m.answerView()->renderedText().contains("4"));
        QVERIFY(!m.findChild<QLabel*>("interruptedMarker")->isVisible());
    }

    void copyActions() {
        MessageWidget m(MessageWidget::Role::Assistant);
        m.show();
        m.appendThinking("Add them.");
        m.thinkingBlock()->finishThinking(0.5, 3);
        m.appendAnswer("**4**");
        QSignalSpy copied(&m, &MessageWidget::copied);
        QTest::mouseClick(button(m, "copyAnswerButton"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), QString("**4**"));
        QTest::mouseClick(button(m, "copyReasoningButton"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(),
                 QString("<think>\nAdd them.\n</think>\n\n**4**"));
        QCOMPARE(copied.size(), 2);
    }

    void actionSignalsAndInterruptedMarker() {
        MessageWidget m(MessageWidget::Role::Assistant);
        m.show();
        m.appendAnswer("partial");
        m.setInterrupted(true);
        QVERIFY(m.findChild<QLabel*>("interruptedMarker")->isVisible());
        QSignalSpy regen(&m, &MessageWidget::regenerateRequested);
        QSignalSpy del(&m, &MessageWidget::deleteRequested);
        QTest::mouseClick(button(m, "regenerateButton"), Qt::LeftButton);
        QTest::mouseClick(button(m, "deleteButton"), Qt::LeftButton);
        QCOMPARE(regen.size(), 1);
        QCOMPARE(del.size(), 1);
        QSignalSpy expanded(&m, &MessageWidget::thinkingExpandedChanged);
        m.appendThinking("x");
        m.thinkingBlock()->finishThinking(1, 1);
        QCOMPARE(expanded.size(), 0);
        QTest::mouseClick(m.findChild<QToolButton*>("thinkingHeader"), Qt::LeftButton);
        QCOMPARE(expanded.size(), 1);
        QCOMPARE(expanded.at(0).at(0).toBool(), true);
    }

    void branchNavigation() {
        MessageWidget m(MessageWidget::Role::Assistant);
        m.show();
        auto* nav = m.findChild<QWidget*>("branchNavigation");
        QVERIFY(!nav->isVisible());
        m.setBranchInfo(2, 3);
        QVERIFY(nav->isVisible());
        QCOMPARE(m.findChild<QLabel*>("branchLabel")->text(), QString("2/3"));
        QSignalSpy prev(&m, &MessageWidget::previousBranch);
        QSignalSpy next(&m, &MessageWidget::nextBranch);
        QTest::mouseClick(button(m, "previousBranchButton"), Qt::LeftButton);
        QTest::mouseClick(button(m, "nextBranchButton"), Qt::LeftButton);
        QCOMPARE(prev.size(), 1);
        QCOMPARE(next.size(), 1);
        m.setBranchInfo(1, 3);
        QVERIFY(!button(m, "previousBranchButton")->isEnabled());
        QTest::mouseClick(button(m, "previousBranchButton"), Qt::LeftButton);
        QCOMPARE(prev.size(), 1);
        m.setBranchInfo(1, 1);
        QVERIFY(!nav->isVisible());
    }

    void userEditAndResend() {
        MessageWidget m(MessageWidget::Role::User);
        m.resize(500, 300);
        m.show();
        QVERIFY(QTest::qWaitForWindowExposed(&m));
        m.setUserText("What is 2+2? <b>not bold</b>");
        QCOMPARE(m.findChild<QLabel*>("userBubble")->text(),
                 QString("What is 2+2? <b>not bold</b>"));
        QCOMPARE(m.findChild<QLabel*>("userBubble")->textFormat(), Qt::PlainText);
        QVERIFY(m.thinkingBlock() == nullptr && m.answerView() == nullptr);
        QSignalSpy resend(&m, &MessageWidget::editResendRequested);

        QTest::mouseClick(button(m, "editButton"), Qt::LeftButton);
        QVERIFY(m.isEditing());
        QVERIFY(m.editEditor()->isVisible());
        QCOMPARE(m.editEditor()->text(), QString("What is 2+2? <b>not bold</b>"));
        QTest::mouseClick(m.findChild<QPushButton*>("editCancelButton"), Qt::LeftButton);
        QVERIFY(!m.isEditing());
        QCOMPARE(resend.size(), 0);

        QTest::mouseClick(button(m, "editButton"), Qt::LeftButton);
        m.editEditor()->selectAll();
        QTest::keyClicks(m.editEditor(), "What is 3+3?");
        QTest::keyClick(m.editEditor(), Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(resend.size(), 1);
        QCOMPARE(resend.at(0).at(0).toString(), QString("What is 3+3?"));
        QVERIFY(!m.isEditing());
        QCOMPARE(m.userText(), QString("What is 2+2? <b>not bold</b>")); // owner updates it

        QTest::mouseClick(button(m, "copyAnswerButton"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), QString("What is 2+2? <b>not bold</b>"));
    }
};

QTEST_MAIN(TestMessageWidget)
#include "tst_message_widget.moc"
