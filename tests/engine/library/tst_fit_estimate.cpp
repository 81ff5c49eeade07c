// Memory fit estimate: the six R1-distill shapes (published config.json numbers) checked against
// a hand computation written out below (also in docs/model-fit.md), file sizes against the sizes
// the GGUF repositories publish, the verdict rules, and estimate vs. measured RSS of a real
// Session on synthesized GGUF models (within 10%).
#include "backends/cuda_host/cuda_module.h"
#include "quant/synth_writer.h"
#include "runtime/kv_cache.h"
#include "rwb/catalog.h"
#include "rwb/fit.h"
#include "rwb/model.h"
#include "rwb/session.h"

#include <QTemporaryDir>
#include <QtTest>

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>

namespace {

struct Shape {
    const char* preset;
    int64_t hidden, layers, heads, kv_heads, ffn, vocab;
    bool qkv_bias;
};
// config.json of deepseek-ai/DeepSeek-R1-Distill-*: hidden_size, num_hidden_layers,
// num_attention_heads, num_key_value_heads, intermediate_size, vocab_size.
const Shape kShapes[] = {
    {"r1-qwen-1.5b", 1536, 28, 12, 2, 8960, 151936, true},
    {"r1-qwen-7b", 3584, 28, 28, 4, 18944, 152064, true},
    {"r1-llama-8b", 4096, 32, 32, 8, 14336, 128256, false},
    {"r1-qwen-14b", 5120, 48, 40, 8, 13824, 152064, true},
    {"r1-qwen-32b", 5120, 64, 40, 8, 27648, 152064, true},
    {"r1-llama-70b", 8192, 80, 64, 8, 28672, 128256, false},
};

// Hand computation. head_dim = hidden / heads (128 for all six).
// KV (F16): 2 (K, V) * layers * kv_heads * head_dim * n_ctx * 2 bytes.
uint64_t hand_kv(const Shape& s, uint64_t n_ctx) {
    const uint64_t head_dim = uint64_t(s.hidden / s.heads);
    return 2 * uint64_t(s.layers) * uint64_t(s.kv_heads) * head_dim * n_ctx * 2;
}
// Matrix elements: embedding + output (vocab * hidden each, none of the six ties them) and per
// layer q, o (hidden^2), k, v (hidden * kv_heads * head_dim), gate, up, down (hidden * ffn).
uint64_t hand_matrix_elements(const Shape& s) {
    const uint64_t h = uint64_t(s.hidden), kvd = uint64_t(s.kv_heads * (s.hidden / s.heads));
    const uint64_t per_layer = 2 * h * h + 2 * h * kvd + 3 * h * uint64_t(s.ffn);
    return 2 * uint64_t(s.vocab) * h + uint64_t(s.layers) * per_layer;
}
// 1-D tensors kept F32: attn_norm, ffn_norm (hidden each) per layer, qwen2 q/k/v biases
// (hidden + 2 kv_dim) per layer, output_norm, and for the Llama 3.1 shapes rope_freqs
// (head_dim / 2 frequency factors).
uint64_t hand_vector_elements(const Shape& s) {
    const uint64_t h = uint64_t(s.hidden), kvd = uint64_t(s.kv_heads * (s.hidden / s.heads));
    const uint64_t rope = s.qkv_bias ? 0 : uint64_t(s.hidden / s.heads / 2);
    return uint64_t(s.layers) * (2 * h + (s.qkv_bias ? h + 2 * kvd : 0)) + h + rope;
}

long rss_bytes() {
    std::ifstream f("/proc/self/statm");
    long size = 0, resident = 0;
    f >> size >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

// RSS growth of loading `path`, creating a session of n_ctx tokens and prefilling all of them,
// measured in a forked child so that memory freed earlier in this process (and kept by malloc)
// does not hide the growth. -1 on failure.
long measure_session_rss(const std::string& path, int64_t n_ctx, int64_t n_vocab) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        long delta = -1;
        malloc_trim(0); // give back what the parent freed, so reuse cannot hide growth
        const long before = rss_bytes();
        {
            auto model = rwb::Model::load(path);
            rwb::SessionOptions so;
            so.n_ctx = n_ctx;
            so.n_batch = 256;
            so.n_threads = 2;
            if (model) {
                auto session = rwb::Session::create(*model, so);
                std::vector<int32_t> tokens(static_cast<size_t>(n_ctx));
                std::mt19937 rng(7);
                const uint32_t range = uint32_t(std::max<int64_t>(n_vocab - 300, 1));
                for (auto& t : tokens) t = int32_t(rng() % range); // below the special tokens
                if (session && (*session)->prefill(tokens)) delta = rss_bytes() - before;
            }
        }
        if (write(fds[1], &delta, sizeof delta) != sizeof delta) _exit(2);
        _exit(0);
    }
    close(fds[1]);
    long delta = -1;
    if (read(fds[0], &delta, sizeof delta) != sizeof delta) delta = -1;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return delta;
}

} // namespace

