// HTML report (see html_report.h).
#include "compare/html_report.h"

#include "compare/result_charts.h"

#include <QDateTime>
#include <QMap>

namespace rwb::ui::compare {
namespace {

QString svgImage(QChart* chart) {
    return QStringLiteral("<img alt='chart' src='data:image/svg+xml;base64,%1'>")
        .arg(QString::fromLatin1(chartSvg(chart).toBase64()));
}

QString pct(double v) {
    return QString::number(100.0 * v, 'f', 1) + '%';
}

// What was asked for (the samples' own "backend" says where they ran).
QString backendLabel(const rwb::compare::ProblemSetConfig& config) {
    const QString name = rwb::app::backendName(config.backend);
    if (config.backend == rwb::app::Backend::Cpu) return name;
    return name + (config.gpuLayers < 0 ? QStringLiteral(" (all GPU layers)")
                                        : QStringLiteral(" (%1 GPU layers)").arg(config.gpuLayers));
}

} // namespace

QString htmlReport(const rwb::compare::ProblemSetConfig& config,
                   const QVector<rwb::compare::ResultRow>& rows,
                   const QVector<rwb::compare::SampleRecord>& samples) {
    QString h = QStringLiteral(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Problem-set report</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
        "td:first-child{text-align:left}.ok{color:#080}.bad{color:#b00}</style></head><body>");
    h += QStringLiteral("<h1>Problem-set report</h1><p>Set: %1 · %2 problems%3 · %4 sample(s) per "
                        "problem · seed %5 · temperature %6 · top-p %7 · backend %9 · generated "
                        "%8</p>")
             .arg(config.setPath.toHtmlEscaped())
             .arg(rows.isEmpty() ? 0 : rows.first().summary.n)
             .arg(config.limit > 0 ? QStringLiteral(" (first %1)").arg(config.limit) : QString())
             .arg(config.samples)
             .arg(config.seed)
             .arg(config.temperature)
             .arg(config.topP)
             .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
             .arg(backendLabel(config));
    h += QStringLiteral(
        "<h2>Results</h2><table><tr><th>model</th><th>thinking budget</th><th>n</th>"
        "<th>accuracy</th><th>95% CI</th><th>pass@k</th><th>cons@k</th><th>thinking tokens</th>"
        "<th>answer tokens</th><th>tok/s</th><th>s / problem</th></tr>");
    for (const auto& r : rows) {
        const auto& s = r.summary;
        h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5 – %6</td>"
                            "<td>%7</td><td>%8</td><td>%9</td><td>%10</td><td>%11</td><td>%12</td>"
                            "</tr>")
                 .arg(modelLabel(r.model).toHtmlEscaped(), rwb::compare::budgetLabel(r.budget))
                 .arg(s.n)
                 .arg(pct(s.accuracy), pct(s.accuracy_ci.low), pct(s.accuracy_ci.high),
                      pct(s.pass_at_k), pct(s.cons_at_k))
                 .arg(s.mean_thinking_tokens, 0, 'f', 1)
                 .arg(s.mean_answer_tokens, 0, 'f', 1)
                 .arg(s.tokens_per_second, 0, 'f', 1)
                 .arg(s.mean_seconds_per_problem, 0, 'f', 2);
    }
    h += QStringLiteral("</table><h2>Charts</h2>");
    h += svgImage(accuracyBySizeChart(rows)) + svgImage(accuracyByBudgetChart(rows));
    h += svgImage(accuracyBySecondsChart(rows)) + svgImage(thinkingDistributionChart(rows));

    // Per problem: each model/budget's answers (✓ right, ✗ wrong).
    QStringList columns;
    for (const auto& r : rows)
        columns.append(modelLabel(r.model) + " @ " + rwb::compare::budgetLabel(r.budget));
    QMap<int, QMap<int, QString>> cells;         // problem -> column -> answers
    QMap<int, QPair<QString, QString>> problems; // problem -> (id, reference)
    for (const auto& s : samples) {
        int col = -1;
        for (int i = 0; i < rows.size(); ++i)
            if (rows[i].model == s.model && rows[i].budget == s.budget) col = i;
        if (col < 0) continue;
        problems[s.problemIndex] = {s.problemId, s.reference};
        QString& cell = cells[s.problemIndex][col];
        cell += QStringLiteral("<span class='%1'>%2 %3</span> ")
                    .arg(s.correct ? "ok" : "bad", s.correct ? "&#10003;" : "&#10007;",
                         s.extracted.isEmpty() ? QStringLiteral("–") : s.extracted.toHtmlEscaped());
    }
    h += QStringLiteral("<h2>Problems</h2><table><tr><th>problem</th><th>reference</th>");
    for (const QString& c : columns) h += "<th>" + c.toHtmlEscaped() + "</th>";
    h += QStringLiteral("</tr>");
    for (auto it = problems.begin(); it != problems.end(); ++it) {
        h += "<tr><td>" + it.value().first.toHtmlEscaped() + "</td><td>" +
             it.value().second.toHtmlEscaped() + "</td>";
        for (int c = 0; c < columns.size(); ++c) h += "<td>" + cells[it.key()].value(c) + "</td>";
        h += QStringLiteral("</tr>");
    }
    h += QStringLiteral("</table></body></html>\n");
    return h;
}

} // namespace rwb::ui::compare
