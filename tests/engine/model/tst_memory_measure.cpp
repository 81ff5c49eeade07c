// Measured memory of a model and a session on the bundled demo model (rwb-demo-large, 15 MB F16):
// the weights' resident bytes come in as a forward pass reads them and never exceed the mapped
// file; a session's KV cache costs address space until positions are written and then grows
// with the tokens cached; both agree with the process's own resident set (VmRSS) within a
// tolerance.
#include "rwb/model.h"
#include "rwb/session.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <unistd.h>

namespace {

QString demoModel(const char* size) {
    QString dir = qEnvironmentVariable("RWB_DEMO_MODEL_DIR");
    if (dir.isEmpty()) dir = QStringLiteral(RWB_SOURCE_DIR "/resources/models");
    return dir + QStringLiteral("/rwb-demo-%1.gguf").arg(size);
}

// The process's resident set (VmRSS of /proc/self/status) in bytes; 0 where there is none.
qint64 vmRssBytes() {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    return 0;
}

// Writes the file to disk and asks the OS to drop its unmapped pages from the page cache. False
// if the call failed (a file system may also ignore the advice: the caller checks).
bool evictFromPageCache(const QString& path) {
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0) return false;
    ::fdatasync(fd);
    const bool ok = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
    ::close(fd);
    return ok;
}

// Transparent huge pages for all anonymous memory: a first write may then commit 2 MiB at once.
bool hugePagesAlways() {
    QFile f(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
    return f.open(QIODevice::ReadOnly) && f.readAll().contains("[always]");
}

std::vector<rwb::TokenId> someTokens(int64_t n, int64_t vocab, int64_t offset = 0) {
    std::vector<rwb::TokenId> ids;
    for (int64_t i = 0; i < n; ++i) ids.push_back(rwb::TokenId((i * 7 + offset + 3) % vocab));
    return ids;
}

std::unique_ptr<rwb::Session> makeSession(std::shared_ptr<const rwb::Model> m, int64_t n_ctx,
                                          int64_t n_batch) {
    rwb::SessionOptions so;
    so.n_ctx = n_ctx;
    so.n_threads = 2;
    so.n_batch = n_batch;
    auto s = rwb::Session::create(std::move(m), so);
    if (!s) qWarning("%s", s.message().c_str());
    return s ? std::move(*s) : nullptr;
}

} // namespace

