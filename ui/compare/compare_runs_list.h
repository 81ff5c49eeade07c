// CompareRunsList: the "Compare" section of the conversation list. A header that folds the
// section, and one line per stored run, newest first: live comparisons (title, date, number of
// models; from the history database through the StorageWorker) and problem-set runs (set name,
// models, progress; from the problem-set database, read on a thread of its own). Activating a
// line (double click, Enter) asks to reopen that run. As conversations do, a line has a context
// menu (Open, Rename, Delete); F2 renames a comparison (problem-set runs have no name of their
// own), Delete deletes a run with its results after a confirmation (compare_runs_list_edit.cpp).
#pragma once

#include <QWidget>
#include <functional>

class QListWidget;
class QListWidgetItem;
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
    static constexpr int TitleRole = Qt::UserRole + 3; // the name Rename and Delete show

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

    // Asks for a new title (a dialog) and renames the comparison on that row.
    void renameRow(int row);
    // Asks for a confirmation and deletes the run on that row with its results.
    void deleteRow(int row);
    // Without asking: storage first (off the UI thread), then the line; renamed()/deleted() or
    // errorOccurred() once done.
    void renameComparison(qint64 runId, const QString& title);
    void deleteRun(int kind, qint64 runId);
    // A problem-set run for which this answers true (the one running) cannot be deleted.
    void setProblemSetRunBusy(std::function<bool(qint64)> busy) { m_busy = std::move(busy); }

signals:
    void comparisonActivated(qint64 runId);
    void problemSetRunActivated(qint64 runId);
    void refreshed();
    void comparisonRenamed(qint64 runId, const QString& title);
    void comparisonDeleted(qint64 runId);
    void problemSetRunDeleted(qint64 runId);
    void errorOccurred(const QString& error);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Line {
        int kind = 0;
        qint64 id = 0;
        QString text, toolTip, title;
        qint64 createdMs = 0;
    };
    void arrived(int kind, const QVector<Line>& lines);
    void buildActions();
    void showMenu(const QPoint& pos);
    QListWidgetItem* itemFor(int kind, qint64 id) const;

    QToolButton* m_header;
    QListWidget* m_list;
    rwb::storage::StorageWorker* m_storage = nullptr;
    QString m_problemSetDb;
    QTimer* m_refreshDelay;
    QVector<Line> m_comparisons, m_problemSets;
    int m_waiting = 0;
    quint64 m_generation = 0; // answers of an older refresh are dropped
    std::function<bool(qint64)> m_busy;
};

} // namespace rwb::ui::compare
