// RemoteTurn; see remote_turn.h.
#include "inference/remote_turn.h"

#include "remote/api_key_store.h"
#include "remote/remote_chat_client.h"

#include <QSettings>

namespace rwb::app {

using rwb::remote::RemoteChatClient;
using rwb::remote::RemoteResult;
using rwb::remote::RemoteStats;

bool RemoteTurn::isRemoteModel(const QString& modelPath) {
    return modelPath.startsWith(QLatin1String(kPrefix));
}

RemoteTurn::RemoteTurn(quint64 tag, const QString& modelPath, QObject* parent)
    : QObject(parent), m_tag(tag), m_endpointId(modelPath.mid(int(qstrlen(kPrefix)))) {}

RemoteTurn::~RemoteTurn() {
    if (m_client) m_client->disconnect(this); // no signals into a half-destroyed turn
}

void RemoteTurn::prepare() {
    QSettings qs;
    bool found = false;
    for (const auto& e : rwb::remote::RemoteEndpointList::load(qs))
        if (e.id == m_endpointId) m_endpoint = e, found = true;
    if (!found) {
        // Queued like every other answer, so the caller's bookkeeping is done first.
        QMetaObject::invokeMethod(
            this,
            [this] {
                emit failed(
                    m_tag,
                    tr("The remote endpoint \"%1\" is not configured any more").arg(m_endpointId));
            },
            Qt::QueuedConnection);
        return;
    }
    if (const QString bad = m_endpoint.validate(); !bad.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this, bad] { emit failed(m_tag, bad); }, Qt::QueuedConnection);
        return;
    }
    m_keys = new rwb::remote::ApiKeyStore(rwb::remote::ApiKeyStore::Backend::Auto, {}, this);
    connect(m_keys, &rwb::remote::ApiKeyStore::keyRead, this,
            [this](const QString& id, const QString& key, const QString&) {
                if (id != m_endpointId) return;
                // No key (or an unreadable one): the request goes without, and a server that
                // needs one answers 401, which is reported as the turn's error.
                m_key = key;
                emit modelReady(m_tag, m_endpoint.name + QStringLiteral(" / ") + m_endpoint.model,
                                QString(), QStringLiteral("remote"));
            });
    m_keys->readKey(m_endpointId);
}

void RemoteTurn::generate(const GenerationRequest& request) {
    QList<rwb::remote::RemoteMessage> messages;
    if (!request.systemPrompt.isEmpty())
        messages.append({QStringLiteral("system"), request.systemPrompt});
    for (const auto& m : request.history) {
        if (m.answer.isEmpty()) continue;
        // Earlier thoughts are not sent back (DeepSeek's multi-round guidance for R1).
        switch (m.role) {
        case rwb::storage::MessageRole::User:
            messages.append({QStringLiteral("user"), m.answer});
            break;
        case rwb::storage::MessageRole::Assistant:
            messages.append({QStringLiteral("assistant"), m.answer});
            break;
        default:
            messages.append({QStringLiteral("system"), m.answer});
            break;
        }
    }
    const GenerationSettings& s = request.settings;
    rwb::remote::RemoteRequestParams p;
    p.temperature = s.temperature;
    p.topP = s.topP;
    if (s.maxTokens > 0) p.maxTokens = s.maxTokens;
    if (s.seed >= 0) p.seed = s.seed;
    if (s.thinkingBudget > 0) p.extra.insert(QStringLiteral("thinking_budget"), s.thinkingBudget);

    m_client = new RemoteChatClient(this);
    m_client->setEndpoint(m_endpoint);
    m_client->setApiKey(m_key);
    connect(m_client, &RemoteChatClient::thinkingStarted, this, [this] { m_thinkClock.start(); });
    connect(m_client, &RemoteChatClient::thinkingDelta, this,
            [this](const QString& t) { emit delta(m_tag, t, QString()); });
    connect(m_client, &RemoteChatClient::thinkingEnded, this, [this] {
        if (m_thoughtEnded) return;
        m_thoughtEnded = true;
        m_thinkingSeconds = m_thinkClock.isValid() ? m_thinkClock.elapsed() / 1000.0 : 0;
        emit thinkingFinished(m_tag, m_thinkingSeconds, m_lastStats.reasoningTokens);
    });
    connect(m_client, &RemoteChatClient::answerDelta, this,
            [this](const QString& t) { emit delta(m_tag, QString(), t); });
    connect(m_client, &RemoteChatClient::statsUpdated, this, [this](const RemoteStats& st) {
        m_lastStats = st;
        emit statsUpdated(m_tag, toStreamStats(st));
    });
    connect(m_client, &RemoteChatClient::finished, this,
            [this](const RemoteResult& r) { finish(GenerationEnd::Complete, r, {}); });
    connect(m_client, &RemoteChatClient::interrupted, this,
            [this](const RemoteResult& r, const QString& reason) {
                finish(GenerationEnd::Interrupted, r, reason);
            });
    connect(m_client, &RemoteChatClient::failed, this, [this](const QString& message) {
        finish(GenerationEnd::Failed, RemoteResult{}, message);
    });
    m_client->start(messages, p); // an invalid start reports through failed()
}

void RemoteTurn::cancel() {
    if (m_client) m_client->cancel();
}

StreamStats RemoteTurn::toStreamStats(const RemoteStats& s) const {
    StreamStats out;
    out.modelName = m_endpoint.name + QStringLiteral(" / ") + m_endpoint.model;
    out.modelPath = modelPathFor(m_endpointId);
    out.promptTokens = s.promptTokens;
    out.thinkingTokens = s.reasoningTokens;
    out.answerTokens = std::max<qint64>(0, s.completionTokens - s.reasoningTokens);
    out.timeToFirstTokenMs = std::max(0.0, s.ttftMs);
    out.thinkingSeconds = m_thinkingSeconds;
    out.tokensPerSecond = s.tokensPerSecond;
    out.thinking = m_thinkClock.isValid() && !m_thoughtEnded;
    return out;
}

void RemoteTurn::finish(GenerationEnd end, const RemoteResult& result, const QString& why) {
    GenerationOutcome o;
    o.end = end;
    o.answer = result.answer;
    o.reasoning = result.thinking;
    if (end == GenerationEnd::Failed) {
        o.error = why;
        o.finishReason = QStringLiteral("error");
        o.stats = toStreamStats(m_lastStats);
    } else {
        m_lastStats = result.stats;
        o.stats = toStreamStats(result.stats);
        o.finishReason = result.finishReason;
        if (end == GenerationEnd::Interrupted) {
            const bool byUser = why == QLatin1String("cancelled");
            o.finishReason = byUser ? QStringLiteral("cancelled") : QStringLiteral("interrupted");
            if (!byUser) o.error = why; // a dropped connection or broken stream, kept with it
        }
    }
    emit finished(m_tag, o);
}

} // namespace rwb::app
