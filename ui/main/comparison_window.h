// ComparisonWindow: the comparison modes in a window of their own beside the chat (so the chat
// stays usable while a problem set runs): a "Compare" tab with the CompareView and a "Problem
// sets" tab with the ProblemSetView, whose runs are stored in problemSetDatabasePath(). Given
// the StorageWorker, every live comparison is stored in the history database when it ends
// (ComparisonRecorder), and a stored one reopens read only in a "Stored comparison" tab.
#pragma once

#include <QWidget>

class QTabWidget;

namespace rwb::storage {
class StorageWorker;
}
namespace rwb::compare {
class ComparisonRecorder;
}

namespace rwb::ui::compare {
class CompareView;
class ProblemSetView;
class StoredComparisonView;
} // namespace rwb::ui::compare

namespace rwb::ui {

class ComparisonWindow : public QWidget {
    Q_OBJECT
public:
    explicit ComparisonWindow(QWidget* parent = nullptr);

    // <user data folder>/problem-sets.sqlite (QStandardPaths::AppDataLocation), its folder made.
    static QString problemSetDatabasePath();

    void setAvailableModels(const QStringList& paths);
    void showCompare();
    void showProblemSets();

    // Stores each finished live comparison through `storage` (its thread does the writing).
    void setStorage(rwb::storage::StorageWorker* storage);
    // Loads the stored comparison run (on the storage thread) and shows it read only.
    void openStoredComparison(qint64 runId);
    // The run was deleted: if the stored tab shows it, it is emptied (nothing refers to it).
    void forgetStoredComparison(qint64 runId);
    // Renamed: if the stored tab shows it, it is read again.
    void storedComparisonRenamed(qint64 runId);
    // Shows the problem-set run (resuming it where it stopped, as ProblemSetView::resume does).
    bool openProblemSetRun(qint64 runId);
    compare::StoredComparisonView* storedView() const { return m_stored; }
    rwb::compare::ComparisonRecorder* recorder() const { return m_recorder; }

    compare::CompareView* compareView() const { return m_compare; }
    compare::ProblemSetView* problemSetView() const { return m_problemSets; }
    QTabWidget* tabs() const { return m_tabs; }

signals:
    void comparisonStored(qint64 runId);
    void storedComparisonShown(qint64 runId);
    void errorOccurred(const QString& error);

private:
    void present(QWidget* tab);

    QTabWidget* m_tabs;
    compare::CompareView* m_compare;
    compare::ProblemSetView* m_problemSets;
    compare::StoredComparisonView* m_stored;
    rwb::storage::StorageWorker* m_storage = nullptr;
    rwb::compare::ComparisonRecorder* m_recorder = nullptr;
};

} // namespace rwb::ui
