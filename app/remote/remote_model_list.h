// RemoteModelList: asks an endpoint which models it serves (GET {base}/models), for the endpoint
// settings' "fetch models" and a connection check. Asynchronous; one request at a time.
#pragma once

#include "remote/remote_endpoint.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QStringList>

namespace rwb::remote {

class RemoteModelList : public QObject {
    Q_OBJECT
public:
    explicit RemoteModelList(QObject* parent = nullptr);
    void fetch(const RemoteEndpoint& endpoint, const QString& apiKey);

signals:
    void listed(const QStringList& modelIds);
    void failed(const QString& message); // one line

private:
    QNetworkAccessManager* nam_;
};

} // namespace rwb::remote
