// Runs the built `rwb` (RWB_CLI_PATH) as a child process for CLI tests: exit code and the
// UTF-8 text of stdout and stderr. A timeout kills the child and reports code -1, a crash -2.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace rwb::test {

struct CliRun {
    int code = -1;
    QString out, err;
};

inline CliRun run_rwb(const QStringList& args, int timeout_ms = 120000) {
    QProcess p;
    p.start(QStringLiteral(RWB_CLI_PATH), args);
    CliRun r;
    if (!p.waitForFinished(timeout_ms)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace rwb::test
