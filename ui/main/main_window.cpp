#include "main_window.h"

#include "core/about_info.h"
#include "rwb/version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

namespace rwb::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Reasoning Workbench"));
    setObjectName("MainWindow");
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    auto* welcome =
        new QLabel(tr("<h2>Reasoning Workbench</h2>"
                      "<p>Run DeepSeek-R1 distilled reasoning models on this machine.</p>"),
                   central);
    welcome->setObjectName("welcomeLabel");
    welcome->setAlignment(Qt::AlignCenter);
    layout->addWidget(welcome);
    setCentralWidget(central);

    statusModel_ = new QLabel(tr("No model loaded"), this);
    statusBar()->addPermanentWidget(statusModel_);
    buildMenus();
    restoreLayout();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Reasoning Workbench"), this, &MainWindow::showAbout);
}

void MainWindow::restoreLayout() {
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1200, 780);
    restoreState(settings.value("window/state").toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Reasoning Workbench"), rwb::app::aboutHtml());
}

} // namespace rwb::ui
