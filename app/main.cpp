// reasoning-workbench: starts the Qt application and shows the main window.
#include "main/main_window.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("ReasoningWorkbench");
    QApplication::setApplicationName("reasoning-workbench");
    QApplication::setApplicationDisplayName("Reasoning Workbench");
    rwb::ui::MainWindow window;
    window.show();
    return app.exec();
}
