// GenerationSettings: everything the user can set for one generation (model, sampling, limits,
// threads, backend), as a plain value type. Defaults follow DeepSeek's R1 recommendations
// (temperature 0.6, top-p 0.95, no system prompt). Saved in QSettings under "generation/".
#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

class QSettings;

namespace rwb::app {

enum class Backend { Cpu, Cuda, Auto };

QString backendName(Backend backend);                     // "cpu", "cuda", "auto"
bool parseBackend(const QString& name, Backend* backend); // false for an unknown name

struct GenerationSettings {
    QString modelPath; // empty: the bundled default (ModelLocator::defaultModelPath())
    double temperature = 0.6;
    double topP = 0.95;
    int topK = 0;             // 0: off
    qint64 seed = -1;         // -1: a fresh random seed per generation (the one used is stored)
    QString systemPrompt;     // empty by default (R1 works best without one)
    int contextLength = 8192; // tokens of context (KV cache); clamped to the model's own
    int maxTokens = 0;        // 0: until end of generation or a full context
    int thinkingBudget = 0;   // 0: unlimited; else "</think>" is forced after N thought tokens
    int threads = 0;          // 0: the machine's physical cores
    Backend backend = Backend::Auto; // where the model runs (CUDA needs librwb_cuda.so)
    int gpuLayers = -1;              // -1: all that fit (Auto) / all (Cuda)
    bool autoWrapUp = false;         // a looping thought is closed at once (else only reported)

    static GenerationSettings r1Defaults() { return {}; }

    // Empty when usable, else one line naming the first bad field.
    QString validate() const;

    // Reads "generation/*" (missing or malformed keys keep their defaults) / writes them all.
    static GenerationSettings load(QSettings& settings);
    void save(QSettings& settings) const;

    // The sampling fields as the engine names them (temperature, top_p, top_k, seed, ...),
    // for provenance and the conversation record.
    QJsonObject samplingJson() const;

    bool operator==(const GenerationSettings&) const = default;
};

} // namespace rwb::app

Q_DECLARE_METATYPE(rwb::app::GenerationSettings)
