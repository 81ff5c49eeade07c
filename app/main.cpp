// reasoning-workbench: starts the Qt application and shows the main window.
//   --version      print version, build date, commit, backends and paths, then exit
//   --smoke-test   show the main window, print the same facts, and exit 0 once it is visible
//                  (the packaging test starts the installed app this way, offscreen)
//   FILE.gguf      select that model (the installer associates .gguf files with the app)
#include "chat_view/chat_view.h"
#include "core/about_info.h"
#include "main/launch_arguments.h"
#include "main/main_window.h"
#include "theme/theme.h"

#include <QApplication>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("ReasoningWorkbench");
    QApplication::setApplicationName("reasoning-workbench");
    QApplication::setApplicationDisplayName("Reasoning Workbench");
    const QStringList args = QApplication::arguments();
    if (args.contains(QStringLiteral("--version"))) {
        std::fputs(rwb::app::aboutPlainText().toUtf8().constData(), stdout);
        return 0;
    }
    rwb::ui::applySavedTheme(app); // "ui/theme": System / Light / Dark
    const bool smokeTest = args.contains(QStringLiteral("--smoke-test"));
    QApplication::setWindowIcon(rwb::ui::MainWindow::appIcon());
    const rwb::ui::LaunchModel launch = rwb::ui::modelFromArguments(args);
    if (!launch.error.isEmpty()) std::fprintf(stderr, "%s\n", launch.error.toUtf8().constData());
    rwb::ui::MainWindow window;
    if (!launch.path.isEmpty()) window.openModelFile(launch.path);
    if (!launch.error.isEmpty()) window.chatView()->showError(launch.error); // nothing changed
    window.show();
    if (smokeTest) {
        // Queued behind the show events: by then the window is mapped (or failed to be).
        QTimer::singleShot(0, &app, [&app, &window] {
            std::fputs(rwb::app::aboutPlainText().toUtf8().constData(), stdout);
            const bool shown = window.isVisible();
            std::fprintf(stdout, "smoke-test: main window %s\n", shown ? "shown" : "NOT shown");
            std::fflush(stdout);
            app.exit(shown ? 0 : 1);
        });
    }
    return app.exec();
}
