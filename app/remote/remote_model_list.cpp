// RemoteModelList (see remote_model_list.h).
#include "remote/remote_model_list.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace rwb::remote {

RemoteModelList::RemoteModelList(QObject* parent)
    : QObject(parent), nam_(new QNetworkAccessManager(this)) {}

void RemoteModelList::fetch(const RemoteEndpoint& endpoint, const QString& apiKey) {
    const QUrl url = endpoint.modelsUrl();
    if (!url.isValid() || url.host().isEmpty()) {
        emit failed(QStringLiteral("base URL must be an http:// or https:// address"));
        return;
    }
    QNetworkRequest req(url);
    if (!apiKey.isEmpty()) req.setRawHeader("Authorization", "Bearer " + apiKey.toUtf8());
    req.setTransferTimeout(endpoint.connectTimeoutMs);
    QNetworkReply* r = nam_->get(req);
    connect(r, &QNetworkReply::finished, this, [this, r] {
        r->deleteLater();
        const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject o = QJsonDocument::fromJson(r->readAll()).object();
        if (status == 0)
            return emit failed(QStringLiteral("cannot connect: %1").arg(r->errorString()));
        if (status >= 400) {
            const QString msg = o.value("error").toObject().value("message").toString();
            return emit failed(
                QStringLiteral("HTTP %1%2")
                    .arg(status)
                    .arg(msg.isEmpty() ? QString() : QStringLiteral(": ") + msg.simplified()));
        }
        if (!o.value("data").isArray())
            return emit failed(QStringLiteral("malformed model list from the server"));
        QStringList ids;
        for (const QJsonValue& m : o.value("data").toArray())
            if (m.toObject().value("id").isString()) ids << m.toObject().value("id").toString();
        emit listed(ids);
    });
}

} // namespace rwb::remote
