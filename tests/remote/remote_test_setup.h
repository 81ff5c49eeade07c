// Setup the remote tests share: endpoints that point at a server on 127.0.0.1, the test's
// QSettings in a temporary ini file, and a port that nothing listens on.
#pragma once

#include "remote/remote_endpoint.h"

#include <QHostAddress>
#include <QSettings>
#include <QTcpServer>
#include <QTemporaryDir>

namespace rwb::test {

// An endpoint with these four fields; prices, timeouts and retries keep their defaults for the
// test to change.
inline remote::RemoteEndpoint make_endpoint(const QString& id, const QString& name,
                                            const QString& baseUrl, const QString& model) {
    remote::RemoteEndpoint e;
    e.id = id;
    e.name = name;
    e.baseUrl = baseUrl;
    e.model = model;
    return e;
}

// The OpenAI base URL of a server on 127.0.0.1:port.
inline QString local_base_url(quint16 port) {
    return QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
}

// A port that was free a moment ago and is closed now (taken from the system, then released);
// 0 when none could be taken.
inline quint16 closed_port() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

// QSettings of this process read and write dir/ini, never the user's settings.
inline void use_settings_in(const QTemporaryDir& dir) {
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.filePath("ini"));
}

} // namespace rwb::test
