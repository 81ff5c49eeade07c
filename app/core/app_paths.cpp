#include "app_paths.h"

#include "rwb/resources.h"

#include <QDir>
#include <QStandardPaths>

namespace rwb::app {

// The app and `rwb` share one lookup (engine/resources): RWB_RESOURCE_DIR, the install prefix next
// to the executable, and the source tree only for binaries running from their build folder.
QString bundledResourceDir() {
    for (const std::string& dir : rwb::resource_dirs()) {
        const QString d = QString::fromStdString(dir);
        if (QDir(d).exists(QStringLiteral("models"))) return QDir(d).canonicalPath();
    }
    return QString();
}

QString userDataDir() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir;
}

} // namespace rwb::app
