// Problem-set mode (see problem_set_view.h).
#include "compare/problem_set_view.h"

#include "compare/backend_controls.h"
#include "compare/cost_panel.h"
#include "compare/html_report.h"
#include "compare/result_charts.h"
#include "compare/results_csv.h"

#include <algorithm>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace rwb::ui::compare {

using rwb::compare::ProblemSetRunner;

namespace {
QString pct(double v) {
    return QString::number(100.0 * v, 'f', 1) + '%';
}
QString duration(double seconds) {
    if (seconds < 0) return QObject::tr("estimating…");
    const int s = int(seconds + 0.5);
    return s >= 60 ? QObject::tr("%1 min %2 s left").arg(s / 60).arg(s % 60)
                   : QObject::tr("%1 s left").arg(s);
}
bool writeFile(const QString& path, const QString& text) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.write(text.toUtf8());
    return f.commit();
}
} // namespace

ProblemSetView::ProblemSetView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_set = new QLineEdit(this);
    m_models = new QListWidget(this);
    m_models->setMaximumHeight(90);
    m_samplesSpin = new QSpinBox(this);
    m_samplesSpin->setRange(1, 64);
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, INT_MAX);
    m_limit = new QSpinBox(this);
    m_limit->setRange(0, 1000000);
    m_limit->setSpecialValueText(tr("all"));
    m_budgets = new QLineEdit(QStringLiteral("unlimited"), this);
    m_budgets->setToolTip(tr("Thinking budgets of the sweep, e.g. 256, 1k, 4k, unlimited"));
    // Where the models run: from the app's generation settings, as compare columns start.
    QSettings qs;
    const auto global = rwb::app::GenerationSettings::load(qs);
    m_backend = makeBackendBox(global.backend,
                               tr("Where the run's models run (CUDA falls back to the CPU when "
                                  "the CUDA module or a GPU is missing)"),
                               this);
    m_gpuLayers = makeGpuLayersSpin(global.gpuLayers, this);
    const auto enableLayers = [this] {
        m_gpuLayers->setEnabled(chosenBackend(m_backend) != rwb::app::Backend::Cpu);
    };
    connect(m_backend, &QComboBox::currentIndexChanged, this, enableLayers);
    enableLayers();
    auto* whereRow = new QHBoxLayout;
    whereRow->addWidget(m_backend);
    whereRow->addWidget(m_gpuLayers);
    whereRow->addStretch(1);
    auto* setRow = new QHBoxLayout;
    auto* browse = new QPushButton(tr("Browse…"), this);
    setRow->addWidget(m_set, 1);
    setRow->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Problem set"), QString(), tr("JSONL (*.jsonl)"));
        if (!path.isEmpty()) m_set->setText(path);
    });
    form->addRow(tr("Problem set (JSONL)"), setRow);
    form->addRow(tr("Models"), m_models);
    form->addRow(tr("Samples per problem"), m_samplesSpin);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Problems"), m_limit);
    form->addRow(tr("Thinking budgets"), m_budgets);
    form->addRow(tr("Backend"), whereRow);
    layout->addLayout(form);
    auto* row = new QHBoxLayout;
    m_start = new QPushButton(tr("Run"), this);
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_eta = new QLabel(this);
    auto* csv = new QPushButton(tr("Export CSV…"), this);
    auto* html = new QPushButton(tr("Export HTML…"), this);
    row->addWidget(m_start);
    row->addWidget(m_pause);
    row->addWidget(m_progress, 1);
    row->addWidget(m_eta);
    row->addWidget(csv);
    row->addWidget(html);
    connect(csv, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export CSV"), QString(), tr("CSV (*.csv)"));
        if (!path.isEmpty() && !exportCsv(path)) m_status->setText(tr("cannot write ") + path);
    });
    connect(html, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export HTML report"), QString(),
                                                          tr("HTML (*.html)"));
        if (!path.isEmpty() && !exportHtml(path)) m_status->setText(tr("cannot write ") + path);
    });
    layout->addLayout(row);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_notice = new QLabel(this);
    m_notice->setWordWrap(true);
    m_notice->setVisible(false);
    layout->addWidget(m_notice);

    m_tabs = new QTabWidget(this);
    m_results = new QTableWidget(0, 10, this);
    m_results->setHorizontalHeaderLabels({tr("Model"), tr("Budget"), tr("n"), tr("Accuracy"),
                                          tr("95% CI"), tr("pass@k"), tr("cons@k"),
                                          tr("Thinking tokens"), tr("s / problem"), tr("tok/s")});
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* drill = new QWidget(this);
    auto* drillLayout = new QHBoxLayout(drill);
    m_problems = new QTableWidget(0, 3, drill);
    m_problems->setHorizontalHeaderLabels({tr("Problem"), tr("Reference"), tr("Right")});
    m_problems->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_problems->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_reasoning = new QTextBrowser(drill);
    drillLayout->addWidget(m_problems, 1);
    drillLayout->addWidget(m_reasoning, 2);
    auto* charts = new QWidget(this);
    auto* grid = new QHBoxLayout(charts);
    for (int i = 0; i < 4; ++i) {
        auto* view = new QChartView(charts);
        view->setMinimumSize(280, 220);
        grid->addWidget(view);
        m_charts.append(view);
    }
    m_tabs->addTab(m_results, tr("Results"));
    m_tabs->addTab(drill, tr("Problems"));
    m_tabs->addTab(charts, tr("Charts"));
    m_cost = new CostPanel(this);
    m_tabs->addTab(m_cost, tr("Cost"));
    layout->addWidget(m_tabs, 1);

    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_running)
            pause();
        else if (m_runId)
            resume(m_runId);
    });
    connect(m_problems, &QTableWidget::currentCellChanged, this, [this](int r) {
        drillDown(r < 0 ? -1 : m_problems->item(r, 0)->data(Qt::UserRole).toInt());
    });
}

