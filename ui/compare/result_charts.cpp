// Problem-set charts (see result_charts.h).
#include "compare/result_charts.h"

#include "compare/run_config.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBuffer>
#include <QChart>
#include <QChartView>
#include <QFileInfo>

#include <QLineSeries>
#include <QMap>
#include <QPainter>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QValueAxis>
#include <cmath>

namespace rwb::ui::compare {
namespace {

QValueAxis* accuracyAxis() {
    auto* y = new QValueAxis;
    y->setRange(0, 1);
    y->setTitleText(QObject::tr("accuracy"));
    return y;
}

// The models in the order of the rows.
QStringList modelsOf(const QVector<rwb::compare::ResultRow>& rows) {
    QStringList out;
    for (const auto& r : rows)
        if (!out.contains(r.model)) out.append(r.model);
    return out;
}

// The row of `model` at its largest budget (unlimited counts as the largest).
const rwb::compare::ResultRow* finalRow(const QVector<rwb::compare::ResultRow>& rows,
                                        const QString& model) {
    const rwb::compare::ResultRow* best = nullptr;
    for (const auto& r : rows) {
        if (r.model != model) continue;
        const auto rank = [](int b) { return b == 0 ? INT_MAX : b; };
        if (!best || rank(r.budget) > rank(best->budget)) best = &r;
    }
    return best;
}

} // namespace

QString modelLabel(const QString& path) {
    return QFileInfo(path).completeBaseName();
}

QChart* accuracyBySizeChart(const QVector<rwb::compare::ResultRow>& rows) {
    auto* chart = new QChart;
    chart->setTitle(QObject::tr("Accuracy against model size"));
    auto* series = new QLineSeries;
    series->setName(QObject::tr("accuracy (largest budget)"));
    series->setPointsVisible(true);
    series->setPointLabelsVisible(true);
    series->setPointLabelsFormat(QStringLiteral("@yPoint"));
    double maxX = 1;
    QMap<double, double> points; // size MB -> accuracy, sorted by size
    for (const QString& m : modelsOf(rows))
        if (const auto* r = finalRow(rows, m)) {
            const double mb = double(QFileInfo(m).size()) / (1 << 20);
            // Rounded for the point labels, which print @yPoint with every digit.
            points[mb] = std::round(r->summary.accuracy * 1000.0) / 1000.0;
            maxX = qMax(maxX, mb);
        }
    for (auto it = points.begin(); it != points.end(); ++it) series->append(it.key(), it.value());
    chart->addSeries(series);
    auto* x = new QValueAxis;
    x->setRange(0, maxX * 1.1);
    x->setTitleText(QObject::tr("model file size (MB)"));
    chart->addAxis(x, Qt::AlignBottom);
    auto* y = accuracyAxis();
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    return chart;
}

QChart* accuracyByBudgetChart(const QVector<rwb::compare::ResultRow>& rows) {
    auto* chart = new QChart;
    chart->setTitle(QObject::tr("Accuracy against thinking budget"));
    // Budgets in increasing order, unlimited last, as categories.
    QList<int> budgets;
    for (const auto& r : rows)
        if (!budgets.contains(r.budget)) budgets.append(r.budget);
    std::sort(budgets.begin(), budgets.end(),
              [](int a, int b) { return (a == 0 ? INT_MAX : a) < (b == 0 ? INT_MAX : b); });
    QStringList labels;
    for (int b : budgets) labels.append(rwb::compare::budgetLabel(b));
    auto* x = new QBarCategoryAxis;
    x->append(labels);
    x->setTitleText(QObject::tr("thinking budget (tokens)"));
    chart->addAxis(x, Qt::AlignBottom);
    auto* y = accuracyAxis();
    chart->addAxis(y, Qt::AlignLeft);
    for (const QString& m : modelsOf(rows)) {
        auto* series = new QLineSeries;
        series->setName(modelLabel(m));
        series->setPointsVisible(true);
        for (const auto& r : rows)
            if (r.model == m) series->append(budgets.indexOf(r.budget), r.summary.accuracy);
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    }
    return chart;
}

QChart* accuracyBySecondsChart(const QVector<rwb::compare::ResultRow>& rows) {
    auto* chart = new QChart;
    chart->setTitle(QObject::tr("Accuracy against seconds per problem"));
    auto* x = new QValueAxis;
    x->setTitleText(QObject::tr("seconds per problem"));
    chart->addAxis(x, Qt::AlignBottom);
    auto* y = accuracyAxis();
    chart->addAxis(y, Qt::AlignLeft);
    double maxX = 0.001;
    for (const QString& m : modelsOf(rows)) {
        auto* series = new QScatterSeries;
        series->setName(modelLabel(m));
        for (const auto& r : rows)
            if (r.model == m) {
                series->append(r.summary.mean_seconds_per_problem, r.summary.accuracy);
                maxX = qMax(maxX, r.summary.mean_seconds_per_problem);
            }
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    }
    x->setRange(0, maxX * 1.1);
    return chart;
}

QChart* thinkingDistributionChart(const QVector<rwb::compare::ResultRow>& rows, int bins) {
    auto* chart = new QChart;
    chart->setTitle(QObject::tr("Thinking tokens per sample"));
    qint64 maxTokens = 1;
    for (const auto& r : rows)
        for (qint64 t : r.thinkingTokens) maxTokens = qMax(maxTokens, t);
    const qint64 width = (maxTokens + bins) / bins; // bins of equal width covering 0..max
    auto* series = new QBarSeries;
    for (const QString& m : modelsOf(rows)) {
        QVector<int> counts(bins, 0);
        for (const auto& r : rows)
            if (r.model == m)
                for (qint64 t : r.thinkingTokens) ++counts[int(qMin<qint64>(t / width, bins - 1))];
        auto* set = new QBarSet(modelLabel(m));
        for (int c : counts) set->append(c);
        series->append(set);
    }
    chart->addSeries(series);
    QStringList labels;
    for (int b = 0; b < bins; ++b) labels.append(QString::number(b * width));
    auto* x = new QBarCategoryAxis;
    x->append(labels);
    x->setTitleText(QObject::tr("thinking tokens (bin start)"));
    chart->addAxis(x, Qt::AlignBottom);
    auto* y = new QValueAxis;
    y->setTitleText(QObject::tr("samples"));
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    return chart;
}

QByteArray chartSvg(QChart* chart, QSize size) {
    QChartView view(chart); // owns the chart from here
    view.resize(size);
    view.setRenderHint(QPainter::Antialiasing);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(chart->title());
    QPainter painter(&svg);
    view.render(&painter);
    painter.end();
    return buffer.data();
}

} // namespace rwb::ui::compare
