// ComparisonWindow: the comparison modes in a window of their own beside the chat (so the chat
// stays usable while a problem set runs): a "Compare" tab with the CompareView and a "Problem
// sets" tab with the ProblemSetView, whose runs are stored in problemSetDatabasePath().
#pragma once

#include <QWidget>

class QTabWidget;

namespace rwb::ui::compare {
class CompareView;
class ProblemSetView;
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

    compare::CompareView* compareView() const { return m_compare; }
    compare::ProblemSetView* problemSetView() const { return m_problemSets; }
    QTabWidget* tabs() const { return m_tabs; }

private:
    void present(QWidget* tab);

    QTabWidget* m_tabs;
    compare::CompareView* m_compare;
    compare::ProblemSetView* m_problemSets;
};

} // namespace rwb::ui
