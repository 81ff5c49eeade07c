// The problem-set charts (Qt Charts), built from result rows: accuracy against model size,
// accuracy against thinking budget (one line per model), accuracy against seconds per
// problem, and the thinking-token distribution per model. Also renders a chart to SVG for the
// self-contained HTML report.
#pragma once

#include "compare/problem_set_store.h"

#include <QByteArray>
#include <QSize>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace rwb::ui::compare {

// Each returns a new chart the caller owns (or hands to a QChartView).
QChart* accuracyBySizeChart(const QVector<rwb::compare::ResultRow>& rows);
QChart* accuracyByBudgetChart(const QVector<rwb::compare::ResultRow>& rows);
QChart* accuracyBySecondsChart(const QVector<rwb::compare::ResultRow>& rows);
QChart* thinkingDistributionChart(const QVector<rwb::compare::ResultRow>& rows, int bins = 10);

// The chart drawn as an SVG document of `size` pixels (takes ownership of `chart`).
QByteArray chartSvg(QChart* chart, QSize size = QSize(640, 400));

QString modelLabel(const QString& path); // the file's base name

} // namespace rwb::ui::compare
