// The side-by-side compare view (see compare_view.h).
#include "compare/compare_view.h"

#include "compare/backend_controls.h"
#include "compare/compare_column.h"
#include "compare/memory_plan.h"
#include "compare/thought_diff_view.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rwb::ui::compare {

using rwb::compare::ColumnState;

namespace {
// A GGUF file's base name, or "remote: <endpoint name>" for a saved endpoint.
QString displayName(const QString& path) {
    if (!path.startsWith(QLatin1String("remote:"))) return QFileInfo(path).completeBaseName();
    const QString id = path.mid(7);
    QSettings qs;
    for (const auto& e : rwb::remote::RemoteEndpointList::load(qs))
        if (e.id == id)
            return QStringLiteral("remote: ") + e.name + QStringLiteral(" / ") + e.model;
    return path;
}

QString number(double v, int decimals) {
    return v < 0 ? QStringLiteral("–") : QString::number(v, 'f', decimals);
}

QString mib(quint64 bytes) {
    return QString::number(double(bytes) / (1 << 20), 'f', 1);
}

// The peak memory cell's tooltip: what was measured, against the plan the scheduling used.
QString memoryToolTip(const rwb::compare::ColumnResult& r) {
    const auto& m = r.metrics;
    if (r.remote) return QObject::tr("Remote endpoint: no local memory");
    QString tip = m.peakMemoryBytes == 0
                      ? QObject::tr("Not measured yet")
                      : QObject::tr("Measured: weights resident %1 MiB + session %2 MiB")
                            .arg(mib(m.peakWeightsBytes), mib(m.peakSessionBytes));
    tip += QObject::tr("; planned %1 MiB (the estimate used to schedule the models)")
               .arg(mib(m.plannedMemoryBytes));
    if (m.vramBytes > 0) tip += QObject::tr("; on the GPU %1 MiB").arg(mib(m.vramBytes));
    if (r.placement != rwb::compare::Placement::Waiting)
        tip += r.placement == rwb::compare::Placement::Gpu
                   ? QObject::tr("\nPlanned on the GPU (free GPU memory and RAM)")
                   : QObject::tr("\nPlanned on the CPU (RAM)");
    if (r.sharesWeightsWith >= 0)
        tip += QObject::tr("\nThe weights are shared with column %1 (same model file, mapped "
                           "once): they are counted in both peaks.")
                   .arg(r.sharesWeightsWith + 1);
    else
        tip += QObject::tr("\nThe weights are shared by every session on this model file "
                           "(mapped once).");
    return tip;
}
} // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent), m_session(new rwb::compare::CompareSession(this)) {
    auto* layout = new QVBoxLayout(this);
    auto* pickers = new QHBoxLayout;
    // Each column's backend and GPU layers start from the chat's generation settings.
    QSettings qs;
    const auto global = rwb::app::GenerationSettings::load(qs);
    for (int i = 0; i < 4; ++i) {
        auto* box = new QComboBox(this);
        box->setObjectName(QStringLiteral("modelPicker%1").arg(i));
        m_pickers.append(box);
        auto* backend = makeBackendBox(global.backend,
                                       tr("Where this column's model runs (CUDA falls back to "
                                          "the CPU when the CUDA module or a GPU is missing)"),
                                       this);
        backend->setObjectName(QStringLiteral("backendPicker%1").arg(i));
        m_backends.append(backend);
        auto* layers = makeGpuLayersSpin(global.gpuLayers, this);
        layers->setObjectName(QStringLiteral("gpuLayers%1").arg(i));
        m_gpuLayers.append(layers);
        // Remote endpoints and empty pickers have no backend; the CPU has no GPU layers.
        const auto enable = [box, backend, layers] {
            const QString path = box->currentData().toString();
            const bool local = !path.isEmpty() && !path.startsWith(QLatin1String("remote:"));
            backend->setEnabled(local);
            layers->setEnabled(local &&
                               backend->currentData().toInt() != int(rwb::app::Backend::Cpu));
        };
        connect(box, &QComboBox::currentIndexChanged, this, enable);
        connect(backend, &QComboBox::currentIndexChanged, this, enable);
        enable();
        auto* picker = new QVBoxLayout;
        auto* where = new QHBoxLayout;
        picker->addWidget(box);
        where->addWidget(backend);
        where->addWidget(layers);
        picker->addLayout(where);
        pickers->addLayout(picker, 1);
    }
    layout->addLayout(pickers);
    auto* promptRow = new QHBoxLayout;
    m_prompt = new QLineEdit(this);
    m_prompt->setPlaceholderText(tr("One prompt for every model"));
    m_send = new QPushButton(tr("Send"), this);
    m_again = new QPushButton(tr("Send again (new seed)"), this);
    m_again->setEnabled(false);
    promptRow->addWidget(m_prompt, 1);
    promptRow->addWidget(m_send);
    promptRow->addWidget(m_again);
    m_threads = new QSpinBox(this);
    m_threads->setObjectName(QStringLiteral("cpuThreads"));
    m_threads->setRange(1, 1024);
    m_threads->setToolTip(tr("CPU threads shared by the local models that run together"));
    m_threads->setValue(
        QSettings()
            .value(QStringLiteral("compare/cpuThreads"), rwb::compare::machineThreads())
            .toInt());
    m_session->setTotalThreads(m_threads->value());
    connect(m_threads, &QSpinBox::valueChanged, this, [this](int n) {
        m_session->setTotalThreads(n);
        QSettings().setValue(QStringLiteral("compare/cpuThreads"), n);
    });
    promptRow->addWidget(new QLabel(tr("CPU threads"), this));
    promptRow->addWidget(m_threads);
    layout->addLayout(promptRow);
    m_status = new QLabel(this);
    layout->addWidget(m_status);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* columnsHost = new QWidget(splitter);
    m_columnsLayout = new QHBoxLayout(columnsHost);
    m_metrics = new QTableWidget(0, MetricsColumnCount, splitter);
    m_metrics->setHorizontalHeaderLabels(
        {tr("Model"), tr("State"), tr("TTFT ms"), tr("First answer ms"), tr("Thinking s"),
         tr("Thinking tokens"), tr("Answer tokens"), tr("Thinking tok/s"), tr("Answer tok/s"),
         tr("Peak memory MiB"), tr("Final answer"), tr("Agree")});
    m_metrics->horizontalHeaderItem(Memory)->setToolTip(
        tr("Measured while the model runs: the model's weights in RAM plus its session's KV cache "
           "and buffers, at their largest"));
    m_metrics->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* diffHost = new QWidget(splitter);
    auto* diffLayout = new QVBoxLayout(diffHost);
    auto* diffRow = new QHBoxLayout;
    m_diffLeft = new QComboBox(diffHost);
    m_diffRight = new QComboBox(diffHost);
    m_diffButton = new QPushButton(tr("Thought diff"), diffHost);
    diffRow->addWidget(m_diffLeft);
    diffRow->addWidget(m_diffRight);
    diffRow->addWidget(m_diffButton);
    diffRow->addStretch();
    m_diff = new ThoughtDiffView(diffHost);
    diffLayout->addLayout(diffRow);
    diffLayout->addWidget(m_diff, 1);
    splitter->addWidget(columnsHost);
    splitter->addWidget(m_metrics);
    splitter->addWidget(diffHost);
    layout->addWidget(splitter, 1);

    connect(m_send, &QPushButton::clicked, this,
            [this] { send(QRandomGenerator::global()->generate64() >> 1); });
    connect(m_prompt, &QLineEdit::returnPressed, m_send, &QPushButton::click);
    connect(m_again, &QPushButton::clicked, this, [this] {
        rebuildColumns();
        m_seed = m_session->sendAgain();
        m_status->setText(tr("Seed %1").arg(m_seed));
    });
    connect(m_diffButton, &QPushButton::clicked, this,
            [this] { showDiff(m_diffLeft->currentIndex(), m_diffRight->currentIndex()); });
    connect(m_session, &rwb::compare::CompareSession::columnStateChanged, this,
            &CompareView::onStateChanged);
    connect(m_session, &rwb::compare::CompareSession::columnDelta, this,
            [this](int c, const QString& t, const QString& a) {
                if (c < m_columns.size()) m_columns[c]->appendDelta(t, a);
            });
    connect(m_session, &rwb::compare::CompareSession::columnThinkingFinished, this,
            [this](int c, double s, qint64 tokens) {
                if (c < m_columns.size()) m_columns[c]->finishThinking(s, int(tokens));
            });
    connect(m_session, &rwb::compare::CompareSession::columnMetricsChanged, this,
            &CompareView::updateMetrics);
    connect(m_session, &rwb::compare::CompareSession::columnFinished, this, [this](int c) {
        const auto& r = m_session->column(c);
        m_columns[c]->finish(r.state != ColumnState::Finished, r.metrics.thinkingSeconds,
                             int(r.metrics.thinkingTokens));
        for (int i = 0; i < m_columns.size(); ++i) updateMetrics(i);
    });
    connect(m_session, &rwb::compare::CompareSession::allFinished, this,
            [this] { m_status->setText(tr("Done (seed %1)").arg(m_seed)); });
}

