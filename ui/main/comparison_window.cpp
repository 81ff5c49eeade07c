#include "comparison_window.h"

#include "compare/compare_view.h"
#include "compare/problem_set_view.h"

#include <QDir>
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

void ComparisonWindow::present(QWidget* tab) {
    m_tabs->setCurrentWidget(tab);
    show();
    raise();
    activateWindow();
}

} // namespace rwb::ui
