// The compare scheduling's arithmetic with synthetic machine figures (no GPU needed): what a
// column needs on the CPU and on the GPU (all or some layers, the model shared or not), and
// which waiting columns start next to the running ones for CPU, CUDA and Auto columns; what a
// problem set's waves are planned against on each backend (the demo models' real estimates).
#include "compare/memory_plan.h"

#include "demo_models.h"

#include <QtTest>

using namespace rwb::compare;
using rwb::app::Backend;

namespace {
constexpr quint64 MiB = quint64(1) << 20;

// A 10-layer model: 100 MiB per layer + 20 MiB output + 50 MiB rest of the weights on the host,
// 10 MiB KV per layer, 30 MiB compute buffers, 10 MiB runtime.
PlannedMemory model() {
    PlannedMemory p;
    p.layers = 10;
    p.layerWeights = 100 * MiB;
    p.layerKv = 10 * MiB;
    p.outputBytes = 20 * MiB;
    p.computeBytes = 30 * MiB;
    p.model = 10 * 100 * MiB + 20 * MiB + 50 * MiB;  // 1070
    p.session = 10 * 10 * MiB + 30 * MiB + 10 * MiB; // 140
    return p;
}

ColumnDemand waiting(Backend backend, const QString& path = QStringLiteral("a.gguf"),
                     int gpuLayers = -1) {
    ColumnDemand d;
    d.path = path;
    d.backend = backend;
    d.gpuLayers = gpuLayers;
    d.plan = model();
    d.waiting = true;
    return d;
}

MachineFigures machine(quint64 ramMiB, bool gpu, quint64 vramMiB) {
    MachineFigures m;
    m.ramAvailable = ramMiB * MiB;
    m.gpu = gpu;
    m.gpuFree = vramMiB * MiB;
    return m;
}
} // namespace