void CompareView::setAvailableModels(const QStringList& paths) {
    for (int i = 0; i < m_pickers.size(); ++i) {
        QComboBox* box = m_pickers[i];
        box->clear();
        box->addItem(tr("(none)"), QString());
        for (const QString& p : paths) box->addItem(displayName(p), p);
        box->setCurrentIndex(i < paths.size() && i < 3 ? i + 1 : 0);
    }
}

void CompareView::selectModels(const QStringList& paths) {
    for (int i = 0; i < m_pickers.size(); ++i) {
        const int idx = i < paths.size() ? m_pickers[i]->findData(paths[i]) : 0;
        m_pickers[i]->setCurrentIndex(qMax(0, idx));
    }
}

QStringList CompareView::selectedModels() const {
    QStringList out;
    for (QComboBox* box : m_pickers)
        if (const QString p = box->currentData().toString(); !p.isEmpty()) out.append(p);
    return out;
}

QString CompareView::statusText() const {
    return m_status->text();
}

bool CompareView::send(quint64 seed) {
    const QStringList models = selectedModels();
    if (models.size() < 2) {
        m_status->setText(tr("Choose two to four models."));
        return false;
    }
    if (m_prompt->text().trimmed().isEmpty()) {
        m_status->setText(tr("Type a prompt first."));
        return false;
    }
    if (models != m_session->models()) {
        m_session->setModels(models);
        for (CompareColumn* c : m_columns) c->deleteLater();
        m_columns.clear();
        for (const QString& m : models) {
            auto* col = new CompareColumn(m, this);
            const int index = int(m_columns.size());
            connect(col, &CompareColumn::stopRequested, this,
                    [this, index] { m_session->stopColumn(index); });
            connect(col, &CompareColumn::continueInChatRequested, this, [this, index] {
                const auto& r = m_session->column(index);
                emit continueInChat(r.modelPath, m_session->prompt(), r.thinking, r.answer);
            });
            m_columnsLayout->addWidget(col, 1);
            m_columns.append(col);
        }
        m_diffLeft->clear();
        m_diffRight->clear();
        for (const QString& m : models) {
            m_diffLeft->addItem(displayName(m));
            m_diffRight->addItem(displayName(m));
        }
        m_diffRight->setCurrentIndex(1);
    }
    // Column k is the k-th picker with a model; its backend and GPU layers go with it.
    for (int i = 0, k = 0; i < m_pickers.size(); ++i) {
        if (m_pickers[i]->currentData().toString().isEmpty()) continue;
        const auto backend = rwb::app::Backend(m_backends[i]->currentData().toInt());
        m_session->setColumnBackend(k, backend, m_gpuLayers[i]->value());
        if (!m_columns[k]->modelPath().startsWith(QLatin1String("remote:")))
            m_columns[k]->setBackendText(m_backends[i]->currentText());
        ++k;
    }
    rebuildColumns();
    m_seed = seed;
    m_session->send(m_prompt->text(), seed);
    m_again->setEnabled(true);
    m_status->setText(tr("Running (seed %1)").arg(seed));
    return true;
}

