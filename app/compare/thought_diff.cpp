// Paragraph alignment of two thoughts (see thought_diff.h).
#include "compare/thought_diff.h"

#include <QRegularExpression>

namespace rwb::compare {

QStringList splitParagraphs(const QString& text) {
    static const QRegularExpression kBlank(QStringLiteral("\\n[ \\t]*\\n"));
    QStringList out;
    for (const QString& p : text.split(kBlank)) {
        const QString t = p.trimmed();
        if (!t.isEmpty()) out.append(t);
    }
    return out;
}

ThoughtDiff diffThoughts(const QString& left, const QString& right) {
    ThoughtDiff d;
    d.leftParagraphs = splitParagraphs(left);
    d.rightParagraphs = splitParagraphs(right);
    const QStringList& a = d.leftParagraphs;
    const QStringList& b = d.rightParagraphs;
    const int n = int(a.size()), m = int(b.size());
    // lcs[i][j]: common paragraphs of a[i..] and b[j..].
    QVector<QVector<int>> lcs(n + 1, QVector<int>(m + 1, 0));
    for (int i = n - 1; i >= 0; --i)
        for (int j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : qMax(lcs[i + 1][j], lcs[i][j + 1]);
    int i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            d.rows.append({i++, j++, true});
        } else if (i < n && j < m && lcs[i + 1][j] == lcs[i][j + 1]) {
            // Both sides changed here: show them side by side as one differing row.
            d.rows.append({i++, j++, false});
        } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
            d.rows.append({i++, -1, false});
        } else {
            d.rows.append({-1, j++, false});
        }
    }
    for (int r = 0; r < d.rows.size(); ++r)
        if (!d.rows[r].same) {
            d.firstDivergence = r;
            break;
        }
    return d;
}

} // namespace rwb::compare
