// Stored comparisons: a live comparison of the three demo models is saved in a real history
// database when its columns finish, listed in the Compare section, and reopens read only with
// the stored answers and stats; a stored problem-set run is listed and reopens (resuming).
#include "demo_models.h"

#include "chat/answer_view.h"
#include "chat/thinking_block.h"
#include "compare/compare_column.h"
#include "compare/compare_runs_list.h"
#include "compare/compare_view.h"
#include "compare/comparison_recorder.h"
#include "compare/problem_set_store.h"
#include "compare/problem_set_view.h"
#include "compare/stored_comparison_view.h"
#include "conversations/conversation_panel.h"
#include "main/comparison_window.h"
#include "main/main_window.h"
#include "message_store.h"
#include "storage_open.h"
#include "storage_worker.h"

#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace compare_test;
using rwb::ui::ComparisonWindow;
using rwb::ui::compare::CompareRunsList;

class TestCompareStorage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ReasoningWorkbenchTest");
        QCoreApplication::setApplicationName("tst_compare_storage");
        compare_test::useSettingsIn(m_dir);
        rwb::storage::registerStorageMetaTypes();
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
    }

    void live_comparison_is_stored_listed_and_reopened() {
        const QString db = m_dir.filePath("history.sqlite");
        rwb::storage::StorageThread storage;
        QVERIFY(openStorage(storage.worker(), db));

        ComparisonWindow window;
        window.setStorage(storage.worker());
        auto* view = window.compareView();
        view->setAvailableModels(demoModels());
        QCOMPARE(view->selectedModels(), demoModels());
        const rwb::app::GenerationSettings s = compare_test::greedySettings(512, 120);
        view->session()->setSettings(s);
        view->session()->setTotalThreads(2);
        view->promptEdit()->setText("What is 17 + 25?\nShow the sum.");
        QSignalSpy stored(&window, &ComparisonWindow::comparisonStored);
        QVERIFY(view->send(11));
        QVERIFY(stored.wait(120000));
        const qint64 runId = stored.first().at(0).toLongLong();
        QVERIFY(runId > 0);

        // The database, read with a connection of the test's own.
        QStringList liveAnswers, liveFinals;
        QVector<qint64> liveAnswerTokens;
        const QString liveAgree =
            view->metricsTable()->item(0, rwb::ui::compare::CompareView::Agrees)->text();
        QVERIFY(!liveAgree.isEmpty());
        {
            rwb::storage::MessageStore store;
            QVERIFY(store.open(db));
            const auto rec = rwb::compare::loadComparison(store, runId);
            QVERIFY(rec.has_value());
            QCOMPARE(rec->run.title, QString("What is 17 + 25?"));
            QCOMPARE(rec->run.prompt, QString("What is 17 + 25?\nShow the sum."));
            QCOMPARE(rec->run.sampling.value("seed").toString(), QString("11"));
            QCOMPARE(rec->results.size(), 3);
            for (int i = 0; i < 3; ++i) {
                const auto& col = view->session()->column(i);
                const auto& r = rec->results[i];
                QVERIFY(!col.answer.isEmpty());
                QCOMPARE(r.answer, col.answer);
                QCOMPARE(r.answer, view->columns()[i]->answerView()->markdown());
                QCOMPARE(r.reasoning, col.thinking);
                QCOMPARE(r.state, rwb::storage::MessageState::Complete);
                QCOMPARE(r.thinkingTokens, col.metrics.thinkingTokens);
                QCOMPARE(r.answerTokens, col.metrics.answerTokens);
                QVERIFY(r.timeToFirstTokenMs > 0);
                QCOMPARE(r.verdict, col.metrics.extractedAnswer);
                QCOMPARE(r.provenance.seed.value_or(-1), 11);
                QVERIFY(r.modelId > 0);
                QCOMPARE(rec->models[i].path, QFileInfo(demoModels()[i]).absoluteFilePath());
                QVERIFY(r.provenance.sampling.value("compare_metrics")
                            .toObject()
                            .value("peak_memory_bytes")
                            .toDouble() > 0);
                liveAnswers.append(col.answer);
                liveFinals.append(col.metrics.extractedAnswer);
                liveAnswerTokens.append(col.metrics.answerTokens);
            }
        }

        // Sending again (a new seed) stores a second run; the first column is stopped when it
        // can be (a demo model may finish first): stored as cancelled, or complete.
        view->sendAgainButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(view->columns()[0]->stopButton()->isEnabled(), 10000);
        view->columns()[0]->stopButton()->click();
        QVERIFY(stored.wait(120000));
        QCOMPARE(stored.size(), 2);
        const qint64 secondId = stored.at(1).at(0).toLongLong();
        QVERIFY(secondId != runId);
        {
            rwb::storage::MessageStore store;
            QVERIFY(store.open(db));
            const auto rec = rwb::compare::loadComparison(store, secondId);
            QVERIFY(rec.has_value());
            QCOMPARE(rec->run.sampling.value("seed").toString(), QString::number(view->lastSeed()));
            QCOMPARE(rec->results.size(), 3);
            const auto first = view->session()->column(0).state;
            QVERIFY(first == rwb::compare::ColumnState::Stopped ||
                    first == rwb::compare::ColumnState::Finished);
            QCOMPARE(rec->results[0].state, first == rwb::compare::ColumnState::Stopped
                                                ? rwb::storage::MessageState::Cancelled
                                                : rwb::storage::MessageState::Complete);
            for (int i = 0; i < 3; ++i)
                QCOMPARE(rec->results[i].answer, view->session()->column(i).answer);
        }

        // The Compare section lists both, newest first.
        CompareRunsList list;
        list.setStorage(storage.worker());
        list.setProblemSetDatabasePath(m_dir.filePath("no-problem-sets.sqlite"));
        QSignalSpy refreshed(&list, &CompareRunsList::refreshed);
        list.refresh();
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(list.listWidget()->count(), 2);
        QListWidgetItem* first = list.listWidget()->item(1);
        QCOMPARE(first->data(CompareRunsList::IdRole).toLongLong(), runId);
        QVERIFY(first->text().contains("What is 17 + 25?"));
        QVERIFY(first->text().contains("3 models"));

        // Activating it (Enter) opens the stored run with its columns.
        connect(&list, &CompareRunsList::comparisonActivated, &window,
                &ComparisonWindow::openStoredComparison);
        QSignalSpy shown(&window, &ComparisonWindow::storedComparisonShown);
        list.listWidget()->setCurrentRow(1);
        QTest::keyClick(list.listWidget(), Qt::Key_Return);
        QVERIFY(shown.wait(10000));
        QCOMPARE(shown.first().at(0).toLongLong(), runId);
        auto* stored_view = window.storedView();
        QCOMPARE(window.tabs()->currentWidget(), stored_view);
        QCOMPARE(stored_view->runId(), runId);
        QVERIFY(stored_view->headerText().contains("seed 11"));
        QCOMPARE(stored_view->columns().size(), 3);
        QCOMPARE(stored_view->metricsTable()->rowCount(), 3);
        for (int i = 0; i < 3; ++i) {
            auto* c = stored_view->columns()[i];
            QCOMPARE(c->answerView()->markdown(), liveAnswers[i]);
            QCOMPARE(c->thinkingBlock()->state(), rwb::ui::ThinkingBlock::State::Finished);
            QCOMPARE(c->stateText(), QString("complete"));
            QVERIFY(c->statsText().contains("TTFT"));
            QVERIFY(c->statsText().contains(QString("answer %1 tokens").arg(liveAnswerTokens[i])));
            QVERIFY(!c->stopButton()->isEnabled());
            QCOMPARE(stored_view->metricsTable()
                         ->item(i, rwb::ui::compare::CompareView::FinalAnswer)
                         ->text(),
                     liveFinals[i]);
            QCOMPARE(
                stored_view->metricsTable()->item(i, rwb::ui::compare::CompareView::Agrees)->text(),
                liveAgree);
            QCOMPARE(
                stored_view->metricsTable()->item(i, rwb::ui::compare::CompareView::Model)->text(),
                QFileInfo(demoModels()[i]).completeBaseName());
        }
    }

    void stored_problem_set_run_is_listed_and_reopens() {
        // The window's problem sets live in the (test-mode) data folder.
        const QString db = ComparisonWindow::problemSetDatabasePath();
        QFile::remove(db);
        rwb::compare::ProblemSetConfig config;
        config.setPath = kHeldOutSet;
        config.models = {demoModels()[0]};
        config.limit = 2;
        config.temperature = 0;
        config.maxTokens = 40;
        config.contextLength = 512;
        config.threads = 2;
        qint64 runId = 0;
        {
            rwb::compare::ProblemSetStore store(db);
            QVERIFY2(store.isOpen(), qPrintable(store.error()));
            runId = store.createRun(config);
            QVERIFY(runId > 0);
            rwb::compare::SampleRecord rec;
            rec.model = config.models[0];
            rec.problemIndex = 0;
            rec.reference = "1";
            QVERIFY(store.saveSample(runId, rec));
        }

        CompareRunsList list;
        list.setProblemSetDatabasePath(db);
        QSignalSpy refreshed(&list, &CompareRunsList::refreshed);
        list.refresh();
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(list.listWidget()->count(), 1);
        QListWidgetItem* item = list.listWidget()->item(0);
        QCOMPARE(item->data(CompareRunsList::KindRole).toInt(), int(CompareRunsList::ProblemSet));
        QVERIFY(item->text().contains(QFileInfo(kHeldOutSet).completeBaseName()));
        QVERIFY(item->text().contains("rwb-demo-small"));
        QVERIFY2(item->text().contains("1 of 2 samples"), qPrintable(item->text()));

        ComparisonWindow window;
        window.setAvailableModels(demoModels());
        connect(&list, &CompareRunsList::problemSetRunActivated, &window,
                &ComparisonWindow::openProblemSetRun);
        QSignalSpy finished(window.problemSetView(),
                            &rwb::ui::compare::ProblemSetView::runFinished);
        list.activateRow(0);
        QCOMPARE(window.tabs()->currentWidget(), window.problemSetView());
        QCOMPARE(window.problemSetView()->runId(), runId);
        // The missing sample runs; the run completes.
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(1).toBool(), true);
        list.refresh();
        QVERIFY(refreshed.wait(10000));
        QVERIFY(list.listWidget()->item(0)->text().contains("complete"));
    }

    // The main window wires it together: its conversation list's Compare section lists a
    // comparison run in its comparison window, and reopens it.
    void main_window_compare_section() {
        rwb::ui::MainWindow w(m_dir.filePath("main-window.sqlite"));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(QTest::qWaitFor([&] { return w.isStorageReady(); }, 10000));
        CompareRunsList* runs = w.compareRuns();
        QVERIFY(runs);
        QVERIFY(w.conversationPanel()->isAncestorOf(runs));
        QVERIFY(runs->isVisible());
        auto comparisons = [runs] {
            QVector<QListWidgetItem*> out;
            for (int i = 0; i < runs->listWidget()->count(); ++i)
                if (runs->listWidget()->item(i)->data(CompareRunsList::KindRole).toInt() ==
                    CompareRunsList::Comparison)
                    out.append(runs->listWidget()->item(i));
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(comparisons().size(), 0, 5000);

        w.openCompare();
        ComparisonWindow* window = w.comparisonWindow();
        QVERIFY(window);
        auto* view = window->compareView();
        view->setAvailableModels(demoModels());
        const rwb::app::GenerationSettings s = compare_test::greedySettings(512, 80);
        view->session()->setSettings(s);
        view->session()->setTotalThreads(2);
        view->promptEdit()->setText("What is 9 + 4?");
        QVERIFY(view->send(5));
        QTRY_COMPARE_WITH_TIMEOUT(comparisons().size(), 1, 120000);
        QVERIFY(comparisons()[0]->text().contains("What is 9 + 4?"));

        QSignalSpy shown(window, &ComparisonWindow::storedComparisonShown);
        runs->activateRow(runs->listWidget()->row(comparisons()[0]));
        QVERIFY(shown.wait(10000));
        QCOMPARE(window->tabs()->currentWidget(), window->storedView());
        QCOMPARE(window->storedView()->columns().size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(window->storedView()->columns()[i]->answerView()->markdown(),
                     view->session()->column(i).answer);
    }
};

QTEST_MAIN(TestCompareStorage)
#include "tst_compare_storage.moc"
