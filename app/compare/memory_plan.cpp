// Memory waves and thread split (see memory_plan.h).
#include "compare/memory_plan.h"

#include "rwb/fit.h"
#include "rwb/model.h"

#include <QFileInfo>
#include <QThread>

namespace rwb::compare {

quint64 estimateModelBytes(const QString& path, int n_ctx) {
    const QFileInfo info(path);
    if (!info.isFile()) return 0;
    // The KV cache per token needs the model's shape; loading maps the file without reading
    // the weights, so this is cheap. Working buffers: a fixed allowance.
    quint64 kv = 0;
    rwb::ModelOptions options;
    options.load_tokenizer = false;
    if (auto model = rwb::Model::load(path.toStdString(), options))
        kv = (*model)->kv_bytes_per_token() * quint64(qMax(0, n_ctx));
    constexpr quint64 kBuffers = 32ull << 20;
    return quint64(info.size()) + kv + kBuffers;
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
