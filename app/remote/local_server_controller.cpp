// LocalServerController; see local_server_controller.h.
#include "remote/local_server_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>

namespace rwb::remote {

namespace {
constexpr int kStartTimeoutMs = 60000; // a large model maps and warms up before listening
constexpr int kStopGraceMs = 5000;
} // namespace

LocalServerController::LocalServerController(QObject* parent) : QObject(parent) {
    m_startTimeout.setSingleShot(true);
    connect(&m_startTimeout, &QTimer::timeout, this, [this] {
        emit failed(
            tr("rwb serve did not start listening within %1 s").arg(kStartTimeoutMs / 1000));
        stop();
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &LocalServerController::onStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
        // Keep only the last lines: one per request, it grows without bound otherwise.
        m_stderrTail =
            (m_stderrTail + QString::fromUtf8(m_process.readAllStandardError())).right(2000);
    });
    connect(&m_process, &QProcess::finished, this, &LocalServerController::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart) return; // the others end in finished()
        m_startTimeout.stop();
        emit failed(tr("Cannot run %1: %2").arg(m_process.program(), m_process.errorString()));
        emit runningChanged(false);
    });
}

LocalServerController::~LocalServerController() {
    m_process.disconnect(this);
    if (m_process.state() == QProcess::NotRunning) return;
    m_process.terminate();
    if (!m_process.waitForFinished(kStopGraceMs)) {
        m_process.kill();
        m_process.waitForFinished(1000);
    }
}

QString LocalServerController::findRwb() {
#ifdef Q_OS_WIN
    const QString name = QStringLiteral("rwb.exe");
#else
    const QString name = QStringLiteral("rwb");
#endif
    const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(name);
    if (QFileInfo(beside).isExecutable()) return beside;
    return QStandardPaths::findExecutable(QStringLiteral("rwb"));
}

bool LocalServerController::start(const QString& modelPath) {
    if (isRunning()) {
        emit failed(tr("The local server is already running"));
        return false;
    }
    if (modelPath.isEmpty() || !QFileInfo(modelPath).isFile()) {
        emit failed(tr("No local model file to serve (choose a GGUF model first)"));
        return false;
    }
    const QString rwb = m_rwb.isEmpty() ? findRwb() : m_rwb;
    if (rwb.isEmpty()) {
        emit failed(tr("The rwb program was found neither next to the app nor in PATH"));
        return false;
    }
    m_model = modelPath;
    m_url.clear();
    m_stdout.clear();
    m_stderrTail.clear();
    m_stopping = false;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RWB_API_KEY"));
    if (!m_apiKey.isEmpty()) env.insert(QStringLiteral("RWB_API_KEY"), m_apiKey);
    m_process.setProcessEnvironment(env);
    m_process.setProgram(rwb);
    m_process.setArguments({QStringLiteral("serve"), QStringLiteral("-m"), modelPath,
                            QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                            QStringLiteral("--port"), QString::number(m_port)});
    m_process.start();
    m_startTimeout.start(kStartTimeoutMs);
    emit runningChanged(true);
    return true;
}

void LocalServerController::stop() {
    if (!isRunning()) return;
    m_stopping = true;
    m_startTimeout.stop();
    m_process.terminate(); // SIGTERM: the server cancels its generations and exits 0
    QTimer::singleShot(kStopGraceMs, &m_process, [p = &m_process] {
        if (p->state() != QProcess::NotRunning) p->kill();
    });
}

void LocalServerController::onStdout() {
    m_stdout += QString::fromUtf8(m_process.readAllStandardOutput());
    if (!m_url.isEmpty()) return;
    static const QRegularExpression re(QStringLiteral("listening on (http://[^\\s]+)"));
    const auto m = re.match(m_stdout);
    if (!m.hasMatch()) return;
    m_startTimeout.stop();
    m_url = m.captured(1);
    emit started(m_url);
}

void LocalServerController::onFinished(int exitCode, QProcess::ExitStatus status) {
    m_startTimeout.stop();
    const bool wasListening = !m_url.isEmpty();
    m_url.clear();
    if (!m_stopping && (!wasListening || status != QProcess::NormalExit || exitCode != 0)) {
        QString why = m_stderrTail.trimmed().section(QLatin1Char('\n'), -1);
        if (why.isEmpty()) why = tr("exit code %1").arg(exitCode);
        emit failed(tr("rwb serve stopped: %1").arg(why));
    }
    m_stopping = false;
    emit stopped();
    emit runningChanged(false);
}

} // namespace rwb::remote
