// ModelLocator: which GGUF file a generation uses. A configured path wins; without one the bundled
// demo model (rwb::default_model_path(): resources/models/rwb-demo-medium.gguf in the source tree,
// <prefix>/share/reasoning-workbench/models when installed, or $RWB_RESOURCE_DIR/models) is used.
#pragma once

#include <QString>
#include <QStringList>

namespace rwb::app {

struct GenerationSettings;

class ModelLocator {
public:
    // The bundled default model, or empty with *error set to one line saying where it looked.
    static QString defaultModelPath(QString* error = nullptr);

    // settings.modelPath when set, else defaultModelPath(). Empty (and *error) when neither
    // names an existing file.
    static QString resolve(const GenerationSettings& settings, QString* error = nullptr);

    // Absolute paths of the bundled demo models that exist (small, medium, large order).
    static QStringList bundledModels();
};

} // namespace rwb::app
