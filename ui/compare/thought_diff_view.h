// Two columns' chains of thought side by side, aligned paragraph by paragraph (see
// compare/thought_diff.h); differing rows are tinted and the first divergence is marked.
#pragma once

#include "compare/thought_diff.h"

#include <QWidget>

class QTextBrowser;
class QLabel;

namespace rwb::ui::compare {

class ThoughtDiffView : public QWidget {
    Q_OBJECT
public:
    explicit ThoughtDiffView(QWidget* parent = nullptr);
    void setThoughts(const QString& leftTitle, const QString& left, const QString& rightTitle,
                     const QString& right);
    const rwb::compare::ThoughtDiff& diff() const { return m_diff; }
    QString summaryText() const; // "first divergence at paragraph 3" / "identical"
    QString html() const;

private:
    rwb::compare::ThoughtDiff m_diff;
    QLabel* m_summary;
    QTextBrowser* m_browser;
};

} // namespace rwb::ui::compare
