// The compare view offscreen with the three bundled demo models on one prompt: three columns
// stream a thought and an answer and finish with stats; the metrics table is filled; the
// answers agree on 124; a column stops alone; "Send again" uses a new seed; with a memory
// budget for one model at a time the others wait for memory first; the thought diff marks a
// divergence; "Continue in chat" hands over a column's reply. With RWB_SCREENSHOT_DIR set it
// saves a screenshot of the view.
#include "compare/compare_column.h"
#include "compare/compare_view.h"
#include "compare/memory_plan.h"
#include "compare/thought_diff_view.h"

#include "chat/answer_view.h"
#include "chat/thinking_block.h"

#include "demo_models.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::ui::compare;
using compare_test::demoModels;
using compare_test::haveDemoModels;
using rwb::compare::ColumnState;

class TestCompareView : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static rwb::app::GenerationSettings settings() {
        return compare_test::greedySettings(1024, 400);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        compare_test::useSettingsIn(m_dir);
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
    }

    void three_models_side_by_side() {
        CompareView view;
        view.resize(1400, 900);
        view.show();
        view.setAvailableModels(demoModels());
        QCOMPARE(view.selectedModels(), demoModels());
        view.session()->setSettings(settings());
        view.session()->setTotalThreads(2);
        view.promptEdit()->setText("What is 48 + 76?");
        QSignalSpy done(view.session(), &rwb::compare::CompareSession::allFinished);
        QSignalSpy deltas(view.session(), &rwb::compare::CompareSession::columnDelta);
        QVERIFY(view.send(42));
        QCOMPARE(view.columns().size(), 3);
        QVERIFY(done.wait(120000));
        QVERIFY(deltas.size() >= 3);
        QTableWidget* t = view.metricsTable();
        QCOMPARE(t->rowCount(), 3);
        for (int i = 0; i < 3; ++i) {
            CompareColumn* c = view.columns()[i];
            QCOMPARE(c->stateText(), QString("finished"));
            QCOMPARE(c->thinkingBlock()->state(), rwb::ui::ThinkingBlock::State::Finished);
            QVERIFY(!c->thinkingBlock()->thinkingText().isEmpty());
            QVERIFY(c->statsText().contains("TTFT"));
            QVERIFY(c->continueButton()->isEnabled());
            QVERIFY(!c->stopButton()->isEnabled());
            const auto& m = view.session()->column(i).metrics;
            QVERIFY(m.ttftMs > 0);
            QVERIFY(m.firstAnswerMs >= m.ttftMs);
            QVERIFY(m.thinkingTokens > 10);
            QVERIFY(m.answerTokens > 0);
            QVERIFY(m.thinkingSeconds > 0);
            QVERIFY(m.thinkingTokensPerSecond > 0);
            // Peak memory: measured by the worker, not the plan's estimate. Each demo model
            // reads all of its weights for every token (tied embeddings), so nearly the whole
            // file is resident, plus the KV cache pages written and the buffers.
            const QString path = demoModels()[i];
            const quint64 file = quint64(QFileInfo(path).size());
            QCOMPARE(m.plannedMemoryBytes, rwb::compare::estimateModelBytes(path, 1024));
            QVERIFY(m.peakMemoryBytes > 0);
            QCOMPARE(m.peakMemoryBytes, m.peakWeightsBytes + m.peakSessionBytes);
            QVERIFY(m.peakWeightsBytes >= file * 9 / 10);
            QVERIFY(m.peakWeightsBytes <= file + (1u << 20)); // + the float copies of norms
            QVERIFY(m.peakSessionBytes > 0);
            QVERIFY(m.peakMemoryBytes != m.plannedMemoryBytes);
            // Below the plan (it reserves the whole context's KV cache and full buffers) and
            // far from the old estimate, file + KV + a 32 MiB allowance.
            QVERIFY(m.peakMemoryBytes < m.plannedMemoryBytes);
            QVERIFY(m.peakMemoryBytes < file + (32u << 20));
            if (i > 0)
                QVERIFY(m.peakMemoryBytes > view.session()->column(i - 1).metrics.peakMemoryBytes);
            QTableWidgetItem* memory = t->item(i, CompareView::Memory);
            QCOMPARE(memory->text(),
                     QString::number(double(m.peakMemoryBytes) / (1 << 20), 'f', 1));
            QVERIFY(memory->toolTip().contains("Measured: weights resident"));
            QVERIFY(memory->toolTip().contains("planned"));
            qInfo("%s: peak %.2f MiB measured (weights %.2f + session %.2f), planned %.2f MiB",
                  qPrintable(QFileInfo(path).completeBaseName()), m.peakMemoryBytes / 1048576.0,
                  m.peakWeightsBytes / 1048576.0, m.peakSessionBytes / 1048576.0,
                  m.plannedMemoryBytes / 1048576.0);
            QCOMPARE(t->item(i, CompareView::State)->text(), QString("finished"));
            QVERIFY(t->item(i, CompareView::ThinkTokens)->text().toInt() > 10);
        }
        // The large model gets it right; the table shows its extracted answer.
        QCOMPARE(t->item(2, CompareView::FinalAnswer)->text(), QString("124"));
        const bool agree = view.session()->answersAgree();
        QCOMPARE(t->item(0, CompareView::Agrees)->text(), agree ? QString("yes") : QString("no"));

        // Thought diff of the small and large model.
        view.showDiff(0, 2);
        if (const QByteArray dir = qgetenv("RWB_SCREENSHOT_DIR"); !dir.isEmpty())
            view.grab().save(QString::fromLocal8Bit(dir) + "/compare-view.png");
        QVERIFY(!view.diffView()->diff().leftParagraphs.isEmpty());
        QVERIFY(view.diffView()->summaryText().contains("divergence") ||
                view.diffView()->summaryText().contains("identical"));

        // Continue in chat hands over the column's texts.
        QSignalSpy handed(&view, &CompareView::continueInChat);
        view.columns()[2]->continueButton()->click();
        QCOMPARE(handed.size(), 1);
        QCOMPARE(handed[0][0].toString(), demoModels()[2]);
        QCOMPARE(handed[0][1].toString(), QString("What is 48 + 76?"));
        QVERIFY(handed[0][3].toString().contains("124"));

        // Send again: a new seed, everything runs again; stop the first column alone.
        QSignalSpy again(view.session(), &rwb::compare::CompareSession::allFinished);
        QSignalSpy states(view.session(), &rwb::compare::CompareSession::columnStateChanged);
        view.session()->setSettings([] {
            auto s = settings();
            s.temperature = 0.6;
            return s;
        }());
        view.sendAgainButton()->click();
        QVERIFY(view.lastSeed() != 42);
        QTRY_VERIFY_WITH_TIMEOUT(view.columns()[0]->stopButton()->isEnabled(), 10000);
        view.columns()[0]->stopButton()->click();
        QVERIFY(again.wait(120000));
        const ColumnState first = view.session()->column(0).state;
        QVERIFY(first == ColumnState::Stopped || first == ColumnState::Finished);
        QCOMPARE(view.session()->column(2).state, ColumnState::Finished);
    }

    void waits_for_memory() {
        CompareView view;
        view.show();
        view.setAvailableModels(demoModels());
        view.selectModels({demoModels()[0], demoModels()[1]});
        auto s = settings();
        s.maxTokens = 40;
        view.session()->setSettings(s);
        view.session()->setMemoryBudget(1); // only one model at a time
        view.promptEdit()->setText("What is 3 + 4?");
        QSignalSpy states(view.session(), &rwb::compare::CompareSession::columnStateChanged);
        QSignalSpy done(view.session(), &rwb::compare::CompareSession::allFinished);
        QVERIFY(view.send(1));
        QCOMPARE(view.columns()[1]->stateText(), QString("waiting for memory"));
        QCOMPARE(view.columns()[0]->stateText(), QString("loading"));
        QVERIFY(done.wait(60000));
        // Column 1 started only after column 0 finished.
        int finished0 = -1, loading1 = -1;
        for (int i = 0; i < states.size(); ++i) {
            const int c = states[i][0].toInt();
            const auto st = states[i][1].value<ColumnState>();
            if (c == 0 && st == ColumnState::Finished) finished0 = i;
            if (c == 1 && st == ColumnState::Loading) loading1 = i;
        }
        QVERIFY(finished0 >= 0 && loading1 > finished0);
        QCOMPARE(view.session()->column(1).state, ColumnState::Finished);
    }

    void same_model_twice_shares_its_weights() {
        CompareView view;
        view.show();
        view.setAvailableModels(demoModels());
        view.selectModels({demoModels()[1], demoModels()[1]});
        auto s = settings();
        s.maxTokens = 20;
        view.session()->setSettings(s);
        // Room for the model once and two sessions: the second column needs no second copy of
        // the weights, so both start at once.
        const auto plan = rwb::compare::planModelMemory(demoModels()[1], s.contextLength);
        QVERIFY(plan.model >= quint64(QFileInfo(demoModels()[1]).size()));
        QVERIFY(plan.session > 0);
        QCOMPARE(plan.total(), rwb::compare::estimateModelBytes(demoModels()[1], s.contextLength));
        view.session()->setMemoryBudget(plan.model + 2 * plan.session);
        view.promptEdit()->setText("What is 3 + 4?");
        QSignalSpy done(view.session(), &rwb::compare::CompareSession::allFinished);
        QVERIFY(view.send(3));
        QCOMPARE(view.columns()[0]->stateText(), QString("loading"));
        QCOMPARE(view.columns()[1]->stateText(), QString("loading"));
        QVERIFY(done.wait(60000));
        const auto& a = view.session()->column(0);
        const auto& b = view.session()->column(1);
        QCOMPARE(a.sharesWeightsWith, 1);
        QCOMPARE(b.sharesWeightsWith, 0);
        // One mapping of the file: both columns see the same pages in RAM.
        const quint64 file = quint64(QFileInfo(demoModels()[1]).size());
        QVERIFY(a.metrics.peakWeightsBytes >= file * 9 / 10);
        QCOMPARE(a.metrics.peakWeightsBytes, b.metrics.peakWeightsBytes);
        const QString tip = view.metricsTable()->item(0, CompareView::Memory)->toolTip();
        QVERIFY2(tip.contains("shared with column 2"), qPrintable(tip));
    }

    void different_models_in_the_same_budget_wait() {
        // The same budget as above with two different files: the second one waits.
        CompareView view;
        view.show();
        view.setAvailableModels(demoModels());
        view.selectModels({demoModels()[1], demoModels()[0]});
        auto s = settings();
        s.maxTokens = 20;
        view.session()->setSettings(s);
        const auto plan = rwb::compare::planModelMemory(demoModels()[1], s.contextLength);
        const auto other = rwb::compare::planModelMemory(demoModels()[0], s.contextLength);
        QVERIFY(other.total() > plan.session); // the small model's weights do not fit in
        view.session()->setMemoryBudget(plan.model + 2 * plan.session);
        view.promptEdit()->setText("What is 3 + 4?");
        QSignalSpy done(view.session(), &rwb::compare::CompareSession::allFinished);
        QVERIFY(view.send(3));
        QCOMPARE(view.columns()[1]->stateText(), QString("waiting for memory"));
        QVERIFY(done.wait(60000));
        QCOMPARE(view.session()->column(1).state, ColumnState::Finished);
    }

    void cpu_threads_box_splits_between_local_columns() {
        // The box's value is kept in QSettings (a temporary ini here) and split fairly.
        QSettings().remove(QStringLiteral("compare/cpuThreads"));
        {
            CompareView fresh;
            QCOMPARE(fresh.threadsSpin()->value(), rwb::compare::machineThreads());
        }
        CompareView view;
        view.show();
        view.setAvailableModels(demoModels());
        view.selectModels({demoModels()[0], demoModels()[1]});
        auto s = settings();
        s.maxTokens = 20;
        view.session()->setSettings(s);
        view.session()->setMemoryBudget(quint64(1) << 40); // both run together
        view.threadsSpin()->setValue(4);
        QCOMPARE(view.session()->totalThreads(), 4);
        QCOMPARE(QSettings().value(QStringLiteral("compare/cpuThreads")).toInt(), 4);
        view.promptEdit()->setText("What is 3 + 4?");
        QSignalSpy done(view.session(), &rwb::compare::CompareSession::allFinished);
        QVERIFY(view.send(1));
        QCOMPARE(view.session()->column(0).threads, 2);
        QCOMPARE(view.session()->column(1).threads, 2);
        QVERIFY(done.wait(60000));
        // A new view starts from the saved value.
        CompareView again;
        QCOMPARE(again.threadsSpin()->value(), 4);
        view.threadsSpin()->setValue(3);
        QVERIFY(view.send(2));
        QCOMPARE(view.session()->column(0).threads + view.session()->column(1).threads, 3);
        QVERIFY(done.wait(60000));
    }

    void refuses_bad_input() {
        CompareView view;
        view.setAvailableModels(demoModels());
        view.selectModels({demoModels()[0]});
        view.promptEdit()->setText("hi");
        QVERIFY(!view.send(1));
        QVERIFY(view.statusText().contains("two to four"));
        view.selectModels(demoModels());
        view.promptEdit()->clear();
        QVERIFY(!view.send(1));
        QVERIFY(view.statusText().contains("prompt"));
    }
};

QTEST_MAIN(TestCompareView)
#include "tst_compare_view.moc"
