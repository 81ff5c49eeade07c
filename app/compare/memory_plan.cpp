// Memory waves and thread split (see memory_plan.h).
#include "compare/memory_plan.h"

#include "rwb/fit.h"

#include <QFileInfo>
#include <QThread>

namespace rwb::compare {

PlannedMemory planModelMemory(const QString& path, int n_ctx) {
    if (!QFileInfo(path).isFile()) return {};
    const auto footprint = rwb::footprint_from_gguf(path.toStdString());
    if (!footprint) return {};
    rwb::MemoryOptions options;
    options.n_ctx = qMax<int64_t>(1, n_ctx);
    if (footprint->n_ctx_train > 0) options.n_ctx = qMin(options.n_ctx, footprint->n_ctx_train);
    const rwb::MemoryEstimate e = rwb::estimate_memory(*footprint, options);
    // The engine's runtime constant (code pages, stacks) goes with the session: each column's
    // worker has its own threads.
    PlannedMemory p;
    p.session = e.kv_cache + e.compute + e.runtime;
    p.model = e.total() - p.session;
    return p;
}

quint64 estimateModelBytes(const QString& path, int n_ctx) {
    return planModelMemory(path, n_ctx).total();
}

quint64 availableMemoryBytes() {
    return rwb::probe_machine_memory().ram_available;
}

QVector<QVector<int>> planWaves(const QVector<quint64>& bytes, quint64 budget) {
    QVector<QVector<int>> waves;
    QVector<int> current;
    quint64 used = 0;
    for (int i = 0; i < bytes.size(); ++i) {
        if (budget != 0 && !current.isEmpty() && used + bytes[i] > budget) {
            waves.append(current);
            current.clear();
            used = 0;
        }
        current.append(i);
        used += bytes[i];
    }
    if (!current.isEmpty()) waves.append(current);
    return waves;
}

QVector<int> splitThreads(int total, int models) {
    QVector<int> out;
    if (models <= 0) return out;
    total = qMax(total, models);
    for (int i = 0; i < models; ++i) out.append(total / models + (i < total % models ? 1 : 0));
    return out;
}

int machineThreads() {
    return qMax(1, QThread::idealThreadCount());
}

} // namespace rwb::compare
