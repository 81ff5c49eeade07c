// RemoteEndpoint: one OpenAI-compatible chat-completions endpoint the user configured (a vLLM,
// SGLang, llama.cpp or Ollama server, a provider, or `rwb serve`), with its price per million
// tokens for the cost panel. The API key is NOT part of it: ApiKeyStore keeps keys out of the
// settings file. RemoteEndpointList reads and writes the list in QSettings.
#pragma once

#include <QList>
#include <QSettings>
#include <QString>
#include <QUrl>

namespace rwb::remote {

struct RemoteEndpoint {
    QString id;      // stable key (letters, digits, '-', '_'), also names the stored API key
    QString name;    // shown in the model picker
    QString baseUrl; // e.g. "https://api.deepseek.com/v1" or "http://127.0.0.1:8080/v1"
    QString model;   // the "model" field sent with each request
    double inputCostPerMTokens = 0;  // price of 1M prompt tokens (user's currency)
    double outputCostPerMTokens = 0; // price of 1M completion tokens (thought included)
    int connectTimeoutMs = 10000;    // until the response headers arrive
    int stallTimeoutMs = 120000;     // longest silence inside a stream
    int maxRetries = 3;              // connection failures only; never after a response began
    // The server's template already opened "<think>" (content starts inside the thought and
    // only "</think>" appears): the raw output of some R1 deployments.
    bool thoughtOpenAtStart = false;

    // "" when usable, else one line saying what is wrong.
    QString validate() const;
    // baseUrl + "/chat/completions" (a trailing "/" or a full ".../chat/completions" accepted).
    QUrl chatCompletionsUrl() const;
    QUrl modelsUrl() const;
    double cost(qint64 promptTokens, qint64 completionTokens) const {
        return double(promptTokens) * inputCostPerMTokens / 1e6 +
               double(completionTokens) * outputCostPerMTokens / 1e6;
    }
    bool isValidId() const;
};

class RemoteEndpointList {
public:
    static QList<RemoteEndpoint> load(QSettings& settings);
    static void save(QSettings& settings, const QList<RemoteEndpoint>& endpoints);
};

} // namespace rwb::remote
