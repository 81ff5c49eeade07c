// MainWindow: the application frame (menus, docks, status bar). The panes themselves live in
// their own folders (chat/, compare/, models/, settings/).
#pragma once

#include <QMainWindow>

class QLabel;

namespace rwb::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void restoreLayout();
    void showAbout();

    QLabel* statusModel_ = nullptr;
};

} // namespace rwb::ui
