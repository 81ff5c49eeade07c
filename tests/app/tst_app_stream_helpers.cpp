// The two small stream helpers of the worker: DeltaBatcher lets text out at most once per
// interval (everything pending at once when asked, nothing lost or reordered), and
// ThoughtLoopDetector flags a thought that repeats a long run of text, but not one that makes
// progress or merely repeats short phrases or whitespace.
#include "inference/delta_batcher.h"
#include "inference/loop_detector.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace rwb::app;

class TestStreamHelpers : public QObject {
    Q_OBJECT
private slots:
    void batcherHoldsTextForTheInterval() {
        DeltaBatcher b(40);
        QVERIFY(b.takeIfDue().isEmpty()); // nothing pending
        b.addThinking("a");
        QCOMPARE(b.takeIfDue().thinking, QString("a")); // the first batch goes at once
        b.addThinking("b");
        b.addAnswer("X");
        QVERIFY(b.takeIfDue().isEmpty()); // too soon
        QVERIFY(b.hasPending());
        QElapsedTimer t;
        t.start();
        TextDelta d;
        while (d.isEmpty() && t.elapsed() < 2000) d = b.takeIfDue();
        QVERIFY(t.elapsed() >= 30);
        QCOMPARE(d.thinking, QString("b"));
        QCOMPARE(d.answer, QString("X"));
        b.addAnswer("Y");
        QCOMPARE(b.take().answer, QString("Y")); // forced out (phase change, end)
        QCOMPARE(b.batches(), 3);
        QVERIFY(!b.hasPending());
    }

    void aRepeatedParagraphIsALoop() {
        ThoughtLoopDetector d;
        const QString para = "Wait, let me check that again. 48 plus 76: 40 plus 70 is 110, and "
                             "8 plus 6 is 14, so 124.\n\n";
        QVERIFY(!d.add("Okay, the user asks for a sum. "));
        QVERIFY(!d.add(para));
        QVERIFY(!d.add(para));
        bool fired = false;
        for (int i = 0; i < 3 && !fired; ++i) fired = d.add(para);
        QVERIFY(fired);
        QVERIFY(d.looping());
        QVERIFY(!d.add(para)); // once only
        d.reset();
        QVERIFY(!d.looping());
    }

    void progressIsNotALoop() {
        ThoughtLoopDetector d;
        for (int i = 0; i < 300; ++i)
            QVERIFY(!d.add(QStringLiteral("Step %1: add %2 to the running total, giving %3. ")
                               .arg(i)
                               .arg(i * 7)
                               .arg(i * i * 7)));
        // a short phrase said a few times between progress is not a loop; whitespace never is
        for (int i = 0; i < 50; ++i)
            QVERIFY(!d.add(QStringLiteral("Hmm. Hmm. Then %1 more. ").arg(i * 13)));
        ThoughtLoopDetector spaces;
        for (int i = 0; i < 100; ++i) QVERIFY(!spaces.add(QString(64, ' ')));
    }
};

QTEST_GUILESS_MAIN(TestStreamHelpers)
#include "tst_app_stream_helpers.moc"
