// LocalServerController: the app's "Serve the model locally (OpenAI API)" toggle. Runs
// `rwb serve -m MODEL --host 127.0.0.1 --port PORT` as a child QProcess (rwb found next to the
// app binary, else in PATH), reads its "listening on http://HOST:PORT" line and reports the URL.
// An optional API key is passed through $RWB_API_KEY so it stays out of the process list.
// Asynchronous: start() returns at once; started(url) or failed(line) follows; stop() ends the
// server (SIGTERM, then kill after a grace period) and stopped() follows.
#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <QTimer>

namespace rwb::remote {

class LocalServerController : public QObject {
    Q_OBJECT
public:
    explicit LocalServerController(QObject* parent = nullptr);
    ~LocalServerController() override; // stops a running server (blocking, a second at most)

    // The rwb binary: next to the application, else in PATH ("" when neither has one).
    static QString findRwb();
    void setRwbPath(const QString& path) { m_rwb = path; } // overrides findRwb()
    void setPort(int port) { m_port = port; }              // 0: a free port
    void setApiKey(const QString& key) { m_apiKey = key; } // empty: none
    int port() const { return m_port; }

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QString url() const { return m_url; } // "http://127.0.0.1:PORT" once listening
    QString baseUrl() const { return m_url.isEmpty() ? QString() : m_url + "/v1"; }
    QString modelPath() const { return m_model; }

    // False (and failed()) when a server runs already, the model or rwb cannot be found.
    bool start(const QString& modelPath);
    void stop();

signals:
    void started(const QString& url);
    void failed(const QString& error); // one line
    void stopped();
    void runningChanged(bool running);

private:
    void onStdout();
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QProcess m_process;
    QTimer m_startTimeout;
    QString m_rwb, m_apiKey, m_model, m_url, m_stdout, m_stderrTail;
    int m_port = 0;
    bool m_stopping = false;
};

} // namespace rwb::remote