ProblemSetView::~ProblemSetView() = default;

QString ProblemSetView::statusText() const {
    return m_status->text();
}

QString ProblemSetView::backendNoticeText() const {
    return m_notice->text();
}

bool ProblemSetView::start() {
    const auto c = config();
    if (const QString bad = c.validate(); !bad.isEmpty()) {
        m_status->setText(bad);
        return false;
    }
    rwb::compare::ProblemSetStore store(m_dbPath);
    if (!store.isOpen()) {
        m_status->setText(store.error());
        return false;
    }
    const qint64 id = store.createRun(c);
    if (id <= 0) {
        m_status->setText(tr("cannot store the run"));
        return false;
    }
    return resume(id);
}

bool ProblemSetView::resume(qint64 runId) {
    rwb::compare::ProblemSetStore store(m_dbPath);
    const auto info = store.isOpen() ? store.run(runId) : std::nullopt;
    if (!info) {
        m_status->setText(tr("no stored run %1").arg(runId));
        return false;
    }
    m_runId = runId;
    m_config = info->config;
    showConfig(m_config);
    m_samples = store.samples(runId, true);
    refreshResults();
    refreshCharts();
    launch();
    return true;
}

void ProblemSetView::launch() {
    if (!m_thread) {
        m_thread = std::make_unique<rwb::compare::ProblemSetThread>();
        ProblemSetRunner* r = m_thread->runner();
        connect(r, &ProblemSetRunner::sampleFinished, this, &ProblemSetView::onSample);
        connect(r, &ProblemSetRunner::progress, this, &ProblemSetView::onProgress);
        connect(r, &ProblemSetRunner::finished, this, &ProblemSetView::onFinished);
        connect(r, &ProblemSetRunner::failed, this,
                [this](qint64, const QString& e) { m_status->setText(e); });
        connect(r, &ProblemSetRunner::backendNotice, this,
                [this](qint64, const QString& model, const QString& notice) {
                    const QString line = modelLabel(model) + ": " + notice;
                    m_notice->setText(m_notice->text().isEmpty() ? line
                                                                 : m_notice->text() + '\n' + line);
                    m_notice->setVisible(true);
                });
        connect(r, &ProblemSetRunner::modelState, this,
                [this](qint64, const QString& model, const QString& state) {
                    m_status->setText(modelLabel(model) + ": " + state);
                });
    }
    m_running = true;
    m_notice->clear(); // the loads of this launch say it again
    m_notice->setVisible(false);
    m_start->setEnabled(false);
    m_pause->setEnabled(true);
    m_pause->setText(tr("Pause"));
    QMetaObject::invokeMethod(m_thread->runner(), "start", Qt::QueuedConnection,
                              Q_ARG(QString, m_dbPath), Q_ARG(qint64, m_runId));
}

void ProblemSetView::pause() {
    if (m_thread) m_thread->runner()->pause();
}

void ProblemSetView::onSample(qint64 runId, const rwb::compare::SampleRecord& record) {
    if (runId != m_runId) return;
    m_samples.append(record);
    refreshResults();
    emit sampleFinished();
}

void ProblemSetView::onProgress(qint64 runId, int done, int total, double eta) {
    if (runId != m_runId) return;
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    m_eta->setText(done >= total ? tr("done") : duration(eta));
}

