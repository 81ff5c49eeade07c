// Each compare column has its own backend and GPU layers. Offscreen with the bundled demo models:
// column 1 on CUDA and column 2 on the CPU both answer; on a machine without the CUDA module or
// a GPU (CI, this one) column 1 runs on the CPU and its stats line shows the engine's one-line
// notice, column 2's does not. One file on two backends is two loaded models. The per-column
// boxes start from the generation settings, and the stats line is elided (whole in its tooltip)
// instead of cut off.
#include "compare/compare_column.h"
#include "compare/compare_view.h"

#include "demo_models.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::ui::compare;
using compare_test::demoModels;
using compare_test::haveDemoModels;
using rwb::app::Backend;
using rwb::compare::ColumnState;

class TestCompareBackends : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static rwb::app::GenerationSettings settings() {
        return compare_test::greedySettings(1024, 200);
    }
    static void choose(CompareView& view, int picker, Backend backend, int gpuLayers) {
        QComboBox* box = view.backendBox(picker);
        box->setCurrentIndex(box->findData(int(backend)));
        view.gpuLayersSpin(picker)->setValue(gpuLayers);
    }
    // True where the engine can really use CUDA; then no fallback notice is expected.
    static bool cudaUsable(const QString& stats) {
        return !stats.contains(QStringLiteral("CUDA backend unavailable"));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        compare_test::useSettingsIn(m_dir);
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
    }

    void boxes_start_from_the_generation_settings() {
        compare_test::saveBackendSetting(Backend::Cuda, 7);
        CompareView view;
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(Backend(view.backendBox(i)->currentData().toInt()), Backend::Cuda);
            QCOMPARE(view.gpuLayersSpin(i)->value(), 7);
        }
        QSettings().remove(QStringLiteral("generation"));
        CompareView plain; // the defaults: Auto, all layers
        QCOMPARE(Backend(plain.backendBox(0)->currentData().toInt()), Backend::Auto);
        QCOMPARE(plain.gpuLayersSpin(0)->value(), -1);
        QCOMPARE(plain.gpuLayersSpin(0)->text(), QString("GPU layers: all"));
        // No model, or the CPU: nothing to choose for the GPU; a model on Auto: both.
        plain.setAvailableModels(demoModels());
        plain.selectModels({demoModels()[0], demoModels()[1]});
        QVERIFY(plain.backendBox(0)->isEnabled());
        QVERIFY(plain.gpuLayersSpin(0)->isEnabled());
        QVERIFY(!plain.backendBox(3)->isEnabled());
        QVERIFY(!plain.gpuLayersSpin(3)->isEnabled());
        choose(plain, 0, Backend::Cpu, -1);
        QVERIFY(plain.backendBox(0)->isEnabled());
        QVERIFY(!plain.gpuLayersSpin(0)->isEnabled());
    }

    void cuda_column_and_cpu_column() {
        CompareView view;
        view.resize(700, 700); // narrow columns: the stats line is elided, not cut off
        view.show();
        view.setAvailableModels(demoModels());
        view.selectModels({demoModels()[0], demoModels()[1]});
        choose(view, 0, Backend::Cuda, -1);
        choose(view, 1, Backend::Cpu, -1);
        view.session()->setSettings(settings());
        view.session()->setTotalThreads(2);
        view.promptEdit()->setText("What is 48 + 76?");
        QSignalSpy done(view.session(), &rwb::compare::CompareSession::allFinished);
        QVERIFY(view.send(7));
        QCOMPARE(view.session()->column(0).backend, Backend::Cuda);
        QCOMPARE(view.session()->column(1).backend, Backend::Cpu);
        QVERIFY(view.columns()[0]->titleText().contains("CUDA"));
        QVERIFY(view.columns()[1]->titleText().contains("CPU"));
        QVERIFY(done.wait(60000));
        for (int i = 0; i < 2; ++i) {
            const auto& r = view.session()->column(i);
            QCOMPARE(r.state, ColumnState::Finished);
            QVERIFY(!r.answer.isEmpty());
            QVERIFY(r.metrics.answerTokens > 0);
            QVERIFY(view.columns()[i]->statsText().contains("TTFT"));
        }
        const QString cuda = view.columns()[0]->statsText();
        const QString cpu = view.columns()[1]->statsText();
        QVERIFY2(!cpu.contains("CUDA"), qPrintable(cpu));
        QVERIFY(view.session()->column(1).backendNotice.isEmpty());
        if (cudaUsable(cuda)) QSKIP("CUDA is usable here: no CPU fallback to show");
        // The engine's line, first in the stats, as the worker sent it.
        const QString notice = view.session()->column(0).backendNotice;
        QVERIFY2(notice.startsWith("CUDA backend unavailable: "), qPrintable(notice));
        QVERIFY2(notice.endsWith("; running on the CPU"), qPrintable(notice));
        QVERIFY(cuda.startsWith(notice + "\n"));
        if (const QByteArray dir = qgetenv("RWB_SCREENSHOT_DIR"); !dir.isEmpty()) {
            view.showDiff(0, 1);
            QTest::qWait(300); // the answers' layout settles
            view.grab().save(QString::fromLocal8Bit(dir) + "/compare-backends.png");
        }
        // No GPU: the plan put the CUDA column in RAM; it kept its backend for the engine.
        QCOMPARE(view.session()->column(0).placement, rwb::compare::Placement::Cpu);
        QVERIFY(view.metricsTable()
                    ->item(0, CompareView::Memory)
                    ->toolTip()
                    .contains("Planned on the CPU"));

        // The stats line: two rows (notice, figures), each elided to the narrow column; the
        // tooltip has them whole, and the label is tall enough for both rows.
        QLabel* label = view.columns()[0]->statsLabel();
        QTRY_VERIFY(label->isVisible());
        QCOMPARE(label->toolTip(), cuda);
        QVERIFY(label->text() != cuda);
        QVERIFY(label->text().contains(QChar(0x2026))); // the ellipsis
        QCOMPARE(label->text().count('\n'), 1);
        QVERIFY(label->height() >= 2 * label->fontMetrics().lineSpacing());
        QVERIFY(label->fontMetrics().horizontalAdvance(label->text().section('\n', 0, 0)) <=
                label->contentsRect().width());

        // Sent again without changes, the worker keeps its model (no second notice) and the
        // column still says where it runs.
        QVERIFY(view.send(8));
        QVERIFY(done.wait(60000));
        QCOMPARE(view.session()->column(0).backendNotice, notice);
        QVERIFY(view.columns()[0]->statsText().startsWith(notice));
        // Column 1 switched to the CPU: the notice goes.
        choose(view, 0, Backend::Cpu, -1);
        QVERIFY(view.send(9));
        QVERIFY(done.wait(60000));
        QCOMPARE(view.session()->column(0).state, ColumnState::Finished);
        QVERIFY(view.session()->column(0).backendNotice.isEmpty());
        QVERIFY(!view.columns()[0]->statsText().contains("CUDA"));
    }

    void one_file_on_two_backends() {
        // The same model on CUDA and on the CPU: two loaded models (no shared weights); greedy,
        // so on the CPU fallback both give the same answer.
        CompareView view;
        view.show();
        view.setAvailableModels(demoModels());
        view.selectModels({demoModels()[1], demoModels()[1]});
        choose(view, 0, Backend::Cuda, -1);
        choose(view, 1, Backend::Cpu, -1);
        view.session()->setSettings(settings());
        view.promptEdit()->setText("What is 3 + 4?");
        QSignalSpy done(view.session(), &rwb::compare::CompareSession::allFinished);
        QVERIFY(view.send(3));
        QCOMPARE(view.session()->column(0).sharesWeightsWith, -1);
        QCOMPARE(view.session()->column(1).sharesWeightsWith, -1);
        QVERIFY(done.wait(60000));
        const auto& a = view.session()->column(0);
        const auto& b = view.session()->column(1);
        QCOMPARE(a.state, ColumnState::Finished);
        QCOMPARE(b.state, ColumnState::Finished);
        QVERIFY(!b.answer.isEmpty());
        if (!a.backendNotice.isEmpty()) QCOMPARE(a.answer, b.answer);
        // The same choice twice shares the model again.
        choose(view, 1, Backend::Cuda, -1);
        QVERIFY(view.send(4));
        QCOMPARE(view.session()->column(0).sharesWeightsWith, 1);
        QVERIFY(done.wait(60000));
    }
};

QTEST_MAIN(TestCompareBackends)
#include "tst_compare_backends.moc"
