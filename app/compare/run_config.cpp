// Problem-set run settings (see run_config.h).
#include "compare/run_config.h"

#include <QJsonArray>

namespace rwb::compare {

QString ProblemSetConfig::validate() const {
    if (setPath.isEmpty()) return QStringLiteral("choose a problem set");
    if (models.isEmpty()) return QStringLiteral("choose at least one model");
    if (samples < 1 || samples > 1024) return QStringLiteral("samples must be from 1 to 1024");
    if (limit < 0) return QStringLiteral("the problem limit must be 0 (all) or more");
    if (temperature < 0) return QStringLiteral("temperature must not be negative");
    if (topP <= 0 || topP > 1) return QStringLiteral("top-p must be in (0, 1]");
    if (budgets.isEmpty()) return QStringLiteral("give at least one thinking budget");
    for (int b : budgets)
        if (b < 0) return QStringLiteral("thinking budgets must be 0 (unlimited) or more");
    if (maxTokens == 0 || maxTokens < -1) return QStringLiteral("max tokens must be positive");
    if (contextLength < 64) return QStringLiteral("the context must be at least 64 tokens");
    if (threads < 0) return QStringLiteral("threads must be 0 (all cores) or more");
    if (gpuLayers < -1) return QStringLiteral("GPU layers must be -1 (all) or more");
    return {};
}

QJsonObject ProblemSetConfig::toJson() const {
    QJsonArray b;
    for (int x : budgets) b.append(x);
    return {{"set", setPath},
            {"models", QJsonArray::fromStringList(models)},
            {"limit", limit},
            {"samples", samples},
            {"seed", QString::number(seed)},
            {"temperature", temperature},
            {"top_p", topP},
            {"budgets", b},
            {"max_tokens", maxTokens},
            {"context", contextLength},
            {"threads", threads},
            {"memory_budget", QString::number(memoryBudget)},
            {"backend", rwb::app::backendName(backend)},
            {"gpu_layers", gpuLayers}};
}

ProblemSetConfig ProblemSetConfig::fromJson(const QJsonObject& o) {
    ProblemSetConfig c;
    c.setPath = o["set"].toString();
    for (const auto& m : o["models"].toArray()) c.models.append(m.toString());
    c.limit = o["limit"].toInt();
    c.samples = o["samples"].toInt(1);
    c.seed = o["seed"].toString().toULongLong();
    c.temperature = o["temperature"].toDouble(0.6);
    c.topP = o["top_p"].toDouble(0.95);
    c.budgets.clear();
    for (const auto& b : o["budgets"].toArray()) c.budgets.append(b.toInt());
    c.maxTokens = o["max_tokens"].toInt(-1);
    c.contextLength = o["context"].toInt(4096);
    c.threads = o["threads"].toInt();
    c.memoryBudget = o["memory_budget"].toString().toULongLong();
    // Missing or unknown: the default (the CPU, where runs stored before the field ran).
    rwb::app::Backend b = c.backend;
    if (rwb::app::parseBackend(o["backend"].toString(), &b)) c.backend = b;
    c.gpuLayers = o["gpu_layers"].toInt(-1);
    return c;
}

QVector<int> parseBudgets(const QString& text) {
    QVector<int> out;
    for (QString item : text.split(',', Qt::SkipEmptyParts)) {
        item = item.trimmed().toLower();
        if (item == QLatin1String("unlimited") || item == QLatin1String("none") ||
            item == QLatin1String("0")) {
            out.append(0);
            continue;
        }
        int scale = 1;
        if (item.endsWith('k')) {
            scale = 1024;
            item.chop(1);
        }
        bool ok = false;
        const int v = item.toInt(&ok);
        if (!ok || v <= 0 || v > (1 << 20)) return {};
        out.append(v * scale);
    }
    return out;
}

QString budgetLabel(int budget) {
    if (budget <= 0) return QStringLiteral("unlimited");
    if (budget % 1024 == 0) return QString::number(budget / 1024) + 'k';
    return QString::number(budget);
}

} // namespace rwb::compare
