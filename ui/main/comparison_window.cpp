#include "comparison_window.h"

#include "compare/compare_view.h"
#include "compare/comparison_recorder.h"
#include "compare/problem_set_view.h"
#include "compare/stored_comparison_view.h"
#include "storage_worker.h"

#include <QCoreApplication>
#include <QDir>
#include <QPointer>
#include <QStandardPaths>
#include <QTabWidget>
#include <QVBoxLayout>

namespace rwb::ui {

ComparisonWindow::ComparisonWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
    setObjectName("comparisonWindow");
    setWindowTitle(tr("Compare \u2014 Reasoning Workbench"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs = new QTabWidget(this);
    m_compare = new compare::CompareView(m_tabs);
    m_problemSets = new compare::ProblemSetView(m_tabs);
    m_problemSets->setDatabasePath(problemSetDatabasePath());
    m_tabs->addTab(m_compare, tr("&Compare models"));
    m_tabs->addTab(m_problemSets, tr("&Problem sets"));
    m_stored = new compare::StoredComparisonView(m_tabs);
    m_tabs->addTab(m_stored, tr("&Stored comparison"));
    // A stored comparison's "Continue in chat" goes where the live view's goes.
    connect(m_stored, &compare::StoredComparisonView::continueInChat, m_compare,
            &compare::CompareView::continueInChat);
    layout->addWidget(m_tabs);
    resize(1100, 760);
}

QString ComparisonWindow::problemSetDatabasePath() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QDir(dir).filePath(QStringLiteral("problem-sets.sqlite"));
}

void ComparisonWindow::setAvailableModels(const QStringList& paths) {
    m_compare->setAvailableModels(paths);
    // Problem sets run local GGUF files only; remote endpoints ("remote:<id>") are live columns.
    QStringList local;
    for (const QString& p : paths)
        if (!p.startsWith(QLatin1String("remote:"))) local.append(p);
    m_problemSets->setAvailableModels(local);
}

void ComparisonWindow::showCompare() {
    present(m_compare);
}

void ComparisonWindow::showProblemSets() {
    present(m_problemSets);
}

void ComparisonWindow::setStorage(rwb::storage::StorageWorker* storage) {
    m_storage = storage;
    delete m_recorder;
    m_recorder = new rwb::compare::ComparisonRecorder(m_compare->session(), storage, this);
    connect(m_recorder, &rwb::compare::ComparisonRecorder::saved, this,
            &ComparisonWindow::comparisonStored);
    connect(m_recorder, &rwb::compare::ComparisonRecorder::saveFailed, this,
            &ComparisonWindow::errorOccurred);
}

void ComparisonWindow::openStoredComparison(qint64 runId) {
    if (!m_storage) return;
    QPointer<ComparisonWindow> self(this);
    QMetaObject::invokeMethod(m_storage, [storage = m_storage, self, runId] {
        auto record = rwb::compare::loadComparison(storage->store(), runId);
        if (!self) return;
        QMetaObject::invokeMethod(self.data(), [self, runId, record] {
            if (!self) return;
            if (!record) {
                emit self->errorOccurred(tr("Comparison %1 is no longer stored.").arg(runId));
                return;
            }
            self->m_stored->showRecord(*record);
            self->present(self->m_stored);
            emit self->storedComparisonShown(runId);
        });
    });
}

void ComparisonWindow::forgetStoredComparison(qint64 runId) {
    if (runId != 0 && m_stored->runId() == runId)
        m_stored->clear(tr("This comparison was deleted."));
}

void ComparisonWindow::storedComparisonRenamed(qint64 runId) {
    if (runId == 0 || m_stored->runId() != runId || !m_storage) return;
    QPointer<ComparisonWindow> self(this);
    QMetaObject::invokeMethod(m_storage, [storage = m_storage, self, runId] {
        auto record = rwb::compare::loadComparison(storage->store(), runId);
        QMetaObject::invokeMethod(qApp, [self, runId, record] {
            // Still the same run on show (it may have been deleted or replaced meanwhile).
            if (self && record && self->m_stored->runId() == runId)
                self->m_stored->showRecord(*record);
        });
    });
}

bool ComparisonWindow::openProblemSetRun(qint64 runId) {
    present(m_problemSets);
    return m_problemSets->resume(runId);
}

void ComparisonWindow::present(QWidget* tab) {
    m_tabs->setCurrentWidget(tab);
    show();
    raise();
    activateWindow();
}

} // namespace rwb::ui