void CompareView::rebuildColumns() {
    for (CompareColumn* c : m_columns) c->reset();
    m_metrics->setRowCount(int(m_columns.size()));
    for (int i = 0; i < m_columns.size(); ++i) {
        for (int k = 0; k < MetricsColumnCount; ++k) m_metrics->setItem(i, k, new QTableWidgetItem);
        m_metrics->item(i, Model)->setText(displayName(m_columns[i]->modelPath()));
    }
}

void CompareView::onStateChanged(int column, ColumnState state) {
    if (column >= m_columns.size()) return;
    m_columns[column]->setStateText(rwb::compare::columnStateText(state));
    const bool running = state == ColumnState::WaitingForMemory || state == ColumnState::Loading ||
                         state == ColumnState::Thinking || state == ColumnState::Answering;
    m_columns[column]->setRunning(running);
    updateMetrics(column);
}

void CompareView::updateMetrics(int column) {
    if (column >= m_columns.size() || column >= m_metrics->rowCount()) return;
    const auto& r = m_session->column(column);
    const auto& m = r.metrics;
    auto set = [&](int k, const QString& text) {
        if (QTableWidgetItem* item = m_metrics->item(column, k)) item->setText(text);
    };
    set(State, rwb::compare::columnStateText(r.state));
    set(Ttft, number(m.ttftMs, 0));
    set(FirstAnswer, number(m.firstAnswerMs, 0));
    set(ThinkSeconds, number(m.thinkingSeconds, 2));
    set(ThinkTokens, QString::number(m.thinkingTokens));
    set(AnswerTokens, QString::number(m.answerTokens));
    set(ThinkTps, number(m.thinkingTokensPerSecond, 1));
    set(AnswerTps, number(m.answerTokensPerSecond, 1));
    set(Memory, m.peakMemoryBytes > 0 ? mib(m.peakMemoryBytes) : QStringLiteral("–"));
    if (QTableWidgetItem* item = m_metrics->item(column, Memory))
        item->setToolTip(memoryToolTip(r));
    set(FinalAnswer, m.extractedAnswer);
    const bool agree = m_session->answersAgree();
    for (int i = 0; i < m_metrics->rowCount(); ++i)
        if (QTableWidgetItem* item = m_metrics->item(i, Agrees))
            item->setText(m_session->isRunning() ? QString() : agree ? tr("yes") : tr("no"));
    // The engine's line when the GPU backend could not be used comes first.
    QString notice;
    for (const QString& line : {r.backendNotice, r.placementNote})
        if (!line.isEmpty()) notice += line + '\n';
    m_columns[column]->setStats(
        notice +
        tr("TTFT %1 ms · thinking %2 tokens in %3 s · answer %4 tokens · %5 / %6 tok/s")
            .arg(number(m.ttftMs, 0))
            .arg(m.thinkingTokens)
            .arg(number(m.thinkingSeconds, 1))
            .arg(m.answerTokens)
            .arg(number(m.thinkingTokensPerSecond, 1), number(m.answerTokensPerSecond, 1)) +
        // Remote columns: their token usage at the endpoint's prices per 1M tokens.
        (m.cost >= 0 ? tr(" · cost %1").arg(m.cost, 0, 'f', 6) : QString()));
}

void CompareView::showDiff(int left, int right) {
    if (left < 0 || right < 0 || left >= m_session->columnCount() ||
        right >= m_session->columnCount())
        return;
    // The pickers show the pair on display, also when a caller chose it.
    m_diffLeft->setCurrentIndex(left);
    m_diffRight->setCurrentIndex(right);
    const auto& a = m_session->column(left);
    const auto& b = m_session->column(right);
    m_diff->setThoughts(displayName(a.modelPath), a.thinking, displayName(b.modelPath), b.thinking);
}

} // namespace rwb::ui::compare