class TestMemoryMeasure : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (!QFile::exists(demoModel("large")) || !QFile::exists(demoModel("small")))
            QSKIP("the demo models are not in resources/models");
    }

    void weights_come_in_as_the_forward_pass_reads_them() {
        // A private copy: nobody else maps it, so its pages can really leave the page cache.
        const QString path = m_dir.filePath(QStringLiteral("large.gguf"));
        QVERIFY(QFile::copy(demoModel("large"), path));
        const qint64 fileSize = QFileInfo(path).size();

        rwb::ModelOptions mo;
        mo.load_tokenizer = false;
        auto loaded = rwb::Model::load(path.toStdString(), mo);
        QVERIFY2(loaded, loaded.message().c_str());
        const auto model = *loaded;
        // Loading reads the header and the small tensors, and the OS reads around them (up to
        // read_ahead_kb, often megabytes): drop the pages again, so that what the forward pass
        // brings in can be seen. The pages the load mapped into this process stay.
        const bool evicted = evictFromPageCache(path);
        const rwb::ModelMemory before = model->memory();
        QCOMPARE(before.mapped_bytes, quint64(fileSize));
        QVERIFY(before.resident_bytes <= before.mapped_bytes);
        QVERIFY(before.heap_bytes > 0); // norms, biases, rope table as floats
        QVERIFY(before.heap_bytes < before.mapped_bytes / 10);
        QCOMPARE(before.vram_bytes, quint64(0));
        QCOMPARE(model->resident_weight_bytes(), before.resident_bytes + before.heap_bytes);

        auto session = makeSession(model, 256, 64);
        QVERIFY(session);
        const qint64 rssBefore = vmRssBytes();
        const rwb::SessionMemory sessionBefore = session->memory();
        QVERIFY(session->prefill(someTokens(48, model->info().n_vocab)));
        const rwb::ModelMemory after = model->memory();
        const rwb::SessionMemory sessionAfter = session->memory();
        const qint64 rssAfter = vmRssBytes();
        qInfo("weights resident: %llu -> %llu of %llu mapped (+%llu heap); page cache evicted: %s",
              qulonglong(before.resident_bytes), qulonglong(after.resident_bytes),
              qulonglong(after.mapped_bytes), qulonglong(after.heap_bytes), evicted ? "yes" : "no");

        // Tied embeddings: one pass reads every matrix, so (nearly) the whole file is in RAM.
        QVERIFY(after.resident_bytes <= after.mapped_bytes);
        QVERIFY(after.resident_bytes >= after.mapped_bytes * 9 / 10);
        QCOMPARE(after.heap_bytes, before.heap_bytes);
        if (!evicted || before.resident_bytes > before.mapped_bytes / 2)
            QSKIP("the OS kept the file in its page cache: the rise cannot be seen here");
        QVERIFY(after.resident_bytes > before.resident_bytes + before.mapped_bytes / 2);

        // The process's resident set grew by what was measured: the weights read, the KV
        // positions written and the scratch the first evaluation allocated.
        if (rssBefore <= 0) QSKIP("no /proc/self/status VmRSS on this system");
        const double measured =
            double(after.resident_bytes - before.resident_bytes) +
            double(sessionAfter.kv_resident_bytes - sessionBefore.kv_resident_bytes) +
            double(sessionAfter.buffer_bytes - sessionBefore.buffer_bytes);
        const double rss = double(rssAfter - rssBefore);
        qInfo("VmRSS grew by %.0f bytes; measured %.0f", rss, measured);
        QVERIFY2(rss > measured * 0.7 - double(1 << 20) && rss < measured * 1.3 + double(2 << 20),
                 qPrintable(QStringLiteral("VmRSS +%1, measured +%2").arg(rss).arg(measured)));
    }

    void session_kv_cache_grows_with_the_tokens_written() {
        rwb::ModelOptions mo;
        mo.load_tokenizer = false;
        auto loaded = rwb::Model::load(demoModel("large").toStdString(), mo);
        QVERIFY2(loaded, loaded.message().c_str());
        const auto model = *loaded;
        const int64_t nCtx = 4096, vocab = model->info().n_vocab;
        const uint64_t perToken = model->kv_bytes_per_token();

        const qint64 rss0 = vmRssBytes();
        auto session = makeSession(model, nCtx, 64);
        QVERIFY(session);
        const rwb::SessionMemory fresh = session->memory();
        const qint64 rss1 = vmRssBytes();
        // Reserved for the whole context, but nothing written yet: no page of it is in RAM.
        QCOMPARE(fresh.kv_bytes, perToken * uint64_t(nCtx));
        QCOMPARE(fresh.kv_resident_bytes, quint64(0));
        QVERIFY(fresh.buffer_bytes >= uint64_t(vocab) * sizeof(float)); // logits at least
        QCOMPARE(session->memory_bytes(), fresh.kv_bytes + fresh.buffer_bytes);
        QCOMPARE(session->resident_bytes(), fresh.buffer_bytes);
        if (rss0 > 0) {
            // The 6 MiB reservation is not in the resident set; the buffers are.
            qInfo("session created: VmRSS +%lld, KV reserved %llu, buffers %llu",
                  qlonglong(rss1 - rss0), qulonglong(fresh.kv_bytes),
                  qulonglong(fresh.buffer_bytes));
            QVERIFY(double(rss1 - rss0) < double(fresh.buffer_bytes) * 1.5 + double(1 << 20));
            QVERIFY(uint64_t(rss1 - rss0) < fresh.kv_bytes / 2);
        }

        // Every byte written is resident; at most a page per (layer, K/V, head) block more (a
        // huge page, with transparent huge pages always on).
        const auto checkKv = [&](const rwb::SessionMemory& m, int64_t tokens) {
            const uint64_t written = perToken * uint64_t(tokens);
            const uint64_t blocks = 2u * uint64_t(model->info().n_layer * model->info().n_head_kv);
            const uint64_t page = hugePagesAlways() ? (2u << 20) : uint64_t(sysconf(_SC_PAGESIZE));
            const uint64_t slack = blocks * page;
            qInfo("%lld tokens: KV resident %llu (written %llu)", qlonglong(tokens),
                  qulonglong(m.kv_resident_bytes), qulonglong(written));
            QVERIFY(m.kv_resident_bytes >= written);
            QVERIFY(m.kv_resident_bytes <= std::min(written + slack, m.kv_bytes));
            QCOMPARE(m.kv_bytes, perToken * uint64_t(nCtx)); // the reservation never changes
        };
        QVERIFY(session->prefill(someTokens(200, vocab)));
        const rwb::SessionMemory m200 = session->memory();
        checkKv(m200, 200);
        QVERIFY(session->append(someTokens(1000, vocab, 5)));
        const rwb::SessionMemory m1200 = session->memory();
        checkKv(m1200, 1200);
        QVERIFY(m1200.kv_resident_bytes >= m200.kv_resident_bytes);
        if (!hugePagesAlways()) QVERIFY(m1200.kv_resident_bytes > m200.kv_resident_bytes);
        // The buffers were sized for the batch at the first evaluation: more tokens of the same
        // batch size allocate nothing.
        QCOMPARE(m1200.buffer_bytes, m200.buffer_bytes);
        const qint64 rss2 = vmRssBytes();
        if (rss0 > 0) {
            // The KV pages written show up in the resident set (the weights were resident
            // before: the first evaluation after create is what brought them in, counted here
            // by the model).
            const double kvGrowth = double(m1200.kv_resident_bytes - m200.kv_resident_bytes);
            qInfo("1000 more tokens: KV resident +%.0f, VmRSS +%lld since create", kvGrowth,
                  qlonglong(rss2 - rss1));
            QVERIFY(double(rss2 - rss1) >= kvGrowth * 0.8);
        }

        // Clearing forgets the tokens but keeps the pages: resident stays, allocation stays.
        session->clear();
        const rwb::SessionMemory cleared = session->memory();
        QCOMPARE(cleared.kv_resident_bytes, m1200.kv_resident_bytes);
        QCOMPARE(session->memory_bytes(), m1200.kv_bytes + m1200.buffer_bytes);
    }

    void smaller_model_takes_less() {
        rwb::ModelOptions mo;
        mo.load_tokenizer = false;
        auto small = rwb::Model::load(demoModel("small").toStdString(), mo);
        auto large = rwb::Model::load(demoModel("large").toStdString(), mo);
        QVERIFY(small && large);
        QVERIFY((*small)->memory().mapped_bytes < (*large)->memory().mapped_bytes);
        QVERIFY((*small)->memory().heap_bytes < (*large)->memory().heap_bytes);
        auto ss = makeSession(*small, 512, 32);
        auto sl = makeSession(*large, 512, 32);
        QVERIFY(ss && sl);
        QVERIFY(ss->memory_bytes() < sl->memory_bytes());
    }
};

QTEST_MAIN(TestMemoryMeasure)
#include "tst_memory_measure.moc"
