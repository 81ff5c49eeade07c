// RemoteTurn: the generation of one ChatController turn through an OpenAI-compatible endpoint
// (RemoteChatClient) instead of an InferenceWorker. It speaks the worker's language (the turn's
// tag in every signal, StreamStats, GenerationOutcome), so the controller's storage path is the
// same for local and remote replies. Lives on the UI thread: the client never blocks.
//
// A remote model is chosen as GenerationSettings::modelPath = "remote:<endpoint id>" (the
// endpoint as saved by RemoteEndpointList in the default QSettings).
#pragma once

#include "inference/stream_types.h"
#include "remote/remote_endpoint.h"
#include "remote/remote_types.h"

#include <QElapsedTimer>
#include <QObject>

namespace rwb::remote {
class ApiKeyStore;
class RemoteChatClient;
} // namespace rwb::remote

namespace rwb::app {

class RemoteTurn : public QObject {
    Q_OBJECT
public:
    static constexpr const char* kPrefix = "remote:";
    static bool isRemoteModel(const QString& modelPath);
    static QString modelPathFor(const QString& endpointId) {
        return QLatin1String(kPrefix) + endpointId;
    }

    RemoteTurn(quint64 tag, const QString& modelPath, QObject* parent = nullptr);
    ~RemoteTurn() override;

    // Finds the endpoint and reads its key: modelReady or failed follows.
    void prepare();
    void generate(const GenerationRequest& request);
    void cancel(); // finished (Interrupted, the partial text kept) follows once generating

signals:
    void modelReady(quint64 tag, const QString& modelName, const QString& quantization,
                    const QString& backend);
    void failed(quint64 tag, const QString& error);
    void delta(quint64 tag, const QString& thinking, const QString& answer);
    void thinkingFinished(quint64 tag, double seconds, qint64 tokens);
    void statsUpdated(quint64 tag, const rwb::app::StreamStats& stats);
    void finished(quint64 tag, const rwb::app::GenerationOutcome& outcome);

private:
    StreamStats toStreamStats(const rwb::remote::RemoteStats& s) const;
    void finish(GenerationEnd end, const rwb::remote::RemoteResult& result, const QString& why);

    quint64 m_tag;
    QString m_endpointId;
    rwb::remote::RemoteEndpoint m_endpoint;
    QString m_key;
    rwb::remote::ApiKeyStore* m_keys = nullptr;
    rwb::remote::RemoteChatClient* m_client = nullptr;
    QElapsedTimer m_thinkClock;
    double m_thinkingSeconds = 0;
    bool m_thoughtEnded = false;
    rwb::remote::RemoteStats m_lastStats;
};

} // namespace rwb::app
