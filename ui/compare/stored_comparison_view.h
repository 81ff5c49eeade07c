// StoredComparisonView: a stored comparison run, read only, as the compare view showed it live:
// the prompt, a column per model (its thinking block, answer and stats line, rendered by the same
// CompareColumn) and the metrics table. "Continue in chat" works as in the live view.
#pragma once

#include "compare/comparison_recorder.h"

#include <QWidget>

class QHBoxLayout;
class QLabel;
class QTableWidget;

namespace rwb::ui::compare {

class CompareColumn;

class StoredComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit StoredComparisonView(QWidget* parent = nullptr);

    void showRecord(const rwb::compare::ComparisonRecord& record);
    // Empties the view (its run was deleted): the header says why, no columns, no table rows.
    void clear(const QString& why);
    qint64 runId() const { return m_runId; }
    QVector<CompareColumn*> columns() const { return m_columns; }
    QTableWidget* metricsTable() const { return m_metrics; }
    QString headerText() const;

signals:
    void continueInChat(const QString& modelPath, const QString& prompt, const QString& thinking,
                        const QString& answer);

private:
    QLabel* m_header;
    QHBoxLayout* m_columnsLayout;
    QVector<CompareColumn*> m_columns;
    QTableWidget* m_metrics;
    qint64 m_runId = 0;
};

} // namespace rwb::ui::compare
