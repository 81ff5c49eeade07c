// ModelLocator; see model_locator.h.
#include "models/model_locator.h"

#include "inference/generation_settings.h"
#include "rwb/resources.h"

#include <QDir>
#include <QFileInfo>

namespace rwb::app {

QString ModelLocator::defaultModelPath(QString* error) {
    auto found = rwb::default_model_path();
    if (!found) {
        if (error) *error = QString::fromStdString(found.message());
        return {};
    }
    return QFileInfo(QString::fromStdString(*found)).absoluteFilePath();
}

QString ModelLocator::resolve(const GenerationSettings& settings, QString* error) {
    if (settings.modelPath.isEmpty()) return defaultModelPath(error);
    const QFileInfo info(settings.modelPath);
    if (!info.exists()) {
        if (error) *error = QStringLiteral("Model file not found: %1").arg(settings.modelPath);
        return {};
    }
    if (!info.isFile()) {
        if (error) *error = QStringLiteral("Not a model file: %1").arg(settings.modelPath);
        return {};
    }
    return info.absoluteFilePath();
}

QStringList ModelLocator::bundledModels() {
    QStringList out;
    for (const char* file : rwb::kDemoModelFiles) {
        auto found = rwb::find_resource(std::string("models/") + file);
        if (found) out << QFileInfo(QString::fromStdString(*found)).absoluteFilePath();
    }
    return out;
}

} // namespace rwb::app
