// How models that run side by side share the machine: which of them fit in memory together
// (the rest wait for memory and run in later waves, in the order chosen), and how the CPU
// threads are split between the models of one wave.
#pragma once

#include <QString>
#include <QVector>

namespace rwb::compare {

// Bytes a model will need while it runs, planned before it is loaded (the scheduling must decide
// first): the engine's term-by-term estimate (rwb::estimate_memory, docs/model-fit.md: weights,
// metadata, float copies, tokenizer, KV cache for `n_ctx` tokens (clamped to the model's own
// context, as the worker does), compute buffers). Reads only the file's header and tensor
// table; 0 if it cannot be read. What a model really took is measured while it runs
// (ColumnMetrics::peakMemoryBytes).
quint64 estimateModelBytes(const QString& path, int n_ctx);

// The same estimate split by owner: the model's part (weights, metadata, float copies,
// tokenizer), loaded once and shared by every session on the file, and one session's part (KV
// cache and compute buffers). Both 0 if the file cannot be read.
struct PlannedMemory {
    quint64 model = 0;
    quint64 session = 0;
    quint64 total() const { return model + session; }
};
PlannedMemory planModelMemory(const QString& path, int n_ctx);

// Memory the machine can give now (MemAvailable of /proc/meminfo; 0 if unknown).
quint64 availableMemoryBytes();

// Groups models (their byte needs, in order) into waves that run together: each wave takes
// the next models while their sum fits `budget`; a model larger than the budget runs alone.
// budget 0: everything in one wave.
QVector<QVector<int>> planWaves(const QVector<quint64>& bytes, quint64 budget);

// Splits `total` threads between `models` concurrent models as evenly as possible (the first
// ones get the remainder); each gets at least one.
QVector<int> splitThreads(int total, int models);

// The machine's cores as the engine counts them (physical cores; at least 1).
int machineThreads();

} // namespace rwb::compare
