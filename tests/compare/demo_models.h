// The bundled demo models (resources/models) the compare tests run.
#pragma once

#include <QFile>
#include <QString>
#include <QStringList>

namespace compare_test {

inline QStringList demoModels() {
    QStringList out;
    for (const char* size : {"small", "medium", "large"})
        out.append(QStringLiteral(RWB_SOURCE_DIR "/resources/models/rwb-demo-%1.gguf").arg(size));
    return out;
}

inline bool haveDemoModels() {
    for (const QString& m : demoModels())
        if (!QFile::exists(m)) return false;
    return true;
}

inline const QString kHeldOutSet =
    QStringLiteral(RWB_SOURCE_DIR "/resources/problem_sets/demo-arithmetic-heldout.jsonl");

} // namespace compare_test
