// CSV export (see results_csv.h).
#include "compare/results_csv.h"

#include <QFileInfo>

namespace rwb::compare {

QString csvField(const QString& text) {
    if (!text.contains(',') && !text.contains('"') && !text.contains('\n') && !text.contains('\r'))
        return text;
    QString q = text;
    q.replace('"', QStringLiteral("\"\""));
    return '"' + q + '"';
}

QString resultsCsv(const QVector<ResultRow>& rows) {
    QString out = QStringLiteral(
        "model,file,thinking_budget,n,samples,accuracy,ci95_low,ci95_high,pass_at_k,cons_at_k,"
        "mean_thinking_tokens,mean_answer_tokens,tokens_per_second,seconds_per_problem\n");
    for (const ResultRow& r : rows) {
        const auto& s = r.summary;
        QStringList f = {csvField(QFileInfo(r.model).completeBaseName()),
                         csvField(r.model),
                         QString::number(r.budget),
                         QString::number(s.n),
                         QString::number(s.samples),
                         QString::number(s.accuracy, 'f', 4),
                         QString::number(s.accuracy_ci.low, 'f', 4),
                         QString::number(s.accuracy_ci.high, 'f', 4),
                         QString::number(s.pass_at_k, 'f', 4),
                         QString::number(s.cons_at_k, 'f', 4),
                         QString::number(s.mean_thinking_tokens, 'f', 1),
                         QString::number(s.mean_answer_tokens, 'f', 1),
                         QString::number(s.tokens_per_second, 'f', 1),
                         QString::number(s.mean_seconds_per_problem, 'f', 3)};
        out += f.join(',') + '\n';
    }
    return out;
}

} // namespace rwb::compare
