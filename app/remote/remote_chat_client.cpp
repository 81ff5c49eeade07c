// RemoteChatClient (see remote_chat_client.h).
#include "remote/remote_chat_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace rwb::remote {
namespace {

QString oneLine(QString s, int max = 200) {
    s.replace(QLatin1Char('\r'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    s = s.simplified();
    if (s.size() > max) s = s.left(max) + QStringLiteral("…");
    return s;
}

QByteArray requestBody(const QString& model, const QList<RemoteMessage>& messages,
                       const RemoteRequestParams& p) {
    QJsonArray msgs;
    for (const auto& m : messages)
        msgs.append(QJsonObject{{"role", m.role}, {"content", m.content}});
    QJsonObject o{{"model", model},
                  {"messages", msgs},
                  {"stream", p.stream},
                  {"temperature", p.temperature},
                  {"top_p", p.topP}};
    if (p.stream) o.insert("stream_options", QJsonObject{{"include_usage", true}});
    if (p.maxTokens > 0) o.insert("max_tokens", p.maxTokens);
    if (p.seed) o.insert("seed", *p.seed);
    if (!p.stop.isEmpty()) o.insert("stop", QJsonArray::fromStringList(p.stop));
    for (auto it = p.extra.begin(); it != p.extra.end(); ++it) o.insert(it.key(), it.value());
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

RemoteChatClient::RemoteChatClient(QObject* parent)
    : QObject(parent), nam_(new QNetworkAccessManager(this)) {
    qRegisterMetaType<RemoteStats>();
    qRegisterMetaType<RemoteResult>();
    connectTimer_.setSingleShot(true);
    connect(&connectTimer_, &QTimer::timeout, this, [this] {
        if (!reply_ || gotResponse_) return;
        connectTimedOut_ = true;
        reply_->abort();
    });
}

RemoteChatClient::~RemoteChatClient() {
    if (reply_) {
        reply_->disconnect(this);
        reply_->abort();
    }
}

bool RemoteChatClient::start(const QList<RemoteMessage>& messages,
                             const RemoteRequestParams& params) {
    if (running_) return false;
    if (const QString bad = endpoint_.validate(); !bad.isEmpty()) {
        emit failed(QStringLiteral("endpoint is not usable: %1").arg(bad));
        return false;
    }
    body_ = requestBody(endpoint_.model, messages, params);
    stream_ = params.stream;
    result_ = RemoteResult{};
    attempt_ = 0;
    running_ = true;
    cancelled_ = false;
    clock_.start();
    sendAttempt();
    return true;
}

void RemoteChatClient::sendAttempt() {
    connectTimedOut_ = gotResponse_ = eventStream_ = done_ = false;
    httpStatus_ = 0;
    retryAfter_.clear();
    firstTokenMs_ = -1;
    deltaChunks_ = 0;
    broken_.clear();
    raw_.clear();
    sse_.reset();
    decoder_ = std::make_unique<ChatStreamDecoder>(endpoint_.thoughtOpenAtStart);

    QNetworkRequest req(endpoint_.chatCompletionsUrl());
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    req.setRawHeader("Accept", stream_ ? "text/event-stream" : "application/json");
    if (!apiKey_.isEmpty()) req.setRawHeader("Authorization", "Bearer " + apiKey_.toUtf8());
    req.setTransferTimeout(endpoint_.stallTimeoutMs); // a stream silent this long is dead
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    QNetworkReply* r = nam_->post(req, body_);
    reply_ = r;
    connect(r, &QNetworkReply::metaDataChanged, this, &RemoteChatClient::onMetaData);
    connect(r, &QNetworkReply::readyRead, this, &RemoteChatClient::onReadyRead);
    connect(r, &QNetworkReply::finished, this, &RemoteChatClient::onFinished);
    connectTimer_.start(endpoint_.connectTimeoutMs);
}

void RemoteChatClient::cancel() {
    if (!running_ || cancelled_) return;
    cancelled_ = true;
    if (reply_)
        reply_->abort(); // closes the connection: the server stops generating
    else
        endInterrupted(QStringLiteral("cancelled")); // waiting for a retry
}

void RemoteChatClient::onMetaData() {
    if (!reply_ || gotResponse_) return;
    const QVariant status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) return;
    gotResponse_ = true;
    connectTimer_.stop();
    httpStatus_ = status.toInt();
    retryAfter_ = reply_->rawHeader("Retry-After");
    eventStream_ = reply_->header(QNetworkRequest::ContentTypeHeader)
                       .toString()
                       .startsWith(QLatin1String("text/event-stream"));
}

void RemoteChatClient::onReadyRead() {
    if (!reply_) return;
    onMetaData();
    const QByteArray bytes = reply_->readAll();
    if (!broken_.isEmpty() || cancelled_) return;
    if (httpStatus_ >= 400 || !eventStream_) {
        if (raw_.size() < (16 << 20)) raw_ += bytes; // an error body or a whole response
        return;
    }
    handleEvents(sse_.feed(bytes));
}

void RemoteChatClient::handleEvents(const QList<SseEvent>& events) {
    for (const SseEvent& e : events) {
        if (!broken_.isEmpty() || done_) return;
        if (e.data.trimmed() == "[DONE]") {
            done_ = true;
            continue;
        }
        DecodedDelta d;
        QString error;
        if (!decoder_->feedChunk(e.data, d, error)) {
            breakStream(error.startsWith(QLatin1String("server reported"))
                            ? error
                            : QStringLiteral("malformed stream from the server: %1").arg(error));
            return;
        }
        deliver(d);
    }
}

void RemoteChatClient::deliver(const DecodedDelta& d) {
    if (!d.thinking.isEmpty() || !d.answer.isEmpty()) {
        ++deltaChunks_;
        if (firstTokenMs_ < 0) {
            firstTokenMs_ = double(clock_.nsecsElapsed()) / 1e6;
            result_.stats.ttftMs = firstTokenMs_;
            emit statsUpdated(result_.stats);
        }
    }
    if (d.thinkingStarted) emit thinkingStarted();
    if (!d.thinking.isEmpty()) {
        result_.thinking += d.thinking;
        emit thinkingDelta(d.thinking);
    }
    if (d.thinkingEnded) emit thinkingEnded();
    if (!d.answer.isEmpty()) {
        result_.answer += d.answer;
        emit answerDelta(d.answer);
    }
}

void RemoteChatClient::breakStream(const QString& reason) {
    broken_ = oneLine(reason);
    if (reply_) reply_->abort();
}

bool RemoteChatClient::isConnectFailure(QNetworkReply::NetworkError e) const {
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::RemoteHostClosedError: // closed before answering (server restarting)
        return true;
    case QNetworkReply::OperationCanceledError:
        return connectTimedOut_;
    default:
        return false;
    }
}

QString RemoteChatClient::httpErrorMessage() const {
    QString detail;
    const QJsonDocument doc = QJsonDocument::fromJson(raw_);
    const QJsonValue err = doc.object().value("error");
    if (err.isObject())
        detail = err.toObject().value("message").toString();
    else if (err.isString())
        detail = err.toString();
    else
        detail = QString::fromUtf8(raw_);
    detail = oneLine(detail);
    const QString tail = detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(detail);
    const int s = httpStatus_;
    if (s == 401)
        return QStringLiteral("401 Unauthorized: the server rejected the API key%1").arg(tail);
    if (s == 403) return QStringLiteral("403 Forbidden: access denied%1").arg(tail);
    if (s == 404)
        return QStringLiteral("404 Not Found: check the base URL and model name%1").arg(tail);
    if (s == 429) {
        const QByteArray& after = retryAfter_;
        return QStringLiteral("429 Too Many Requests: rate limited by the server, try again %1%2")
            .arg(after.isEmpty() ? QStringLiteral("later")
                                 : QStringLiteral("in %1 s").arg(QString::fromLatin1(after)),
                 tail);
    }
    if (s >= 500) return QStringLiteral("server error %1%2").arg(s).arg(tail);
    return QStringLiteral("request rejected (HTTP %1)%2").arg(s).arg(tail);
}

void RemoteChatClient::onFinished() {
    QNetworkReply* r = qobject_cast<QNetworkReply*>(sender());
    if (!r || r != reply_) return;
    connectTimer_.stop();
    onMetaData();
    if (r->bytesAvailable() > 0 && broken_.isEmpty() && !cancelled_) onReadyRead();
    const QNetworkReply::NetworkError error = r->error();
    const QString errorText = r->errorString();
    cleanupReply();

    if (cancelled_) return endInterrupted(QStringLiteral("cancelled"));
    if (!broken_.isEmpty()) {
        if (deltaChunks_ > 0) return endInterrupted(broken_);
        return endFailed(broken_);
    }
    if (!gotResponse_) {
        const QString host = endpoint_.chatCompletionsUrl().host();
        const QString why =
            connectTimedOut_
                ? QStringLiteral("no response from %1 within %2 s")
                      .arg(host)
                      .arg(endpoint_.connectTimeoutMs / 1000.0)
                : QStringLiteral("cannot connect to %1: %2").arg(host, oneLine(errorText));
        if (isConnectFailure(error) && attempt_ < endpoint_.maxRetries) {
            const int delay = backoffBaseMs_ << qMin(attempt_, 5);
            ++attempt_;
            result_.stats.retries = attempt_;
            emit retrying(attempt_, delay, why);
            QTimer::singleShot(delay, this, [this] {
                if (running_ && !cancelled_) sendAttempt();
            });
            return;
        }
        return endFailed(why);
    }
    if (httpStatus_ >= 400) return endFailed(httpErrorMessage());

    if (!eventStream_) { // a whole JSON response (stream false, or a server that ignored it)
        DecodedDelta d;
        QString why;
        if (error != QNetworkReply::NoError)
            return endFailed(QStringLiteral("connection lost: %1").arg(oneLine(errorText)));
        if (!decoder_->feedWhole(raw_, d, why))
            return endFailed(QStringLiteral("malformed response from the server: %1").arg(why));
        deliver(d);
        deliver(decoder_->flush());
    } else {
        // A stream is complete with [DONE] or a finish_reason; anything else is a cut.
        if (!sse_.hasPartialEvent() || done_) deliver(decoder_->flush());
        if (!done_ && decoder_->finishReason().isEmpty()) {
            const QString why =
                error != QNetworkReply::NoError
                    ? QStringLiteral("connection lost mid-stream: %1").arg(oneLine(errorText))
                    : QStringLiteral("the stream ended before the reply was complete");
            if (deltaChunks_ > 0) return endInterrupted(why);
            return endFailed(why);
        }
    }
    result_.finishReason = decoder_->finishReason();
    finishStats();
    running_ = false;
    emit statsUpdated(result_.stats);
    emit finished(result_);
}

void RemoteChatClient::finishStats() {
    RemoteStats& s = result_.stats;
    // Sub-millisecond clock: a short reply from a fast local server can take under 1 ms.
    s.totalMs = double(clock_.nsecsElapsed()) / 1e6;
    if (auto u = decoder_ ? decoder_->usage() : std::nullopt) {
        s.usageReported = true;
        s.promptTokens = u->promptTokens;
        s.completionTokens = u->completionTokens;
        s.reasoningTokens = u->reasoningTokens;
    } else {
        s.usageReported = false;
        s.completionTokens = deltaChunks_; // servers send about one token per chunk
    }
    const double genMs = firstTokenMs_ >= 0 ? s.totalMs - firstTokenMs_ : 0;
    s.tokensPerSecond =
        genMs > 0 && s.completionTokens > 1 ? double(s.completionTokens - 1) * 1000.0 / genMs : 0;
    s.cost = endpoint_.cost(s.promptTokens, s.completionTokens);
}

void RemoteChatClient::endInterrupted(const QString& reason) {
    if (decoder_) {
        const DecodedDelta rest = decoder_->flush(); // a held-back partial tag is still text
        if (!cancelled_)
            deliver(rest);
        else {
            result_.thinking += rest.thinking;
            result_.answer += rest.answer;
        }
    }
    finishStats();
    result_.interrupted = true;
    running_ = false;
    emit statsUpdated(result_.stats);
    emit interrupted(result_, reason);
}

void RemoteChatClient::endFailed(const QString& message) {
    running_ = false;
    emit failed(message);
}

void RemoteChatClient::cleanupReply() {
    if (!reply_) return;
    reply_->disconnect(this);
    reply_->deleteLater();
    reply_ = nullptr;
}

} // namespace rwb::remote
