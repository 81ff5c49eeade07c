// Our logits for llama.cpp's tiny reference models (qwen2 and llama, 8 tensor types) against the
// float64 forward pass in tests/data/reference: relative L2 error within 1.5x llama.cpp's own
// error (at least 1e-5), and for F32/F16/BF16 top-1 agreement no more than 2 points below
// llama.cpp's. Runs in-process with an F32 KV cache (the reference keeps K/V in full precision;
// the default F16 cache is checked separately against llama.cpp's F16-cache figure).
#include "reference_data.h"

#include "rwb/model.h"
#include "rwb/session.h"

#include <QtTest>

using namespace model_test;

class TestModelReference : public QObject {
    Q_OBJECT

private:
    static std::vector<float> run(const QString& name, const std::vector<int32_t>& ids,
                                  rwb::KvCacheType kv, int threads, int64_t n_batch) {
        rwb::ModelOptions mo;
        mo.load_tokenizer = false;
        auto model = rwb::Model::load(model_path(name).toStdString(), mo);
        if (!model) {
            qWarning("%s", model.message().c_str());
            return {};
        }
        rwb::SessionOptions so;
        so.n_ctx = 256;
        so.kv_type = kv;
        so.n_threads = threads;
        so.n_batch = n_batch;
        auto session = rwb::Session::create(*model, so);
        if (!session) {
            qWarning("%s", session.message().c_str());
            return {};
        }
        std::vector<float> all;
        auto s = (*session)->prefill(ids, &all);
        if (!s) {
            qWarning("%s", s.message().c_str());
            return {};
        }
        return all;
    }

private slots:
    void initTestCase() {
        if (!QFile::exists(reference_dir() + "/index.tsv"))
            QFAIL("tests/data/reference is missing");
    }

    void logits_match_exact_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("seq");
        for (const QString& name : reference_model_names())
            for (const char* seq : {"seq1", "seq17", "seq150"})
                QTest::newRow(qPrintable(name + "/" + seq)) << name << QString(seq);
    }

    void logits_match_exact() {
        QFETCH(QString, name);
        QFETCH(QString, seq);
        const auto index = read_index();
        const auto it = index.find(name + "/" + seq);
        QVERIFY2(it != index.end(), "row missing in index.tsv");
        const auto ids = read_tokens(seq);
        QVERIFY(!ids.empty());
        const auto exact = read_f32(reference_dir() + "/logits/" + name + "." + seq + ".exact.f32");
        QCOMPARE(exact.size(), ids.size() * 1024);

        // Batches of 64 so seq150 also exercises prefill over an already filled cache.
        const auto ours = run(name, ids, rwb::KvCacheType::F32, 2, 64);
        QCOMPARE(ours.size(), exact.size());
        const double err = rel_l2(ours, exact);
        const double bound = std::max(1.5 * it->second.llamacpp_rel_l2, 1e-5);
        const double top1 = top1_agreement(ours, exact, 1024);
        qInfo("%s %s: rel_l2 %.3e (bound %.3e, llama.cpp %.3e), top1 %.3f (llama.cpp %.3f)",
              qPrintable(name), qPrintable(seq), err, bound, it->second.llamacpp_rel_l2, top1,
              it->second.llamacpp_top1);
        QVERIFY2(err <= bound, qPrintable(QString("rel L2 %1 > %2").arg(err).arg(bound)));
        if (name.endsWith("-f32") || name.endsWith("-f16") || name.endsWith("-bf16"))
            QVERIFY2(
                top1 >= it->second.llamacpp_top1 - 0.02,
                qPrintable(
                    QString("top-1 %1 vs llama.cpp %2").arg(top1).arg(it->second.llamacpp_top1)));
    }

    // The default F16 KV cache: llama.cpp with its (default) F16 cache is 1.5e-4 .. 2.5e-4 from
    // exact on the f32 files; we allow 5e-4.
    void f16_kv_cache_close_to_exact_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("qwen2") << QString("qwen2-tiny-f32");
        QTest::newRow("llama") << QString("llama-tiny-f32");
    }
    void f16_kv_cache_close_to_exact() {
        QFETCH(QString, name);
        const auto ids = read_tokens("seq150");
        const auto exact = read_f32(reference_dir() + "/logits/" + name + ".seq150.exact.f32");
        const auto ours = run(name, ids, rwb::KvCacheType::F16, 2, 256);
        QCOMPARE(ours.size(), exact.size());
        const double err = rel_l2(ours, exact);
        qInfo("%s seq150 F16 KV: rel_l2 %.3e", qPrintable(name), err);
        QVERIFY(err > 0);
        QVERIFY2(err <= 5e-4, qPrintable(QString("rel L2 %1").arg(err)));
    }

    // One thread vs two and batch 1 vs 150 give the same logits (within float reordering).
    void threads_and_batching_do_not_change_results() {
        const auto ids = read_tokens("seq17");
        const auto a = run("qwen2-tiny-q4_k_m", ids, rwb::KvCacheType::F16, 1, 1);
        const auto b = run("qwen2-tiny-q4_k_m", ids, rwb::KvCacheType::F16, 2, 17);
        QCOMPARE(a.size(), b.size());
        QVERIFY(!a.empty());
        QVERIFY2(rel_l2(a, b) < 1e-5, qPrintable(QString::number(rel_l2(a, b))));
    }
};

QTEST_GUILESS_MAIN(TestModelReference)
#include "tst_model_reference.moc"
