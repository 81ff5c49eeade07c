// CompareRunsList: the "Compare" section of the conversation list. A header that folds the
// section, and one line per stored run, newest first: live comparisons (title, date, number of
// models; from the history database through the StorageWorker) and problem-set runs (set name,
// models, progress; from the problem-set database, read on a thread of its own). Activating a
// line (double click, Enter) asks to reopen that run.
#pragma once

#include <QWidget>

class QListWidget;
class QTimer;
class QToolButton;

namespace rwb::storage {
class StorageWorker;
}

namespace rwb::ui::compare {

class CompareRunsList : public QWidget {
    Q_OBJECT
public:
    enum Kind { Comparison = 1, ProblemSet = 2 };
    static constexpr int KindRole = Qt::UserRole + 1;
    static constexpr int IdRole = Qt::UserRole + 2;

    explicit CompareRunsList(QWidget* parent = nullptr);

    void setStorage(rwb::storage::StorageWorker* storage);
    void setProblemSetDatabasePath(const QString& path) { m_problemSetDb = path; }
    // Reads both lists again (off the UI thread); refreshed() when both have arrived.
    void refresh();
    // A refresh at most every two seconds (a problem set's progress while it runs).
    void scheduleRefresh();

    QListWidget* listWidget() const { return m_list; }
    QToolButton* headerButton() const { return m_header; }
    void activateRow(int row);

signals:
    void comparisonActivated(qint64 runId);
    void problemSetRunActivated(qint64 runId);
    void refreshed();

private:
    struct Line {
        int kind = 0;
        qint64 id = 0;
        QString text, toolTip;
        qint64 createdMs = 0;
    };
    void arrived(int kind, const QVector<Line>& lines);

    QToolButton* m_header;
    QListWidget* m_list;
    rwb::storage::StorageWorker* m_storage = nullptr;
    QString m_problemSetDb;
    QTimer* m_refreshDelay;
    QVector<Line> m_comparisons, m_problemSets;
    int m_waiting = 0;
    quint64 m_generation = 0; // answers of an older refresh are dropped
};

} // namespace rwb::ui::compare
