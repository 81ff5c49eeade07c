// Thought diff view (see thought_diff_view.h).
#include "compare/thought_diff_view.h"

#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace rwb::ui::compare {

ThoughtDiffView::ThoughtDiffView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_browser = new QTextBrowser(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_browser, 1);
}

void ThoughtDiffView::setThoughts(const QString& leftTitle, const QString& left,
                                  const QString& rightTitle, const QString& right) {
    m_diff = rwb::compare::diffThoughts(left, right);
    QString h =
        QStringLiteral("<table width='100%' cellpadding='4'><tr><th>%1</th><th>%2</th></tr>")
            .arg(leftTitle.toHtmlEscaped(), rightTitle.toHtmlEscaped());
    for (int r = 0; r < m_diff.rows.size(); ++r) {
        const auto& row = m_diff.rows[r];
        const QString bg = row.same ? QString() : QStringLiteral(" bgcolor='#fff2cc'");
        auto cell = [&](const QStringList& paragraphs, int i) {
            return i < 0 ? QString() : paragraphs[i].toHtmlEscaped().replace('\n', "<br>");
        };
        QString marker;
        if (r == m_diff.firstDivergence)
            marker = QStringLiteral("<a name='divergence'></a><b>&#9654; first divergence</b><br>");
        h += QStringLiteral("<tr%1><td valign='top'>%2%3</td><td valign='top'>%2%4</td></tr>")
                 .arg(bg, marker, cell(m_diff.leftParagraphs, row.left),
                      cell(m_diff.rightParagraphs, row.right));
    }
    h += QStringLiteral("</table>");
    m_browser->setHtml(h);
    m_summary->setText(summaryText());
    if (m_diff.firstDivergence >= 0) m_browser->scrollToAnchor(QStringLiteral("divergence"));
}

QString ThoughtDiffView::summaryText() const {
    if (m_diff.firstDivergence < 0) return tr("The thoughts are identical.");
    return tr("First divergence at paragraph %1 of %2 aligned rows.")
        .arg(m_diff.firstDivergence + 1)
        .arg(m_diff.rows.size());
}

QString ThoughtDiffView::html() const {
    return m_browser->toHtml();
}

} // namespace rwb::ui::compare
