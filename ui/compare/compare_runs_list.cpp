// CompareRunsList (see compare_runs_list.h).
#include "compare/compare_runs_list.h"

#include "compare/comparison_recorder.h"
#include "compare/problem_set_store.h"
#include "storage_worker.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QListWidget>
#include <QLocale>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace rwb::ui::compare {

namespace {
QString date(const QDateTime& t) {
    return QLocale().toString(t.toLocalTime(), QLocale::ShortFormat);
}

// Problems in a JSONL set (one per non-empty line), as the run's limit cuts it.
int problemCount(const rwb::compare::ProblemSetConfig& config) {
    QFile f(config.setPath);
    if (!f.open(QIODevice::ReadOnly)) return 0;
    int n = 0;
    while (!f.atEnd())
        if (!f.readLine().trimmed().isEmpty()) ++n;
    return config.limit > 0 ? std::min(n, config.limit) : n;
}
} // namespace

CompareRunsList::CompareRunsList(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("compareRunsList"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_header = new QToolButton(this);
    m_header->setText(tr("Compare"));
    m_header->setCheckable(true);
    m_header->setChecked(true);
    m_header->setArrowType(Qt::DownArrow);
    m_header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_header->setAutoRaise(true);
    m_header->setToolTip(tr("Stored comparisons and problem-set runs"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("compareRuns"));
    m_list->setMaximumHeight(180);
    layout->addWidget(m_header);
    layout->addWidget(m_list);
    connect(m_header, &QToolButton::toggled, this, [this](bool open) {
        m_list->setVisible(open);
        m_header->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    m_refreshDelay = new QTimer(this);
    m_refreshDelay->setSingleShot(true);
    m_refreshDelay->setInterval(2000);
    connect(m_refreshDelay, &QTimer::timeout, this, &CompareRunsList::refresh);
    connect(m_list, &QListWidget::activated, this,
            [this](const QModelIndex& index) { activateRow(index.row()); });
    buildActions();
}

void CompareRunsList::setStorage(rwb::storage::StorageWorker* storage) {
    m_storage = storage;
}

void CompareRunsList::activateRow(int row) {
    QListWidgetItem* item = m_list->item(row);
    if (!item || !(item->flags() & Qt::ItemIsEnabled)) return; // the empty section's hint
    const qint64 id = item->data(IdRole).toLongLong();
    if (item->data(KindRole).toInt() == Comparison)
        emit comparisonActivated(id);
    else
        emit problemSetRunActivated(id);
}

void CompareRunsList::scheduleRefresh() {
    if (!m_refreshDelay->isActive()) m_refreshDelay->start();
}

void CompareRunsList::refresh() {
    m_refreshDelay->stop();
    const quint64 generation = ++m_generation;
    m_waiting = 0;
    QPointer<CompareRunsList> self(this);
    auto deliver = [self, generation](int kind, QVector<Line> lines) {
        if (!self) return;
        QMetaObject::invokeMethod(self.data(), [self, generation, kind, lines] {
            if (self && self->m_generation == generation) self->arrived(kind, lines);
        });
    };
    if (m_storage) {
        ++m_waiting;
        QMetaObject::invokeMethod(m_storage, [storage = m_storage, deliver] {
            QVector<Line> lines;
            for (const auto& s : rwb::compare::listComparisons(storage->store())) {
                const QString when = date(s.created);
                const QString models =
                    s.modelCount == 1 ? tr("1 model") : tr("%1 models").arg(s.modelCount);
                lines.append({Comparison, s.id, tr("%1\n%2 · %3").arg(s.title, when, models),
                              s.title, s.title, s.created.toMSecsSinceEpoch()});
            }
            deliver(Comparison, lines);
        });
    }
    if (!m_problemSetDb.isEmpty()) {
        ++m_waiting;
        // The problem-set store is a separate SQLite file with a connection per thread.
        QThread* reader = QThread::create([path = m_problemSetDb, deliver] {
            QVector<Line> lines;
            if (QFile::exists(path)) {
                rwb::compare::ProblemSetStore store(path);
                for (const auto& run : store.runs()) {
                    const auto& c = run.config;
                    const int total = problemCount(c) * int(c.models.size()) * c.samples *
                                      int(std::max<qsizetype>(1, c.budgets.size()));
                    const int done = int(store.finishedKeys(run.id).size());
                    QStringList names;
                    for (const QString& m : c.models) names.append(QFileInfo(m).completeBaseName());
                    const QString progress =
                        run.complete ? tr("complete") : tr("%1 of %2 samples").arg(done).arg(total);
                    const QString name = QFileInfo(c.setPath).completeBaseName();
                    lines.append(
                        {ProblemSet, run.id,
                         tr("%1 (problem set)\n%2 · %3").arg(name, names.join(", "), progress),
                         c.setPath, name, run.created});
                }
            }
            deliver(ProblemSet, lines);
        });
        connect(reader, &QThread::finished, reader, &QObject::deleteLater);
        reader->start();
    }
    if (m_waiting == 0) emit refreshed();
}

void CompareRunsList::arrived(int kind, const QVector<Line>& lines) {
    (kind == Comparison ? m_comparisons : m_problemSets) = lines;
    if (--m_waiting > 0) return;
    QVector<Line> all = m_comparisons + m_problemSets;
    std::stable_sort(all.begin(), all.end(),
                     [](const Line& a, const Line& b) { return a.createdMs > b.createdMs; });
    m_list->clear();
    for (const Line& l : all) {
        auto* item = new QListWidgetItem(l.text, m_list);
        item->setToolTip(l.toolTip);
        item->setData(KindRole, l.kind);
        item->setData(IdRole, l.id);
        item->setData(TitleRole, l.title);
    }
    if (all.isEmpty()) {
        // Says how to fill the section instead of leaving an empty box; it cannot be selected,
        // so no action (open, rename, delete) ever sees it.
        auto* hint = new QListWidgetItem(
            tr("No comparisons yet.\nCompare \u203a Compare models\u2026"), m_list);
        hint->setFlags(Qt::NoItemFlags);
    }
    // As tall as its lines (up to 180 px), so a short list leaves the room to the conversations.
    const int rows = qMax(1, m_list->count());
    m_list->setMaximumHeight(
        qMin(180, rows * m_list->sizeHintForRow(0) + 2 * m_list->frameWidth() + 2));
    emit refreshed();
}

} // namespace rwb::ui::compare
