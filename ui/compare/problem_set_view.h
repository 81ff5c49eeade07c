// ProblemSetView: the problem-set mode of the comparison. Choose a JSONL set, the models,
// samples per problem, a seed, the thinking budgets of the sweep and where the models run
// (backend and GPU layers, started from the app's generation settings); the run goes to the
// background (ProblemSetRunner) with a progress bar and ETA, can be paused and resumed (also
// after a restart: open the run again), and shows the results as they come: accuracy with its
// 95% Wilson interval, pass@k, cons@k, mean thinking tokens and time per problem per model and
// budget; a drill-down of every problem's answers and reasoning per model; the four charts; and
// CSV / self-contained HTML export. When the GPU backend cannot be used, the engine's one-line
// notice stays shown under the status for the run.
#pragma once

#include "compare/problem_set_runner.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QPushButton;
class QProgressBar;
class QLabel;
class QTableWidget;
class QTextBrowser;
class QTabWidget;
class QChartView;

namespace rwb::ui::compare {

class CostPanel;

class ProblemSetView : public QWidget {
    Q_OBJECT
public:
    explicit ProblemSetView(QWidget* parent = nullptr);
    ~ProblemSetView() override;

    // Where runs are stored (SQLite). Must be set before start().
    void setDatabasePath(const QString& path) { m_dbPath = path; }
    void setAvailableModels(const QStringList& paths); // all checked
    void setSetPath(const QString& path);

    // The form's settings (threads, max tokens and context are not in the form: set them here).
    rwb::compare::ProblemSetConfig config() const;
    // Fills the form from a run's settings (a reopened run shows what it runs with).
    void showConfig(const rwb::compare::ProblemSetConfig& c);
    void setExtraSettings(int threads, int maxTokens, int contextLength);

    // Starts a new run from the form; false with one line in the status when it cannot.
    bool start();
    void pause();
    // Resumes (or reopens) a stored run: its results load at once, missing samples run.
    bool resume(qint64 runId);
    qint64 runId() const { return m_runId; }
    bool isRunning() const { return m_running; }

    bool exportCsv(const QString& path) const;
    bool exportHtml(const QString& path) const;

    // Shows problem `problemIndex`'s answers and reasoning per model in the drill-down.
    void drillDown(int problemIndex);

    QTableWidget* resultsTable() const { return m_results; }
    QTableWidget* problemsTable() const { return m_problems; }
    QTextBrowser* reasoningView() const { return m_reasoning; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* etaLabel() const { return m_eta; }
    QString statusText() const;
    QVector<QChartView*> chartViews() const { return m_charts; }
    CostPanel* costPanel() const { return m_cost; }
    QLineEdit* budgetsEdit() const { return m_budgets; }
    QSpinBox* samplesSpin() const { return m_samplesSpin; }
    QSpinBox* seedSpin() const { return m_seed; }
    QSpinBox* limitSpin() const { return m_limit; }
    QPushButton* pauseButton() const { return m_pause; }
    // Backend (item data: rwb::app::Backend) and GPU layers of the next run.
    QComboBox* backendBox() const { return m_backend; }
    QSpinBox* gpuLayersSpin() const { return m_gpuLayers; }
    // The backend notices of the shown run, one "model: notice" line each; empty: none.
    QString backendNoticeText() const;

signals:
    void runFinished(qint64 runId, bool complete);
    void sampleFinished();

private:
    void onSample(qint64 runId, const rwb::compare::SampleRecord& record);
    void onProgress(qint64 runId, int done, int total, double eta);
    void onFinished(qint64 runId, bool complete);
    void launch();
    void refreshResults();
    void refreshCharts();

    QString m_dbPath;
    std::unique_ptr<rwb::compare::ProblemSetThread> m_thread;
    qint64 m_runId = 0;
    bool m_running = false;
    rwb::compare::ProblemSetConfig m_config;
    QVector<rwb::compare::SampleRecord> m_samples; // of the shown run
    int m_extraThreads = 0, m_extraMaxTokens = -1, m_extraContext = 4096;

    QLineEdit* m_set;
    QListWidget* m_models;
    QSpinBox* m_samplesSpin;
    QSpinBox* m_seed;
    QSpinBox* m_limit;
    QLineEdit* m_budgets;
    QComboBox* m_backend;
    QSpinBox* m_gpuLayers;
    QLabel* m_notice;
    QPushButton* m_start;
    QPushButton* m_pause;
    QProgressBar* m_progress;
    QLabel* m_eta;
    QLabel* m_status;
    QTabWidget* m_tabs;
    QTableWidget* m_results;
    QTableWidget* m_problems;
    QTextBrowser* m_reasoning;
    QVector<QChartView*> m_charts;
    CostPanel* m_cost;
};

} // namespace rwb::ui::compare
