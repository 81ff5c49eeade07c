// RemoteMenu; see remote_menu.h.
#include "remote/remote_menu.h"

#include "inference/remote_turn.h"
#include "models/model_locator.h"
#include "remote/api_key_store.h"
#include "remote/local_server_controller.h"
#include "remote/remote_endpoints_dialog.h"
#include "settings/settings_panel.h"

#include <QAction>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>

namespace rwb::ui {

using rwb::remote::ApiKeyStore;
using rwb::remote::LocalServerController;

RemoteMenu::RemoteMenu(QMainWindow* window, SettingsPanel* settings)
    : QObject(window), m_window(window), m_settings(settings),
      m_keys(new ApiKeyStore(ApiKeyStore::Backend::Auto, {}, this)),
      m_server(new LocalServerController(this)) {
    setObjectName(QStringLiteral("remoteMenu"));
    QMenu* menu = window->menuBar()->addMenu(tr("&Remote"));
    menu->setObjectName(QStringLiteral("remoteMenuBar"));
    QAction* endpoints =
        menu->addAction(tr("Remote &endpoints\u2026"), this, &RemoteMenu::openEndpoints);
    endpoints->setObjectName(QStringLiteral("remoteEndpointsAction"));
    m_serve = menu->addAction(tr("&Serve the model locally (OpenAI API)"));
    m_serve->setObjectName(QStringLiteral("serveLocallyAction"));
    m_serve->setCheckable(true);
    connect(m_serve, &QAction::toggled, this, &RemoteMenu::setServing);

    m_label = new QLabel(window);
    m_label->setObjectName(QStringLiteral("localServerLabel"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->hide();
    window->statusBar()->addPermanentWidget(m_label);

    connect(m_server, &LocalServerController::started, this, [this](const QString& url) {
        m_label->setText(tr("Serving at %1/v1").arg(url));
        m_label->show();
    });
    connect(m_server, &LocalServerController::failed, this,
            [this](const QString& line) { m_window->statusBar()->showMessage(line, 10000); });
    connect(m_server, &LocalServerController::runningChanged, this, [this](bool running) {
        if (!running) m_label->hide();
        const bool blocked = m_serve->blockSignals(true); // follow the process, not re-toggle
        m_serve->setChecked(running);
        m_serve->blockSignals(blocked);
    });
    connect(m_keys, &ApiKeyStore::keyRead, this,
            [this](const QString& id, const QString& key, const QString&) {
                if (id != QLatin1String(kServerKeyId) || !m_serve->isChecked()) return;
                m_server->setApiKey(key);
                m_server->setPort(QSettings().value(QLatin1String(kPortKey), 0).toInt());
                if (!m_server->start(modelToServe())) {
                    const bool blocked = m_serve->blockSignals(true);
                    m_serve->setChecked(false);
                    m_serve->blockSignals(blocked);
                }
            });
}

QString RemoteMenu::modelToServe() const {
    const QString chosen = m_settings->settings().modelPath;
    if (chosen.isEmpty() || rwb::app::RemoteTurn::isRemoteModel(chosen))
        return rwb::app::ModelLocator::defaultModelPath();
    return chosen;
}

void RemoteMenu::setServing(bool on) {
    if (!on) return m_server->stop();
    m_label->setText(tr("Starting the local server\u2026"));
    m_label->show();
    m_keys->readKey(QLatin1String(kServerKeyId)); // starts once the optional key is known
}

void RemoteMenu::openEndpoints() {
    auto* dialog = new RemoteEndpointsDialog(m_keys, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RemoteEndpointsDialog::saved, m_settings, &SettingsPanel::refreshRemoteModels);
    dialog->open();
}

RemoteMenu* installRemoteMenu(QMainWindow* window, SettingsPanel* settings) {
    return new RemoteMenu(window, settings);
}

} // namespace rwb::ui
