// Provenance <-> JSON; see provenance_json.h. Absent seed/budget are written as null.
#include "provenance_json.h"

namespace rwb::storage {

QJsonObject provenanceToJson(const Provenance& p) {
    QJsonObject o;
    o.insert(QStringLiteral("model_sha256"), p.modelSha256);
    o.insert(QStringLiteral("quantization"), p.quantization);
    o.insert(QStringLiteral("chat_template_version"), p.chatTemplateVersion);
    o.insert(QStringLiteral("sampling"), p.sampling);
    // Seeds are 64-bit: kept as a decimal string so JSON doubles cannot round them.
    o.insert(QStringLiteral("seed"), p.seed ? QJsonValue(QString::number(*p.seed)) : QJsonValue());
    o.insert(QStringLiteral("thinking_budget"),
             p.thinkingBudget ? QJsonValue(*p.thinkingBudget) : QJsonValue());
    o.insert(QStringLiteral("engine_version"), p.engineVersion);
    o.insert(QStringLiteral("backend"), p.backend);
    return o;
}

Provenance provenanceFromJson(const QJsonObject& o) {
    Provenance p;
    p.modelSha256 = o.value(QStringLiteral("model_sha256")).toString();
    p.quantization = o.value(QStringLiteral("quantization")).toString();
    p.chatTemplateVersion = o.value(QStringLiteral("chat_template_version")).toString();
    p.sampling = o.value(QStringLiteral("sampling")).toObject();
    bool ok = false;
    const qint64 seed = o.value(QStringLiteral("seed")).toString().toLongLong(&ok);
    if (ok) p.seed = seed;
    const QJsonValue budget = o.value(QStringLiteral("thinking_budget"));
    if (budget.isDouble()) p.thinkingBudget = budget.toInt();
    p.engineVersion = o.value(QStringLiteral("engine_version")).toString();
    p.backend = o.value(QStringLiteral("backend")).toString();
    return p;
}

} // namespace rwb::storage
