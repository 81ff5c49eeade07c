#include "app_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

namespace rwb::app {

QString bundledResourceDir() {
    const QString env = qEnvironmentVariable("RWB_RESOURCE_DIR");
    if (!env.isEmpty()) return env;
    const QDir exe(QCoreApplication::applicationDirPath());
    const QStringList candidates = {
        exe.filePath("../share/reasoning-workbench"),
        exe.filePath("resources"),
        QStringLiteral(RWB_SOURCE_RESOURCE_DIR),
    };
    for (const QString& c : candidates)
        if (QDir(c).exists("models")) return QDir(c).canonicalPath();
    return QString();
}

QString userDataDir() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir;
}

} // namespace rwb::app
