// How models that run side by side share the machine: which of them fit in memory together
// (RAM, and free GPU memory for columns on CUDA or Auto; the rest wait for memory and run in
// later waves, in the order chosen), and how the CPU threads are split between the models of
// one wave.
#pragma once

#include "inference/generation_settings.h"

#include <QString>
#include <QStringList>
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
// For a GPU placement it also keeps the parts of the offload split (rwb::fit_verdict,
// docs/model-fit.md): each repeating layer's weights and KV cache go to the device, and so do
// the output matrix (or the tied embedding) and the compute buffers whatever the layer count.
struct PlannedMemory {
    quint64 model = 0;
    quint64 session = 0;
    int layers = 0;
    quint64 layerWeights = 0; // one layer's weights (the mean over the layers)
    quint64 layerKv = 0;      // one layer's KV cache
    quint64 outputBytes = 0;  // output matrix, or the embedding when it is tied
    quint64 computeBytes = 0;
    quint64 total() const { return model + session; }
};
PlannedMemory planModelMemory(const QString& path, int n_ctx);

// What one column takes, in RAM and on the GPU. `shared`: another running column already
// loaded the same model with the same placement, so only the session's part is new.
struct MemoryNeed {
    quint64 ram = 0;
    quint64 vram = 0;
};
MemoryNeed needOnCpu(const PlannedMemory& plan, bool shared);
// `gpuLayers` of the layers on the GPU (-1 or more than the model has: all of them).
MemoryNeed needOnGpu(const PlannedMemory& plan, int gpuLayers, bool shared);

// What the scheduling plans against.
struct MachineFigures {
    quint64 ramAvailable = 0; // 0: no limit
    bool gpu = false;         // a usable CUDA device (the engine uses the first one)
    quint64 gpuFree = 0;      // its free memory less rwb::kGpuReserveBytes
};
// RAM (MemAvailable) and, with `gpu`, the first GPU's free memory now (rwb::probe_gpus(); its
// first call creates a CUDA context, so CPU-only plans leave it out).
MachineFigures probeMachineFigures(bool gpu);

enum class Placement { Waiting, Cpu, Gpu };

// One compare column as the scheduling sees it.
struct ColumnDemand {
    QString path;
    rwb::app::Backend backend = rwb::app::Backend::Cpu; // what the user chose
    int gpuLayers = -1;
    PlannedMemory plan;
    bool waiting = false; // waits for its turn
    bool running = false; // loading or generating, where `placed` says, as `runAs`
    Placement placed = Placement::Cpu;
    rwb::app::Backend runAs = rwb::app::Backend::Cpu;
};

struct ColumnStart {
    int column = -1;
    Placement where = Placement::Cpu;
    // The backend its worker is given: a CUDA column stays CUDA also when it is planned on the
    // CPU because there is no GPU (the engine then runs it on the CPU and says why); an Auto
    // column that does not fit in free GPU memory is asked to run on the CPU.
    rwb::app::Backend runAs = rwb::app::Backend::Cpu;
};

// Which waiting columns start now, in column order, next to the running ones. CPU columns need
// RAM; GPU columns (CUDA or Auto, with a GPU) need free GPU memory as well as the RAM left on the
// host. A CUDA column that does not fit waits, unless nothing runs on the GPU (then it starts
// and the engine says what fits); an Auto column that does not fit is planned on the CPU. The
// first waiting column always starts when nothing runs (a model larger than the RAM runs
// alone). A model loaded by a running column with the same placement counts once.
QVector<ColumnStart> planStarts(const QVector<ColumnDemand>& columns,
                                const MachineFigures& machine);

// Memory the machine can give now (MemAvailable of /proc/meminfo; 0 if unknown).
quint64 availableMemoryBytes();

// Groups models (their byte needs, in order) into waves that run together: each wave takes
// the next models while their sum fits `budget`; a model larger than the budget runs alone.
// budget 0: everything in one wave.
QVector<QVector<int>> planWaves(const QVector<quint64>& bytes, quint64 budget);

// What a problem set's waves are planned against: each model's bytes and the budget they share.
// On the CPU, or on CUDA / Auto without a usable GPU (the engine then runs on the CPU), the whole
// estimate against `ramBudget`; on CUDA or Auto with a GPU, each model's device part (needOnGpu
// with `gpuLayers`) against the GPU's free memory, which runs out first.
struct WaveNeeds {
    QVector<quint64> bytes;
    quint64 budget = 0;
    bool onGpu = false;
};
WaveNeeds problemSetWaveNeeds(const QStringList& paths, int n_ctx, rwb::app::Backend backend,
                              int gpuLayers, const MachineFigures& machine, quint64 ramBudget);

// Splits `total` threads between `models` concurrent models as evenly as possible (the first
// ones get the remainder); each gets at least one.
QVector<int> splitThreads(int total, int models);

// The machine's cores as the engine counts them (physical cores; at least 1).
int machineThreads();

} // namespace rwb::compare
