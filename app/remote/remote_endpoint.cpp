// RemoteEndpoint validation, URLs and QSettings storage (see remote_endpoint.h).
#include "remote/remote_endpoint.h"

#include <QRegularExpression>

namespace rwb::remote {
namespace {

QString trimmedBase(const QString& base) {
    QString b = base.trimmed();
    while (b.endsWith('/')) b.chop(1);
    if (b.endsWith("/chat/completions")) b.chop(int(qstrlen("/chat/completions")));
    return b;
}

} // namespace

bool RemoteEndpoint::isValidId() const {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return re.match(id).hasMatch();
}

QString RemoteEndpoint::validate() const {
    if (!isValidId()) return QStringLiteral("endpoint id must be 1-64 letters, digits, - or _");
    const QUrl url(trimmedBase(baseUrl));
    if (!url.isValid() || (url.scheme() != "http" && url.scheme() != "https") ||
        url.host().isEmpty())
        return QStringLiteral("base URL must be an http:// or https:// address");
    if (model.trimmed().isEmpty()) return QStringLiteral("model name is required");
    if (inputCostPerMTokens < 0 || outputCostPerMTokens < 0)
        return QStringLiteral("costs must not be negative");
    if (connectTimeoutMs < 100 || stallTimeoutMs < 100)
        return QStringLiteral("timeouts must be at least 100 ms");
    if (maxRetries < 0 || maxRetries > 10) return QStringLiteral("retries must be 0 to 10");
    return {};
}

QUrl RemoteEndpoint::chatCompletionsUrl() const {
    return QUrl(trimmedBase(baseUrl) + "/chat/completions");
}

QUrl RemoteEndpoint::modelsUrl() const {
    return QUrl(trimmedBase(baseUrl) + "/models");
}

QList<RemoteEndpoint> RemoteEndpointList::load(QSettings& s) {
    QList<RemoteEndpoint> out;
    const int n = s.beginReadArray(QStringLiteral("remoteEndpoints"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        RemoteEndpoint e;
        e.id = s.value("id").toString();
        e.name = s.value("name").toString();
        e.baseUrl = s.value("baseUrl").toString();
        e.model = s.value("model").toString();
        e.inputCostPerMTokens = s.value("inputCostPerMTokens", 0.0).toDouble();
        e.outputCostPerMTokens = s.value("outputCostPerMTokens", 0.0).toDouble();
        e.connectTimeoutMs = s.value("connectTimeoutMs", 10000).toInt();
        e.stallTimeoutMs = s.value("stallTimeoutMs", 120000).toInt();
        e.maxRetries = s.value("maxRetries", 3).toInt();
        e.thoughtOpenAtStart = s.value("thoughtOpenAtStart", false).toBool();
        if (e.validate().isEmpty()) out.append(e); // a hand-edited broken entry is skipped
    }
    s.endArray();
    return out;
}

void RemoteEndpointList::save(QSettings& s, const QList<RemoteEndpoint>& endpoints) {
    s.remove(QStringLiteral("remoteEndpoints"));
    s.beginWriteArray(QStringLiteral("remoteEndpoints"), int(endpoints.size()));
    for (int i = 0; i < endpoints.size(); ++i) {
        const RemoteEndpoint& e = endpoints[i];
        s.setArrayIndex(i);
        s.setValue("id", e.id);
        s.setValue("name", e.name);
        s.setValue("baseUrl", e.baseUrl);
        s.setValue("model", e.model);
        s.setValue("inputCostPerMTokens", e.inputCostPerMTokens);
        s.setValue("outputCostPerMTokens", e.outputCostPerMTokens);
        s.setValue("connectTimeoutMs", e.connectTimeoutMs);
        s.setValue("stallTimeoutMs", e.stallTimeoutMs);
        s.setValue("maxRetries", e.maxRetries);
        s.setValue("thoughtOpenAtStart", e.thoughtOpenAtStart);
    }
    s.endArray();
}

} // namespace rwb::remote
