// Memory waves and thread split (see memory_plan.h).
#include "compare/memory_plan.h"

#include "rwb/fit.h"

#include <QFileInfo>
#include <QSet>
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
    p.layers = int(qMax<int64_t>(footprint->n_layer, 0));
    quint64 layerBytes = 0;
    for (const uint64_t b : footprint->layer_bytes) layerBytes += b;
    if (p.layers > 0) {
        p.layerWeights = layerBytes / quint64(p.layers);
        p.layerKv = e.per_layer_kv;
    }
    p.outputBytes = footprint->tied_output ? footprint->embedding_bytes : footprint->output_bytes;
    p.computeBytes = e.compute;
    return p;
}

MemoryNeed needOnCpu(const PlannedMemory& plan, bool shared) {
    return {shared ? plan.session : plan.total(), 0};
}

MemoryNeed needOnGpu(const PlannedMemory& plan, int gpuLayers, bool shared) {
    const quint64 layers =
        quint64(gpuLayers < 0 || gpuLayers > plan.layers ? plan.layers : gpuLayers);
    if (layers == 0) return needOnCpu(plan, shared);
    const auto less = [](quint64 a, quint64 b) { return a > b ? a - b : 0; };
    const quint64 weights = layers * plan.layerWeights;
    const quint64 kv = layers * plan.layerKv;
    // The session's KV cache of the offloaded layers and the compute buffers are on the device;
    // the host keeps the rest of the session and the weights that stayed on the CPU.
    MemoryNeed n;
    n.vram = kv + plan.computeBytes;
    n.ram = less(plan.session, kv);
    if (!shared) {
        n.vram += weights + plan.outputBytes;
        n.ram += less(plan.model, weights + plan.outputBytes);
    }
    return n;
}

MachineFigures probeMachineFigures(bool gpu) {
    MachineFigures m;
    m.ramAvailable = availableMemoryBytes();
    if (!gpu) return m;
    const std::vector<rwb::GpuMemory> gpus = rwb::probe_gpus();
    if (!gpus.empty()) {
        m.gpu = true;
        m.gpuFree = gpus.front().free_bytes > rwb::kGpuReserveBytes
                        ? gpus.front().free_bytes - rwb::kGpuReserveBytes
                        : 0;
    }
    return m;
}

namespace {
// The ModelCache's sharing: one loaded model per file, backend and GPU layers.
QString modelKey(const ColumnDemand& c, rwb::app::Backend runAs) {
    return c.path + QLatin1Char('|') + QString::number(int(runAs)) +
           (runAs == rwb::app::Backend::Cpu ? QString()
                                            : QLatin1Char('|') + QString::number(c.gpuLayers));
}
} // namespace

QVector<ColumnStart> planStarts(const QVector<ColumnDemand>& columns,
                                const MachineFigures& machine) {
    using rwb::app::Backend;
    quint64 ram = 0, vram = 0;
    int running = 0, onGpu = 0;
    QSet<QString> loaded;
    const auto need = [&](const ColumnDemand& c, Placement where, Backend runAs) {
        const bool shared = loaded.contains(modelKey(c, runAs));
        return where == Placement::Gpu ? needOnGpu(c.plan, c.gpuLayers, shared)
                                       : needOnCpu(c.plan, shared);
    };
    const auto take = [&](const ColumnDemand& c, Placement where, Backend runAs) {
        const MemoryNeed n = need(c, where, runAs);
        ram += n.ram;
        vram += n.vram;
        loaded.insert(modelKey(c, runAs));
        ++running;
        if (where == Placement::Gpu) ++onGpu;
    };
    for (const ColumnDemand& c : columns)
        if (c.running) take(c, c.placed, c.runAs);

    QVector<ColumnStart> starts;
    for (int i = 0; i < columns.size(); ++i) {
        const ColumnDemand& c = columns[i];
        if (!c.waiting) continue;
        const auto ramFits = [&](const MemoryNeed& n) {
            return machine.ramAvailable == 0 || ram + n.ram <= machine.ramAvailable || running == 0;
        };
        if (c.backend != Backend::Cpu && machine.gpu) {
            const MemoryNeed n = need(c, Placement::Gpu, c.backend);
            const bool vramFits =
                vram + n.vram <= machine.gpuFree || (c.backend == Backend::Cuda && onGpu == 0);
            if (ramFits(n) && vramFits) {
                starts.append({i, Placement::Gpu, c.backend});
                take(c, Placement::Gpu, c.backend);
                continue;
            }
            if (c.backend == Backend::Cuda) continue; // waits for the GPU
        }
        // On the CPU: chosen, Auto without room on the GPU, or CUDA without a GPU (the engine
        // falls back to the CPU and says why).
        const Backend runAs = c.backend == Backend::Cuda ? Backend::Cuda : Backend::Cpu;
        if (ramFits(need(c, Placement::Cpu, runAs))) {
            starts.append({i, Placement::Cpu, runAs});
            take(c, Placement::Cpu, runAs);
        }
    }
    return starts;
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

WaveNeeds problemSetWaveNeeds(const QStringList& paths, int n_ctx, rwb::app::Backend backend,
                              int gpuLayers, const MachineFigures& machine, quint64 ramBudget) {
    WaveNeeds w;
    w.onGpu = backend != rwb::app::Backend::Cpu && machine.gpu;
    w.budget = w.onGpu ? machine.gpuFree : ramBudget;
    for (const QString& p : paths) {
        const PlannedMemory plan = planModelMemory(p, n_ctx);
        w.bytes.append(w.onGpu ? needOnGpu(plan, gpuLayers, false).vram : plan.total());
    }
    return w;
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
