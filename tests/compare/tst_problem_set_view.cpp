// The problem-set view offscreen on the three demo models: a budget sweep runs in the
// background with progress and ETA, is paused from the button and resumed, fills the results
// (accuracy with a Wilson interval per model and budget), the drill-down shows a problem's
// reasoning, the charts have a line per model, and CSV and self-contained HTML exports are
// written. With RWB_SCREENSHOT_DIR set, a fuller sweep saves screenshots of the view and charts.
// The backend box and GPU layers start from the app's generation settings and go into the run;
// a CUDA run on a machine without the CUDA module or a GPU shows the engine's one-line notice.
#include "compare/cost_panel.h"
#include "compare/html_report.h"
#include "compare/problem_set_view.h"

#include "compare/result_charts.h"
#include "demo_models.h"
#include "inference/inference_worker.h"
#include "inference/model_cache.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

using namespace rwb::ui::compare;
using namespace compare_test;

class TestProblemSetView : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        useSettingsIn(tmp_); // never the user's preferences
    }

    void backend_from_settings_into_the_run_and_its_notice() {
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
        using rwb::app::Backend;
        compare_test::saveBackendSetting(Backend::Cuda, 5);
        ProblemSetView view;
        QSettings().remove(QStringLiteral("generation")); // the other tests keep the defaults
        view.show();
        QCOMPARE(Backend(view.backendBox()->currentData().toInt()), Backend::Cuda);
        QCOMPARE(view.gpuLayersSpin()->value(), 5);
        QVERIFY(view.gpuLayersSpin()->isEnabled());
        QCOMPARE(view.config().backend, Backend::Cuda);
        QCOMPARE(view.config().gpuLayers, 5);
        view.backendBox()->setCurrentIndex(view.backendBox()->findData(int(Backend::Cpu)));
        QVERIFY(!view.gpuLayersSpin()->isEnabled()); // the CPU has no GPU layers
        QCOMPARE(view.config().backend, Backend::Cpu);
        view.backendBox()->setCurrentIndex(view.backendBox()->findData(int(Backend::Cuda)));
        view.gpuLayersSpin()->setValue(-1);
        QCOMPARE(view.config().gpuLayers, -1);

        // What the engine says for this file on CUDA here (empty where CUDA really works).
        const QString small = demoModels().first();
        rwb::app::GenerationSettings chat;
        chat.backend = Backend::Cuda;
        chat.contextLength = 512;
        const auto held = rwb::app::ModelCache::instance().acquire(
            small.toStdString(), rwb::app::InferenceWorker::modelOptionsFor(chat));
        QVERIFY(held);
        const QString expected = QString::fromStdString((*held)->backend_notice());

        view.setDatabasePath(tmp_.filePath("backend.sqlite"));
        view.setAvailableModels({small});
        view.setSetPath(kHeldOutSet);
        view.limitSpin()->setValue(2);
        view.budgetsEdit()->setText("8");
        view.setExtraSettings(2, 16, 512);
        QSignalSpy finished(&view, &ProblemSetView::runFinished);
        QVERIFY(view.start());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.last()[1].toBool(), true); // finished, on the CPU if need be
        const auto run =
            rwb::compare::ProblemSetStore(tmp_.filePath("backend.sqlite")).run(view.runId());
        QVERIFY(run);
        QCOMPARE(run->config.backend, Backend::Cuda); // the stored run records its backend
        QCOMPARE(run->config.gpuLayers, -1);
        QCOMPARE(view.statusText(), QString("Finished."));
        QVERIFY(view.exportHtml(tmp_.filePath("backend.html")));
        QFile report(tmp_.filePath("backend.html"));
        QVERIFY(report.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(report.readAll()).contains("backend cuda (all GPU layers)"));
        if (expected.isEmpty()) {
            QCOMPARE(view.backendNoticeText(), QString());
            QSKIP("CUDA is usable on this machine: no fallback to show");
        }
        QCOMPARE(view.backendNoticeText(), modelLabel(small) + ": " + expected);
    }

    void sweep_pause_resume_results_charts_export() {
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
        ProblemSetView view;
        view.resize(1400, 900);
        view.show();
        view.setDatabasePath(tmp_.filePath("runs.sqlite"));
        view.setAvailableModels(demoModels());
        view.setSetPath(kHeldOutSet);
        view.limitSpin()->setValue(6);
        view.seedSpin()->setValue(3);
        view.samplesSpin()->setValue(2);
        view.budgetsEdit()->setText("16, 64");
        view.setExtraSettings(2, 96, 1024);

        QSignalSpy finished(&view, &ProblemSetView::runFinished);
        int seen = 0;
        connect(&view, &ProblemSetView::sampleFinished, this, [&] {
            if (++seen == 10) view.pauseButton()->click();
        });
        QVERIFY(view.start());
        QVERIFY(view.isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.last()[1].toBool(), false); // paused
        QCOMPARE(view.pauseButton()->text(), QString("Resume"));
        QVERIFY(view.progressBar()->value() < view.progressBar()->maximum());
        view.pauseButton()->click(); // resume
        QVERIFY(finished.wait(240000));
        QCOMPARE(finished.last()[1].toBool(), true);
        const int total = 3 * 2 * 6 * 2; // models x budgets x problems x samples
        QCOMPARE(view.progressBar()->maximum(), total);
        QCOMPARE(view.progressBar()->value(), total);
        QCOMPARE(view.etaLabel()->text(), QString("done"));

        QTableWidget* r = view.resultsTable();
        QCOMPARE(r->rowCount(), 6); // 3 models x 2 budgets
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(r->item(i, 2)->text(), QString("6"));
            QVERIFY(r->item(i, 3)->text().endsWith('%'));
            QVERIFY(r->item(i, 4)->text().contains(" – "));
        }
        QCOMPARE(r->item(0, 1)->text(), QString("16"));
        QCOMPARE(r->item(1, 1)->text(), QString("64"));

        QCOMPARE(view.problemsTable()->rowCount(), 6);
        view.drillDown(0);
        QVERIFY(view.reasoningView()->toPlainText().contains("rwb-demo-large"));
        QVERIFY(view.reasoningView()->toPlainText().size() > 100);

        const QVector<QChartView*> charts = view.chartViews();
        QCOMPARE(charts.size(), 4);
        QCOMPARE(charts[1]->chart()->series().size(), 3); // a line per model over budgets
        auto* line = qobject_cast<QLineSeries*>(charts[1]->chart()->series()[0]);
        QVERIFY(line);
        QCOMPARE(line->count(), 2);
        QCOMPARE(charts[0]->chart()->series().size(), 1);

        // Cost panel: a row per model with a local and an API cost for 1000 answers.
        QTableWidget* cost = view.costPanel()->table();
        QCOMPARE(cost->rowCount(), 3);
        QCOMPARE(cost->item(2, CostPanel::Model)->text(), QString("rwb-demo-large"));
        QVERIFY(cost->item(0, CostPanel::LocalPer1000)->text().toDouble() > 0);
        QVERIFY(cost->item(0, CostPanel::ApiPer1000)->text().toDouble() > 0);
        view.costPanel()->setApiPrices(0, 0); // a free API never breaks even
        QCOMPARE(cost->item(0, CostPanel::BreakEven)->text(), QString("never"));

        const QString csv = tmp_.filePath("r.csv"), html = tmp_.filePath("r.html");
        QVERIFY(view.exportCsv(csv));
        QVERIFY(view.exportHtml(html));
        QFile c(csv), h(html);
        QVERIFY(c.open(QIODevice::ReadOnly) && h.open(QIODevice::ReadOnly));
        const QString csvText = QString::fromUtf8(c.readAll());
        QCOMPARE(csvText.count('\n'), 7);
        QVERIFY(csvText.contains("rwb-demo-medium,"));
        const QString htmlText = QString::fromUtf8(h.readAll());
        QCOMPARE(htmlText.count("data:image/svg+xml;base64,"), 4);
        QVERIFY(htmlText.contains("95% CI"));
        QVERIFY(!htmlText.contains("src='http")); // self-contained
        QVERIFY(htmlText.contains("demo-000"));

        // A second view on the same database reopens the finished run with the same results.
        ProblemSetView reopened;
        reopened.setDatabasePath(tmp_.filePath("runs.sqlite"));
        QSignalSpy again(&reopened, &ProblemSetView::runFinished);
        QVERIFY(reopened.resume(view.runId()));
        // Its form shows the run's settings, not the defaults.
        QCOMPARE(reopened.budgetsEdit()->text(), QString("16, 64"));
        QCOMPARE(reopened.limitSpin()->value(), 6);
        QCOMPARE(reopened.seedSpin()->value(), 3);
        QCOMPARE(reopened.samplesSpin()->value(), 2);
        const auto shown = reopened.config();
        QCOMPARE(shown.models, view.config().models);
        QCOMPARE(shown.setPath, view.config().setPath);
        QCOMPARE(shown.backend, view.config().backend);
        QCOMPARE(shown.contextLength, 1024);
        QVERIFY(again.wait(30000));
        QCOMPARE(reopened.resultsTable()->rowCount(), 6);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(reopened.resultsTable()->item(i, 3)->text(), r->item(i, 3)->text());
    }

    // Only with RWB_SCREENSHOT_DIR: a fuller sweep (30 problems, three budgets) for the docs.
    void screenshots_of_a_full_sweep() {
        const QByteArray dir = qgetenv("RWB_SCREENSHOT_DIR");
        if (dir.isEmpty()) QSKIP("set RWB_SCREENSHOT_DIR to write screenshots");
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
        ProblemSetView view;
        view.resize(1400, 900);
        view.show();
        view.setDatabasePath(tmp_.filePath("shots.sqlite"));
        view.setAvailableModels(demoModels());
        view.setSetPath(kHeldOutSet);
        view.limitSpin()->setValue(30);
        view.budgetsEdit()->setText("48, 96, unlimited");
        view.setExtraSettings(2, 400, 1024);
        QSignalSpy finished(&view, &ProblemSetView::runFinished);
        QVERIFY(view.start());
        QVERIFY(finished.wait(590000));
        QCOMPARE(finished.last()[1].toBool(), true);
        const QString out = QString::fromLocal8Bit(dir);
        view.grab().save(out + "/compare-problem-set.png");
        const QVector<QChartView*> charts = view.chartViews();
        for (int i = 0; i < 4; ++i) {
            charts[i]->setParent(nullptr);
            charts[i]->resize(640, 420);
            charts[i]->grab().save(out + QStringLiteral("/compare-chart-%1.png").arg(i + 1));
        }
        QVERIFY(view.exportHtml(out + "/compare-report-example.html"));
    }

    void bad_settings_are_refused() {
        ProblemSetView view;
        view.setDatabasePath(tmp_.filePath("bad.sqlite"));
        view.setAvailableModels(demoModels());
        QVERIFY(!view.start()); // no set
        QVERIFY(view.statusText().contains("problem set"));
        view.setSetPath(kHeldOutSet);
        view.budgetsEdit()->setText("lots");
        QVERIFY(!view.start());
        QVERIFY(view.statusText().contains("budget"));
        QVERIFY(!view.resume(12345));
    }
};

QTEST_MAIN(TestProblemSetView)
#include "tst_problem_set_view.moc"
