// The main window's Remote menu (RemoteMenu on a real QMainWindow with the real SettingsPanel,
// offscreen): checking "Serve the model locally" starts the real `rwb serve` on the panel's
// model, the status-bar label shows its URL and /v1/models answers there; unchecking stops it
// and hides the label.
#include "remote/local_server_controller.h"
#include "remote/remote_menu.h"
#include "remote_test_setup.h"
#include "serve_process.h"
#include "settings/settings_panel.h"

#include <QAction>
#include <QLabel>
#include <QMainWindow>
#include <QSignalSpy>
#include <QTemporaryDir>

using rwb::remote::LocalServerController;
using rwb::ui::RemoteMenu;
using rwb::ui::SettingsPanel;

class TestRemoteMenu : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        rwb::test::use_settings_in(m_dir);
    }

    void toggle_starts_and_stops_the_local_server() {
        const QString model = rwb::test::make_tiny_r1_model(m_dir.path(), "tiny-menu");
        QVERIFY(!model.isEmpty());
        QMainWindow window;
        auto* panel = new SettingsPanel(&window);
        window.setCentralWidget(panel);
        panel->selectModelFile(model);
        RemoteMenu* menu = rwb::ui::installRemoteMenu(&window, panel);
        menu->server()->setRwbPath(QStringLiteral(RWB_CLI_PATH));
        window.show();

        QSignalSpy started(menu->server(), &LocalServerController::started);
        menu->serveAction()->trigger();
        QVERIFY(menu->serveAction()->isChecked());
        QVERIFY(started.wait(30000));
        const QString url = started[0][0].toString();
        QVERIFY(menu->serverLabel()->isVisible());
        QVERIFY(menu->serverLabel()->text().contains(url));
        const auto h = rwb::test::http("GET", url + "/v1/models");
        QCOMPARE(h.status, 200);
        QVERIFY(h.body.contains("tiny-menu"));

        QSignalSpy stopped(menu->server(), &LocalServerController::stopped);
        menu->serveAction()->trigger();
        QVERIFY(stopped.wait(10000));
        QVERIFY(!menu->serveAction()->isChecked());
        QVERIFY(!menu->serverLabel()->isVisible());
        QVERIFY(!menu->server()->isRunning());
    }
};

QTEST_MAIN(TestRemoteMenu)
#include "tst_remote_menu.moc"
