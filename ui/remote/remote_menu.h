// RemoteMenu: the main window's "Remote" menu, kept apart from MainWindow's own code.
// "Endpoints…" opens RemoteEndpointsDialog (and refreshes the settings panel's model picker after
// a save); the checkable "Serve the model locally (OpenAI API)" runs the current local model with
// LocalServerController on 127.0.0.1 (port from QSettings "remote/serverPort", 0: a free one; an
// optional key stored by ApiKeyStore under the id "local-server"), and a status-bar label shows
// the server's URL while it runs.
#pragma once

#include <QObject>

class QAction;
class QLabel;
class QMainWindow;

namespace rwb::remote {
class ApiKeyStore;
class LocalServerController;
} // namespace rwb::remote

namespace rwb::ui {

class SettingsPanel;

class RemoteMenu : public QObject {
    Q_OBJECT
public:
    static constexpr const char* kPortKey = "remote/serverPort";
    static constexpr const char* kServerKeyId = "local-server";

    // Adds the menu to window's menu bar (at the end) and the label to its status bar.
    RemoteMenu(QMainWindow* window, SettingsPanel* settings);

    QAction* serveAction() const { return m_serve; }
    QLabel* serverLabel() const { return m_label; }
    rwb::remote::LocalServerController* server() const { return m_server; }

public slots:
    void openEndpoints();
    void setServing(bool on);

private:
    QString modelToServe() const;

    QMainWindow* m_window;
    SettingsPanel* m_settings;
    rwb::remote::ApiKeyStore* m_keys;
    rwb::remote::LocalServerController* m_server;
    QAction* m_serve;
    QLabel* m_label;
};

// Convenience for MainWindow::buildMenus(): one line there.
RemoteMenu* installRemoteMenu(QMainWindow* window, SettingsPanel* settings);

} // namespace rwb::ui
