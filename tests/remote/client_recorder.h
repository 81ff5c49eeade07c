// Collects everything a RemoteChatClient reports, so tests can wait for the end and compare the
// streamed pieces with the final result.
#pragma once

#include "remote/remote_chat_client.h"

#include <QEventLoop>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

namespace rwb::test {

struct ClientRecorder {
    explicit ClientRecorder(remote::RemoteChatClient& c) : client(c) {
        using C = remote::RemoteChatClient;
        QObject::connect(&c, &C::thinkingStarted, [this] { ++thinkingStarted; });
        QObject::connect(&c, &C::thinkingEnded, [this] { ++thinkingEnded; });
        QObject::connect(&c, &C::thinkingDelta, [this](const QString& t) {
            thinking += t;
            ++deltas;
            if (onFirstDelta && deltas == 1) onFirstDelta();
        });
        QObject::connect(&c, &C::answerDelta, [this](const QString& t) {
            if (thinkingEnded == 0 && thinkingStarted > 0) answerBeforeThoughtEnded = true;
            answer += t;
            ++deltas;
            if (onFirstDelta && deltas == 1) onFirstDelta();
        });
        QObject::connect(&c, &C::retrying, [this](int, int, const QString&) { ++retries; });
        QObject::connect(&c, &C::finished, [this](const remote::RemoteResult& r) {
            result = r;
            end = "finished";
        });
        QObject::connect(&c, &C::interrupted,
                         [this](const remote::RemoteResult& r, const QString& why) {
                             result = r;
                             reason = why;
                             end = "interrupted";
                         });
        QObject::connect(&c, &C::failed, [this](const QString& why) {
            reason = why;
            end = "failed";
        });
    }

    // Spins the event loop until the client ends (or timeout_ms passes).
    bool wait(int timeout_ms = 60000) {
        QElapsedTimer t;
        t.start();
        while (end.isEmpty() && t.elapsed() < timeout_ms) QTest::qWait(5);
        return !end.isEmpty();
    }

    remote::RemoteChatClient& client;
    std::function<void()> onFirstDelta;
    QString thinking, answer, end, reason;
    int thinkingStarted = 0, thinkingEnded = 0, deltas = 0, retries = 0;
    bool answerBeforeThoughtEnded = false;
    remote::RemoteResult result;
};

// A client on one endpoint with its recorder attached.
struct RecordedClient {
    explicit RecordedClient(const remote::RemoteEndpoint& e) { client.setEndpoint(e); }
    remote::RemoteChatClient client;
    ClientRecorder rec{client};
};

} // namespace rwb::test