void ProblemSetView::onFinished(qint64 runId, bool complete) {
    if (runId != m_runId) return;
    m_running = false;
    m_start->setEnabled(true);
    m_pause->setEnabled(!complete);
    m_pause->setText(tr("Resume"));
    m_status->setText(complete ? tr("Finished.") : tr("Paused: resume to run the rest."));
    refreshCharts();
    emit runFinished(runId, complete);
}

void ProblemSetView::refreshResults() {
    const auto rows = rwb::compare::summarizeSamples(m_config, m_samples);
    m_results->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const auto& s = rows[i].summary;
        const QStringList cells = {modelLabel(rows[i].model),
                                   rwb::compare::budgetLabel(rows[i].budget),
                                   QString::number(s.n),
                                   pct(s.accuracy),
                                   pct(s.accuracy_ci.low) + " – " + pct(s.accuracy_ci.high),
                                   pct(s.pass_at_k),
                                   pct(s.cons_at_k),
                                   QString::number(s.mean_thinking_tokens, 'f', 1),
                                   QString::number(s.mean_seconds_per_problem, 'f', 2),
                                   QString::number(s.tokens_per_second, 'f', 1)};
        for (int k = 0; k < cells.size(); ++k)
            m_results->setItem(i, k, new QTableWidgetItem(cells[k]));
    }
    // Problems: one row per problem seen so far, with how many samples were right.
    QMap<int, QPair<int, int>> right; // problem -> (right, total)
    QMap<int, QPair<QString, QString>> info;
    for (const auto& s : m_samples) {
        auto& r = right[s.problemIndex];
        r.first += s.correct ? 1 : 0;
        ++r.second;
        info[s.problemIndex] = {s.problemId, s.reference};
    }
    m_problems->setRowCount(int(right.size()));
    int row = 0;
    for (auto it = right.begin(); it != right.end(); ++it, ++row) {
        auto* id = new QTableWidgetItem(info[it.key()].first);
        id->setData(Qt::UserRole, it.key());
        m_problems->setItem(row, 0, id);
        m_problems->setItem(row, 1, new QTableWidgetItem(info[it.key()].second));
        m_problems->setItem(
            row, 2,
            new QTableWidgetItem(
                QStringLiteral("%1 / %2").arg(it.value().first).arg(it.value().second)));
    }
}

void ProblemSetView::refreshCharts() {
    const auto rows = rwb::compare::summarizeSamples(m_config, m_samples);
    // Cost: each model's speed and reply length at the first budget that has results.
    QVector<ModelLoad> loads;
    for (const QString& m : m_config.models)
        for (const auto& r : rows)
            if (r.model == m && r.summary.n > 0) {
                loads.append({modelLabel(m),
                              {r.summary.tokens_per_second,
                               r.summary.mean_thinking_tokens + r.summary.mean_answer_tokens}});
                break;
            }
    m_cost->setModels(loads);
    QChart* charts[] = {accuracyBySizeChart(rows), accuracyByBudgetChart(rows),
                        accuracyBySecondsChart(rows), thinkingDistributionChart(rows)};
    for (int i = 0; i < 4; ++i) {
        QChart* old = m_charts[i]->chart();
        m_charts[i]->setChart(charts[i]);
        delete old;
    }
}

void ProblemSetView::drillDown(int problemIndex) {
    QString h;
    for (const auto& s : m_samples) {
        if (s.problemIndex != problemIndex) continue;
        h += QStringLiteral("<h3>%1 · budget %2 · sample %3: %4 %5</h3>")
                 .arg(modelLabel(s.model).toHtmlEscaped(), rwb::compare::budgetLabel(s.budget))
                 .arg(s.sample + 1)
                 .arg(s.correct ? QStringLiteral("&#10003;") : QStringLiteral("&#10007;"),
                      s.extracted.toHtmlEscaped());
        h += QStringLiteral("<p style='color:#666'>%1</p><p>%2</p>")
                 .arg(s.thinking.toHtmlEscaped().replace('\n', "<br>"),
                      s.answer.toHtmlEscaped().replace('\n', "<br>"));
    }
    m_reasoning->setHtml(h);
}

bool ProblemSetView::exportCsv(const QString& path) const {
    return writeFile(path,
                     rwb::compare::resultsCsv(rwb::compare::summarizeSamples(m_config, m_samples)));
}

bool ProblemSetView::exportHtml(const QString& path) const {
    return writeFile(
        path, htmlReport(m_config, rwb::compare::summarizeSamples(m_config, m_samples), m_samples));
}

} // namespace rwb::ui::compare
