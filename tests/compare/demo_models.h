// What the compare tests share: the bundled demo models (resources/models) they run, greedy
// settings, and settings kept in a test's own folder.
#pragma once

#include "inference/generation_settings.h"

#include <QFile>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace compare_test {

// RWB_DEMO_MODEL_DIR overrides the folder (e.g. a copy while resources/models is moved aside).
inline QStringList demoModels() {
    QString dir = qEnvironmentVariable("RWB_DEMO_MODEL_DIR");
    if (dir.isEmpty()) dir = QStringLiteral(RWB_SOURCE_DIR "/resources/models");
    QStringList out;
    for (const char* size : {"small", "medium", "large"})
        out.append(dir + QStringLiteral("/rwb-demo-%1.gguf").arg(size));
    return out;
}

inline bool haveDemoModels() {
    for (const QString& m : demoModels())
        if (!QFile::exists(m)) return false;
    return true;
}

inline const QString kHeldOutSet =
    QStringLiteral(RWB_SOURCE_DIR "/resources/problem_sets/demo-arithmetic-heldout.jsonl");

// Greedy sampling (the demo models then answer exactly) with a short context and a token cap.
inline rwb::app::GenerationSettings greedySettings(int contextLength, int maxTokens) {
    rwb::app::GenerationSettings s;
    s.temperature = 0;
    s.contextLength = contextLength;
    s.maxTokens = maxTokens;
    return s;
}

// QSettings as INI files in `dir`, so a test never reads or writes the user's preferences.
inline void useSettingsIn(const QTemporaryDir& dir) {
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.filePath("ini"));
}

// Stores the backend choice in the generation settings, as the settings dialog would.
inline void saveBackendSetting(rwb::app::Backend backend, int gpuLayers) {
    QSettings qs;
    auto s = rwb::app::GenerationSettings::load(qs);
    s.backend = backend;
    s.gpuLayers = gpuLayers;
    s.save(qs);
}

} // namespace compare_test
