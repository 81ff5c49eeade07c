// GenerationSettings; see generation_settings.h.
#include "inference/generation_settings.h"

#include <QSettings>
#include <cmath>

namespace rwb::app {

QString backendName(Backend backend) {
    switch (backend) {
    case Backend::Cpu:
        return QStringLiteral("cpu");
    case Backend::Cuda:
        return QStringLiteral("cuda");
    case Backend::Auto:
        break;
    }
    return QStringLiteral("auto");
}

bool parseBackend(const QString& name, Backend* backend) {
    for (Backend b : {Backend::Cpu, Backend::Cuda, Backend::Auto})
        if (name.compare(backendName(b), Qt::CaseInsensitive) == 0) {
            *backend = b;
            return true;
        }
    return false;
}

QString GenerationSettings::validate() const {
    if (!std::isfinite(temperature) || temperature < 0)
        return QStringLiteral("Temperature must be 0 or more (got %1)").arg(temperature);
    if (!std::isfinite(topP) || topP <= 0 || topP > 1)
        return QStringLiteral("Top-p must be above 0 and at most 1 (got %1)").arg(topP);
    if (topK < 0) return QStringLiteral("Top-k must be 0 (off) or more (got %1)").arg(topK);
    if (seed < -1) return QStringLiteral("Seed must be -1 (random) or 0 and more");
    if (contextLength < 16)
        return QStringLiteral("Context length must be at least 16 tokens (got %1)")
            .arg(contextLength);
    if (maxTokens < 0)
        return QStringLiteral("Max tokens must be 0 (no limit) or more (got %1)").arg(maxTokens);
    if (thinkingBudget < 0)
        return QStringLiteral("Thinking budget must be 0 (no limit) or more (got %1)")
            .arg(thinkingBudget);
    if (threads < 0 || threads > 1024)
        return QStringLiteral("Threads must be 0 (automatic) to 1024 (got %1)").arg(threads);
    if (gpuLayers < -1) return QStringLiteral("GPU layers must be -1 (all) or more");
    return {};
}

namespace {
// Reads a number, keeping `fallback` when the key is missing or not a number.
template <typename T>
T readNumber(QSettings& s, const char* key, T fallback) {
    const QVariant v = s.value(QLatin1String(key));
    if (!v.isValid()) return fallback;
    bool ok = false;
    if constexpr (std::is_floating_point_v<T>) {
        const double d = v.toDouble(&ok);
        return ok && std::isfinite(d) ? T(d) : fallback;
    } else {
        const qlonglong n = v.toLongLong(&ok);
        return ok ? T(n) : fallback;
    }
}
} // namespace

GenerationSettings GenerationSettings::load(QSettings& s) {
    GenerationSettings g;
    s.beginGroup(QStringLiteral("generation"));
    g.modelPath = s.value(QStringLiteral("modelPath"), g.modelPath).toString();
    g.temperature = readNumber(s, "temperature", g.temperature);
    g.topP = readNumber(s, "topP", g.topP);
    g.topK = readNumber(s, "topK", g.topK);
    g.seed = readNumber(s, "seed", g.seed);
    g.systemPrompt = s.value(QStringLiteral("systemPrompt"), g.systemPrompt).toString();
    g.contextLength = readNumber(s, "contextLength", g.contextLength);
    g.maxTokens = readNumber(s, "maxTokens", g.maxTokens);
    g.thinkingBudget = readNumber(s, "thinkingBudget", g.thinkingBudget);
    g.threads = readNumber(s, "threads", g.threads);
    Backend b = g.backend;
    if (parseBackend(s.value(QStringLiteral("backend")).toString(), &b)) g.backend = b;
    g.gpuLayers = readNumber(s, "gpuLayers", g.gpuLayers);
    g.autoWrapUp = s.value(QStringLiteral("autoWrapUp"), g.autoWrapUp).toBool();
    s.endGroup();
    return g;
}

void GenerationSettings::save(QSettings& s) const {
    s.beginGroup(QStringLiteral("generation"));
    s.setValue(QStringLiteral("modelPath"), modelPath);
    s.setValue(QStringLiteral("temperature"), temperature);
    s.setValue(QStringLiteral("topP"), topP);
    s.setValue(QStringLiteral("topK"), topK);
    s.setValue(QStringLiteral("seed"), seed);
    s.setValue(QStringLiteral("systemPrompt"), systemPrompt);
    s.setValue(QStringLiteral("contextLength"), contextLength);
    s.setValue(QStringLiteral("maxTokens"), maxTokens);
    s.setValue(QStringLiteral("thinkingBudget"), thinkingBudget);
    s.setValue(QStringLiteral("threads"), threads);
    s.setValue(QStringLiteral("backend"), backendName(backend));
    s.setValue(QStringLiteral("gpuLayers"), gpuLayers);
    s.setValue(QStringLiteral("autoWrapUp"), autoWrapUp);
    s.endGroup();
}

QJsonObject GenerationSettings::samplingJson() const {
    QJsonObject o;
    o.insert(QStringLiteral("temperature"), temperature);
    o.insert(QStringLiteral("top_p"), topP);
    o.insert(QStringLiteral("top_k"), topK);
    o.insert(QStringLiteral("seed"), seed);
    o.insert(QStringLiteral("n_ctx"), contextLength);
    o.insert(QStringLiteral("max_tokens"), maxTokens);
    o.insert(QStringLiteral("thinking_budget"), thinkingBudget);
    return o;
}

} // namespace rwb::app
