// Where the GGUF tests find llama.cpp's reference models (tests/data/reference/models).
#pragma once

#include <QDir>
#include <QString>
#include <QStringList>

namespace gguf_test {

// RWB_REFERENCE_DIR overrides (e.g. /work/shared/reference while the copy is moved aside).
inline QString reference_dir() {
    const QString env = qEnvironmentVariable("RWB_REFERENCE_DIR");
    return env.isEmpty() ? QStringLiteral(RWB_TEST_DATA_DIR "/reference") : env;
}
inline QString models_dir() {
    return reference_dir() + "/models";
}

// The 16 reference models: <arch>-tiny-<type>.
inline QStringList reference_model_names() {
    QStringList names;
    for (const char* arch : {"qwen2", "llama"})
        for (const char* type : {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_k_m", "q5_k_m", "q6_k"})
            names << QStringLiteral("%1-tiny-%2").arg(arch, type);
    return names;
}

inline QString model_path(const QString& name) {
    return models_dir() + "/" + name + ".gguf";
}

} // namespace gguf_test