class TestMemoryPlan : public QObject {
    Q_OBJECT
private slots:
    void problem_set_waves_on_each_backend() {
        using compare_test::demoModels;
        if (!compare_test::haveDemoModels()) QSKIP("the demo models are not in resources/models");
        const QStringList paths = demoModels();
        const quint64 ram = 8000 * MiB;
        // CPU, and CUDA / Auto without a GPU (the engine runs them on the CPU): RAM.
        for (const auto& [backend, gpu] : {std::pair{Backend::Cpu, false},
                                           {Backend::Cpu, true},
                                           {Backend::Cuda, false},
                                           {Backend::Auto, false}}) {
            const WaveNeeds w =
                problemSetWaveNeeds(paths, 512, backend, -1, machine(16000, gpu, 100), ram);
            QVERIFY(!w.onGpu);
            QCOMPARE(w.budget, ram);
            QCOMPARE(w.bytes.size(), 3);
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(w.bytes[i], estimateModelBytes(paths[i], 512));
                QVERIFY(w.bytes[i] > 0);
            }
        }
        // CUDA with a GPU: each model's device part against the free VRAM.
        const WaveNeeds all =
            problemSetWaveNeeds(paths, 512, Backend::Cuda, -1, machine(16000, true, 100), ram);
        QVERIFY(all.onGpu);
        QCOMPARE(all.budget, 100 * MiB);
        for (int i = 0; i < 3; ++i) {
            const PlannedMemory plan = planModelMemory(paths[i], 512);
            QCOMPARE(all.bytes[i], needOnGpu(plan, -1, false).vram);
            QVERIFY(all.bytes[i] < plan.total()); // the host keeps the rest
        }
        const WaveNeeds one =
            problemSetWaveNeeds(paths, 512, Backend::Auto, 1, machine(16000, true, 100), ram);
        QVERIFY(one.onGpu);
        QVERIFY(one.bytes[2] < all.bytes[2]); // one layer of several
        // Two fit the GPU together, the third waits for the next wave.
        QCOMPARE(planWaves(all.bytes, all.bytes[0] + all.bytes[1]),
                 (QVector<QVector<int>>{{0, 1}, {2}}));
    }

    void needs_on_cpu_and_gpu() {
        const PlannedMemory p = model();
        QCOMPARE(needOnCpu(p, false).ram, 1210 * MiB);
        QCOMPARE(needOnCpu(p, false).vram, quint64(0));
        QCOMPARE(needOnCpu(p, true).ram, 140 * MiB);
        // All layers: 1000 weights + 20 output + 100 KV + 30 compute on the device; the host
        // keeps 50 MiB of weights and 40 MiB of the session.
        const MemoryNeed all = needOnGpu(p, -1, false);
        QCOMPARE(all.vram, 1150 * MiB);
        QCOMPARE(all.ram, 90 * MiB);
        QCOMPARE(needOnGpu(p, 99, false).vram, all.vram); // more than the model has: all
        // 4 layers: 400 + 20 + 40 + 30 on the device, the rest on the host.
        const MemoryNeed four = needOnGpu(p, 4, false);
        QCOMPARE(four.vram, 490 * MiB);
        QCOMPARE(four.ram, (1070 - 420 + 140 - 40) * MiB);
        QCOMPARE(four.vram + four.ram, p.total() + p.computeBytes); // buffers on both sides
        // Shared model: only the session's part.
        QCOMPARE(needOnGpu(p, -1, true).vram, 130 * MiB);
        QCOMPARE(needOnGpu(p, -1, true).ram, 40 * MiB);
        // No layer on the GPU is the CPU.
        QCOMPARE(needOnGpu(p, 0, false).ram, needOnCpu(p, false).ram);
        QCOMPARE(needOnGpu(p, 0, false).vram, quint64(0));
    }

    void cuda_column_waits_for_free_vram() {
        // 1.5 GiB free on the GPU: one CUDA copy (1150 MiB) fits, a second file does not.
        const QVector<ColumnDemand> cols = {waiting(Backend::Cuda, "a.gguf"),
                                            waiting(Backend::Cuda, "b.gguf")};
        const auto starts = planStarts(cols, machine(8000, true, 1536));
        QCOMPARE(starts.size(), 1);
        QCOMPARE(starts[0].column, 0);
        QCOMPARE(starts[0].where, Placement::Gpu);
        QCOMPARE(starts[0].runAs, Backend::Cuda);
        // With column 0 running on the GPU, column 1 still waits; once it finished, it starts.
        QVector<ColumnDemand> later = cols;
        later[0].waiting = false;
        later[0].running = true;
        later[0].placed = Placement::Gpu;
        later[0].runAs = Backend::Cuda;
        QVERIFY(planStarts(later, machine(8000, true, 1536)).isEmpty());
        later[0].running = false;
        const auto next = planStarts(later, machine(8000, true, 1536));
        QCOMPARE(next.size(), 1);
        QCOMPARE(next[0].column, 1);
        QCOMPARE(next[0].where, Placement::Gpu);
    }

    void cuda_column_alone_on_the_gpu_starts() {
        // Larger than the free VRAM but nothing else on the GPU: it starts (the engine says
        // what fits); a CPU column beside it runs too.
        const QVector<ColumnDemand> cols = {waiting(Backend::Cuda), waiting(Backend::Cpu, "b")};
        const auto starts = planStarts(cols, machine(8000, true, 500));
        QCOMPARE(starts.size(), 2);
        QCOMPARE(starts[0].where, Placement::Gpu);
        QCOMPARE(starts[1].where, Placement::Cpu);
        QCOMPARE(starts[1].runAs, Backend::Cpu);
    }

    void auto_column_without_room_is_planned_on_the_cpu() {
        const QVector<ColumnDemand> cols = {waiting(Backend::Auto, "a"),
                                            waiting(Backend::Auto, "b")};
        const auto starts = planStarts(cols, machine(8000, true, 1536));
        QCOMPARE(starts.size(), 2);
        QCOMPARE(starts[0].where, Placement::Gpu);
        QCOMPARE(starts[0].runAs, Backend::Auto);
        QCOMPARE(starts[1].where, Placement::Cpu);
        QCOMPARE(starts[1].runAs, Backend::Cpu); // asked to stay off the GPU
        // RAM for the GPU one's host part (90) but not for a CPU copy (1210): the Auto column
        // waits.
        QCOMPARE(planStarts(cols, machine(1000, true, 1536)).size(), 1);
    }

    void a_few_layers_fit_where_all_do_not() {
        // 600 MiB free: all layers (1150) do not fit, 4 layers (490) do.
        QVector<ColumnDemand> cols = {waiting(Backend::Cpu, "c"), waiting(Backend::Cuda, "a", 4),
                                      waiting(Backend::Cuda, "b", 4)};
        // Column 0 runs on the CPU; a CUDA column with 4 layers fits, a second one waits.
        cols[0].waiting = false;
        cols[0].running = true;
        const auto starts = planStarts(cols, machine(8000, true, 600));
        QCOMPARE(starts.size(), 1);
        QCOMPARE(starts[0].column, 1);
        QCOMPARE(starts[0].where, Placement::Gpu);
    }

    void same_model_on_the_gpu_counts_once() {
        // Two CUDA columns on one file with the same layers share the loaded model: the second
        // needs only 130 MiB of VRAM. On another backend it is a second model.
        const QVector<ColumnDemand> same = {waiting(Backend::Cuda), waiting(Backend::Cuda)};
        QCOMPARE(planStarts(same, machine(8000, true, 1300)).size(), 2);
        const QVector<ColumnDemand> other = {waiting(Backend::Cuda, "a", -1),
                                             waiting(Backend::Cuda, "a", 5)};
        QCOMPARE(planStarts(other, machine(8000, true, 1300)).size(), 1);
    }

    void without_a_gpu_cuda_runs_on_the_cpu() {
        // No CUDA device: a CUDA column is planned in RAM and keeps its backend, so the engine
        // runs it on the CPU and says why; Auto runs as CPU.
        const QVector<ColumnDemand> cols = {
            waiting(Backend::Cuda, "a"), waiting(Backend::Auto, "b"), waiting(Backend::Cpu, "c")};
        const auto starts = planStarts(cols, machine(2500, false, 0));
        QCOMPARE(starts.size(), 2); // 2 x 1210 MiB fit in 2500, not a third
        QCOMPARE(starts[0].where, Placement::Cpu);
        QCOMPARE(starts[0].runAs, Backend::Cuda);
        QCOMPARE(starts[1].where, Placement::Cpu);
        QCOMPARE(starts[1].runAs, Backend::Cpu);
        // The first waiting column starts when nothing runs, even larger than the RAM.
        QCOMPARE(planStarts(cols, machine(10, false, 0)).size(), 1);
        // No RAM figure: no limit.
        QCOMPARE(planStarts(cols, machine(0, false, 0)).size(), 3);
    }
};

QTEST_MAIN(TestMemoryPlan)
#include "tst_memory_plan.moc"