class TestFitEstimate : public QObject {
    Q_OBJECT

private slots:
    void distill_shapes_match_hand_computation_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<qint64>("ctx");
        for (int i = 0; i < 6; ++i)
            for (qint64 ctx : {4096, 32768})
                QTest::newRow(QString("%1@%2").arg(kShapes[i].preset).arg(ctx).toUtf8())
                    << i << ctx;
    }
    void distill_shapes_match_hand_computation() {
        QFETCH(int, index);
        QFETCH(qint64, ctx);
        const Shape& s = kShapes[index];
        // Q8_0 everywhere (34 bytes per 32 weights), norms/biases F32: exact.
        auto fp = rwb::footprint_from_preset(s.preset, "q8_0");
        QVERIFY2(fp, fp.message().c_str());
        QCOMPARE(fp->n_params, hand_matrix_elements(s) + hand_vector_elements(s));
        QCOMPARE(fp->tensor_bytes, hand_matrix_elements(s) / 32 * 34 + hand_vector_elements(s) * 4);
        rwb::MemoryOptions mo;
        mo.n_ctx = ctx;
        mo.n_threads = 4;
        const auto e = rwb::estimate_memory(*fp, mo);
        QCOMPARE(e.kv_cache, hand_kv(s, uint64_t(ctx)));
        QCOMPARE(e.small_tensors, hand_vector_elements(s) * 4);
        // The engine's own KV cache object agrees.
        rwb::runtime::KvCache kv(rwb::KvCacheType::F16, s.layers, s.kv_heads, 1,
                                 s.hidden / s.heads);
        QCOMPARE(kv.total_bytes() * uint64_t(ctx), e.kv_cache);
        // Resident weights: everything but the untouched embedding rows (a 64 KiB fault-around
        // window per token of context, at most the whole table).
        const uint64_t emb = uint64_t(s.vocab) * uint64_t(s.hidden) / 32 * 34;
        const uint64_t row_pages = (uint64_t(s.hidden) / 32 * 34 + 65535) / 65536 * 65536;
        QCOMPARE(e.weights, fp->tensor_bytes - emb + std::min(emb, uint64_t(ctx) * row_pages));
        // Compute buffers for a 256-token batch: 4 bytes * 256 * (2 hidden + 2 q_dim + 2 kv_dim
        // + 2 ffn), plus smaller terms (< 8 MiB for these shapes).
        const uint64_t kvd = uint64_t(s.kv_heads * (s.hidden / s.heads));
        const uint64_t buffers =
            4u * 256u * (4 * uint64_t(s.hidden) + 2 * kvd + 2 * uint64_t(s.ffn));
        QVERIFY(e.compute >= buffers);
        QVERIFY(e.compute < buffers + (uint64_t(8) << 20) + uint64_t(ctx) * 4);
        QCOMPARE(e.total(), e.weights + e.metadata + e.small_tensors + e.tokenizer + e.kv_cache +
                                e.compute + e.runtime);
    }

    // Our per-tensor mix for Q4_K_M / Q5_K_M / Q6_K (llama.cpp's rules) against the sizes the
    // unsloth repositories show (decimal GB, rounded to 3 significant digits).
    void file_sizes_match_published() {
        int checked = 0;
        for (const auto& m : rwb::builtin_catalog())
            for (const auto& f : m.files) {
                if (f.published_size.empty() || f.parts > 1) continue;
                const double published =
                    QString::fromStdString(f.published_size).split(' ')[0].toDouble() * 1e9;
                auto fp = rwb::footprint_from_preset(m.shape, f.quant);
                QVERIFY2(fp, fp.message().c_str());
                const double ours = double(fp->file_bytes);
                QVERIFY2(std::abs(ours - published) / published < 0.01,
                         qPrintable(
                             QString("%1:%2 ours %3 published %4")
                                 .arg(QString::fromStdString(m.id), QString::fromStdString(f.quant))
                                 .arg(ours)
                                 .arg(published)));
                ++checked;
            }
        QVERIFY(checked >= 15);
    }

    void verdicts() {
        auto fp = rwb::footprint_from_preset("r1-qwen-7b", "q4_k_m");
        QVERIFY(fp);
        rwb::MemoryOptions mo;
        mo.n_ctx = 4096;
        mo.n_threads = 4;
        const auto e = rwb::estimate_memory(*fp, mo);
        const uint64_t GiB = uint64_t(1) << 30;
        rwb::MachineMemory laptop{16 * GiB, 16 * GiB, {}, {}};
        QCOMPARE(rwb::fit_verdict(*fp, e, laptop).kind, rwb::FitKind::Cpu);
        rwb::MachineMemory small{2 * GiB, 4 * GiB, {}, {}};
        QCOMPARE(rwb::fit_verdict(*fp, e, small).kind, rwb::FitKind::DoesNotFit);
        rwb::MachineMemory big_gpu{16 * GiB, 32 * GiB, {24 * GiB}, {"gpu"}};
        const auto g = rwb::fit_verdict(*fp, e, big_gpu);
        QCOMPARE(g.kind, rwb::FitKind::Gpu);
        QCOMPARE(g.gpu_layers, int64_t(28));
        // 3 GiB of VRAM: some of the 28 layers (each ~140 MiB weights + 8 MiB KV at 4k).
        rwb::MachineMemory small_gpu{16 * GiB, 32 * GiB, {3 * GiB}, {"gpu"}};
        const auto p = rwb::fit_verdict(*fp, e, small_gpu);
        QCOMPARE(p.kind, rwb::FitKind::PartialGpu);
        QVERIFY(p.gpu_layers > 5 && p.gpu_layers < 28);
        QVERIFY(p.vram_needed <= 3 * GiB - rwb::kGpuReserveBytes);
        // The recommended pick for a 16 GB laptop at 4k context is a 14B (largest Q4_K_M that
        // fits).
        auto pick = rwb::recommend_pick(rwb::builtin_catalog(),
                                        rwb::MachineMemory{12 * GiB, 16 * GiB, {}, {}}, 4096);
        QVERIFY(pick);
        QCOMPARE(QString::fromStdString(pick->ref.model->id), QString("r1-distill-qwen-14b"));
        QVERIFY(pick->estimate.total() <= 12 * GiB);
        QVERIFY(!rwb::recommend_pick(rwb::builtin_catalog(),
                                     rwb::MachineMemory{512 << 20, GiB, {}, {}}, 4096));
    }

    // The GPUs come from the CUDA module: none without it (or without a device, as in CI), and
    // then every verdict is a CPU one. With a device, tst_cuda_backend checks the figures.
    void gpus_from_the_cuda_module() {
        std::string why;
        const bool module = rwb::cuda_host::cuda_module(&why) != nullptr;
        const auto gpus = rwb::probe_gpus();
        const auto machine = rwb::probe_machine_memory_with_gpus();
        QCOMPARE(machine.gpu_free.size(), machine.gpu_names.size());
        QVERIFY(machine.ram_total > 0);
        if (module) {
            QVERIFY(!gpus.empty());
            QSKIP("a CUDA device is present (its figures are checked by tst_cuda_backend)");
        }
        qInfo("no CUDA module: %s", why.c_str());
        QVERIFY(gpus.empty());
        QVERIFY(machine.gpu_free.empty());
        auto fp = rwb::footprint_from_preset("r1-qwen-1.5b", "q4_k_m");
        QVERIFY(fp);
        const auto v = rwb::fit_verdict(*fp, rwb::estimate_memory(*fp, {}), machine);
        QVERIFY2(v.kind == rwb::FitKind::Cpu || v.kind == rwb::FitKind::DoesNotFit,
                 v.summary.c_str());
        QCOMPARE(v.gpu, -1);
        QCOMPARE(v.vram_needed, uint64_t(0));
    }

    // Estimate vs. measured: RSS growth of Model::load + Session::create + a prefill that fills
    // the whole context (every KV page written, every weight read) on synthesized models.
    void estimate_within_ten_percent_of_rss_data() {
        QTest::addColumn<int>("hidden");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("kv_heads");
        QTest::addColumn<int>("ffn");
        QTest::addColumn<int>("vocab");
        QTest::addColumn<int>("ctx");
        QTest::addColumn<QString>("type");
        // weights dominate
        QTest::newRow("weights-q8_0") << 768 << 6 << 12 << 4 << 2048 << 16384 << 256 << "q8_0";
        // KV cache dominates (long context, many KV heads)
        QTest::newRow("kv-q4_k_m") << 256 << 4 << 4 << 4 << 512 << 4096 << 2048 << "q4_k_m";
    }
    void estimate_within_ten_percent_of_rss() {
        QFETCH(int, hidden);
        QFETCH(int, layers);
        QFETCH(int, heads);
        QFETCH(int, kv_heads);
        QFETCH(int, ffn);
        QFETCH(int, vocab);
        QFETCH(int, ctx);
        QFETCH(QString, type);
        QTemporaryDir dir;
        rwb::quant::SynthShape s;
        s.name = "fit test";
        s.arch = "qwen2";
        s.hidden = hidden;
        s.layers = layers;
        s.heads = heads;
        s.kv_heads = kv_heads;
        s.head_dim = hidden / heads;
        s.ffn = ffn;
        s.vocab = vocab;
        s.context = 8192;
        s.qkv_bias = true;
        const std::string path = dir.filePath("m.gguf").toStdString();
        rwb::quant::SynthOptions so;
        so.threads = 2;
        QVERIFY(rwb::quant::write_synth_model(s, *rwb::quant::parse_quant_mix(type.toStdString()),
                                              so, path));

        auto fp = rwb::footprint_from_gguf(path);
        QVERIFY2(fp, fp.message().c_str());
        rwb::MemoryOptions mo;
        mo.n_ctx = ctx;
        mo.n_batch = 256;
        mo.n_threads = 2;
        const auto est = rwb::estimate_memory(*fp, mo);

        const long measured = measure_session_rss(path, ctx, vocab);
        QVERIFY(measured > 0);
        const double ratio = double(est.total()) / double(measured);
        qInfo("%s: estimate %s (weights %s, kv %s, compute %s, tokenizer %s, metadata %s), "
              "measured RSS growth %s, ratio %.3f",
              qPrintable(type), rwb::format_bytes(est.total()).c_str(),
              rwb::format_bytes(est.weights).c_str(), rwb::format_bytes(est.kv_cache).c_str(),
              rwb::format_bytes(est.compute).c_str(), rwb::format_bytes(est.tokenizer).c_str(),
              rwb::format_bytes(est.metadata).c_str(),
              rwb::format_bytes(uint64_t(measured)).c_str(), ratio);
        QVERIFY2(ratio > 0.9 && ratio < 1.1, qPrintable(QString("ratio %1").arg(ratio)));
    }

    void demo_models_within_ten_percent() {
        const QDir models(QStringLiteral(RWB_SOURCE_DIR) + "/resources/models");
        const auto files = models.entryList({"*.gguf"}, QDir::Files);
        if (files.isEmpty()) QSKIP("no demo models in resources/models yet");
        for (const auto& f : files) {
            const std::string path = models.filePath(f).toStdString();
            auto fp = rwb::footprint_from_gguf(path);
            QVERIFY2(fp, fp.message().c_str());
            const int64_t ctx = std::min<int64_t>(fp->n_ctx_train, 512);
            rwb::MemoryOptions mo;
            mo.n_ctx = ctx;
            mo.n_threads = 2;
            const auto est = rwb::estimate_memory(*fp, mo);
            const long measured = measure_session_rss(path, ctx, fp->n_vocab);
            QVERIFY(measured > 0);
            const double ratio = double(est.total()) / double(measured);
            qInfo("%s: estimate %s (weights %s, kv %s, compute %s, tokenizer %s, metadata %s), "
                  "measured %s, ratio %.3f",
                  qPrintable(f), rwb::format_bytes(est.total()).c_str(),
                  rwb::format_bytes(est.weights).c_str(), rwb::format_bytes(est.kv_cache).c_str(),
                  rwb::format_bytes(est.compute).c_str(), rwb::format_bytes(est.tokenizer).c_str(),
                  rwb::format_bytes(est.metadata).c_str(),
                  rwb::format_bytes(uint64_t(measured)).c_str(), ratio);
            QVERIFY2(ratio > 0.9 && ratio < 1.1, qPrintable(f));
        }
    }
};

QTEST_GUILESS_MAIN(TestFitEstimate)
#include "tst_fit_estimate.moc"
