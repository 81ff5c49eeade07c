// RemoteChatClient: one chat completion at a time against an OpenAI-compatible endpoint, over
// QNetworkAccessManager (asynchronous: lives on whichever thread owns it, never blocks). Its
// signals mirror a local generation: thinkingStarted / thinkingDelta / thinkingEnded,
// answerDelta, statsUpdated, then exactly one of finished, interrupted (partial text kept: the
// user cancelled, the connection dropped, the stream broke) or failed (nothing generated: could
// not connect, HTTP error). Connection failures before any response are retried with
// exponential back-off; nothing is retried once the server answered.
#pragma once

#include "remote/chat_stream_decoder.h"
#include "remote/remote_endpoint.h"
#include "remote/remote_types.h"
#include "remote/sse_parser.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

namespace rwb::remote {

class RemoteChatClient : public QObject {
    Q_OBJECT
public:
    explicit RemoteChatClient(QObject* parent = nullptr);
    ~RemoteChatClient() override;

    void setEndpoint(const RemoteEndpoint& endpoint) { endpoint_ = endpoint; }
    void setApiKey(const QString& key) { apiKey_ = key; }
    const RemoteEndpoint& endpoint() const { return endpoint_; }
    bool isRunning() const { return running_; }
    int backoffBaseMs() const { return backoffBaseMs_; }
    void setBackoffBaseMs(int ms) { backoffBaseMs_ = ms; } // first retry delay; doubles after

    // Starts a completion; ignored (returns false) while one runs or the endpoint is invalid
    // (failed() then says why).
    bool start(const QList<RemoteMessage>& messages, const RemoteRequestParams& params = {});
    // Closes the stream; interrupted() follows with what arrived so far.
    void cancel();

signals:
    void thinkingStarted();
    void thinkingDelta(const QString& text);
    void thinkingEnded();
    void answerDelta(const QString& text);
    void statsUpdated(const rwb::remote::RemoteStats& stats);
    void retrying(int attempt, int delayMs, const QString& reason);
    void finished(const rwb::remote::RemoteResult& result);
    void interrupted(const rwb::remote::RemoteResult& result, const QString& reason);
    void failed(const QString& message);

private:
    void sendAttempt();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void handleEvents(const QList<SseEvent>& events);
    void deliver(const DecodedDelta& d);
    void breakStream(const QString& reason); // malformed data: stop reading, report
    void finishStats();
    void endInterrupted(const QString& reason);
    void endFailed(const QString& message);
    QString httpErrorMessage() const;
    bool isConnectFailure(QNetworkReply::NetworkError e) const;
    void cleanupReply();

    QNetworkAccessManager* nam_;
    RemoteEndpoint endpoint_;
    QString apiKey_;
    QByteArray body_;
    bool stream_ = true;
    int backoffBaseMs_ = 250;

    QPointer<QNetworkReply> reply_;
    QTimer connectTimer_;
    QElapsedTimer clock_;
    double firstTokenMs_ = -1; // ms since start, -1 before the first token
    int attempt_ = 0;
    bool running_ = false;
    bool cancelled_ = false;
    bool connectTimedOut_ = false;
    bool gotResponse_ = false;
    int httpStatus_ = 0;
    bool eventStream_ = false;
    bool done_ = false;
    QString broken_;        // why the stream was broken off (malformed data)
    QByteArray retryAfter_; // the Retry-After header of a 429/503
    QByteArray raw_;        // error body, or a whole JSON response
    SseParser sse_;
    std::unique_ptr<ChatStreamDecoder> decoder_;
    RemoteResult result_;
    int deltaChunks_ = 0;
};

} // namespace rwb::remote
