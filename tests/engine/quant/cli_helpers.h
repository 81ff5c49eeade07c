// Helpers shared by the quant CLI tests: run the built `rwb`, read a GGUF's tensor table.
#pragma once

#include "gguf/gguf_file.h"

#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace quant_test {

struct CliRun {
    int exit_code = -1;
    QString out;
    QString err;
};

inline CliRun run_rwb(const QStringList& args, int timeout_ms = 240000) {
    QProcess p;
    p.start(QStringLiteral(RWB_CLI_PATH), args);
    CliRun r;
    if (!p.waitForFinished(timeout_ms)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline std::shared_ptr<rwb::gguf::GgufFile> open_gguf(const QString& path) {
    auto f = rwb::gguf::GgufFile::open(path.toStdString());
    if (!f) return nullptr;
    return f.value();
}

} // namespace quant_test
