// A 30,000-token context on the tiny qwen2 model (it allows 32768): a 512-token prompt and 256
// generated tokens must not grow memory beyond the KV cache the session reserved (attention uses
// an online softmax, no n x n scores). RSS read from /proc/self/statm.
#include "reference_data.h"

#include "rwb/model.h"
#include "rwb/session.h"

#include <QtTest>

#include <fstream>
#include <random>
#include <unistd.h>

using namespace model_test;

namespace {
double rss_mib() {
    std::ifstream f("/proc/self/statm");
    long pages = 0, resident = 0;
    f >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}
} // namespace

class TestLongContext : public QObject {
    Q_OBJECT
private slots:
    void long_context_memory_is_bounded() {
#ifndef __linux__
        QSKIP("RSS via /proc is Linux only");
#endif
        // No tokenizer: no end-of-generation token can cut the 256 generated tokens short.
        rwb::ModelOptions mo;
        mo.load_tokenizer = false;
        auto m = rwb::Model::load(model_path("qwen2-tiny-q8_0").toStdString(), mo);
        QVERIFY2(m.is_ok(), m.message().c_str());
        rwb::SessionOptions so;
        so.n_ctx = 30000;
        so.n_threads = 2;
        so.n_batch = 512;
        const double before = rss_mib();
        auto s = rwb::Session::create(*m, so);
        QVERIFY2(s.is_ok(), s.message().c_str());
        const double kv_mib = double((*m)->kv_bytes_per_token()) * 30000 / (1024.0 * 1024.0);

        std::mt19937 rng(5);
        std::vector<int32_t> prompt(512);
        for (auto& t : prompt) t = int32_t(rng() % 1000);
        rwb::GenerationParams gp;
        gp.sampler.seed = 3;
        gp.sampler.temperature = 1.0f;
        gp.max_tokens = 256;
        gp.start_in_thought = false;
        const double after_create = rss_mib();
        int64_t generated = 0;
        double mid = 0;
        auto st = (*s)->generate(prompt, gp, [&](const rwb::GeneratedToken& g) {
            if (g.index == 0) mid = rss_mib();
            if (g.id >= 0) ++generated;
            return true;
        });
        QVERIFY2(st.is_ok(), st.message().c_str());
        const double after = rss_mib();
        qInfo("RSS MiB: before session %.1f, after create %.1f, after prefill %.1f, after %lld "
              "tokens %.1f; whole KV cache %.1f MiB",
              before, after_create, mid, (long long)generated, after, kv_mib);
        // Generation adds at most its own K/V (768 of 30000 positions) plus a little slack.
        const double kv_used = kv_mib * double(512 + generated) / 30000.0;
        QVERIFY2(after - mid <= kv_used + 4.0, "memory grew during generation");
        // The whole session stays within its KV cache plus buffers (activations for 512 rows).
        QVERIFY2(after - before <= kv_mib + 32.0, "session uses more than KV cache + buffers");
    }
};

QTEST_GUILESS_MAIN(TestLongContext)
#include "tst_long_context.moc"
