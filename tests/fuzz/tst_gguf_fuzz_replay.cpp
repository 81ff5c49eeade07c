// Replays the GGUF seed corpus and the hand-made bad files (tests/data/gguf, made by
// make_gguf_cases.py) through the real parser: every corpus file opens and is consistent, every
// bad file is refused with its expected one-line message, and every prefix and many byte
// flips of the corpus files parse without crashing.
#include "gguf_fuzz_checks.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <fstream>
#include <map>

using namespace rwb::gguf;

namespace {

const QString kData = QStringLiteral(RWB_TEST_DATA_DIR "/gguf");

std::vector<uint8_t> read_bytes(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

QStringList gguf_files(const QString& dir) {
    return QDir(dir).entryList({"*.gguf"}, QDir::Files, QDir::Name);
}

std::map<QString, QString> expectations() {
    std::map<QString, QString> m;
    QFile f(kData + "/bad/expectations.tsv");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read expectations.tsv");
    for (const QByteArray& raw : f.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty() || line.startsWith('#')) continue;
        const int tab = line.indexOf('\t');
        if (tab < 0) qFatal("bad line in expectations.tsv: %s", qPrintable(line));
        m[line.left(tab)] = line.mid(tab + 1);
    }
    return m;
}

// Parses bytes from memory; returns the invariant problem, empty when fine.
std::string parse_and_check(const std::vector<uint8_t>& bytes, bool* opened = nullptr) {
    auto f = GgufFile::open_memory(bytes, "replay");
    if (opened) *opened = f.is_ok();
    return f ? gguf_fuzz::check_opened(**f) : gguf_fuzz::check_refused(f.message());
}

} // namespace

class TstGgufFuzzReplay : public QObject {
    Q_OBJECT
private slots:
    void corpus_files_open_data() {
        QTest::addColumn<QString>("file");
        const auto files = gguf_files(kData + "/corpus");
        QVERIFY(files.size() >= 5);
        for (const auto& f : files) QTest::newRow(qPrintable(f)) << f;
    }
    void corpus_files_open() {
        QFETCH(QString, file);
        const QString path = kData + "/corpus/" + file;
        auto f = GgufFile::open(path.toStdString());
        QVERIFY2(f, f.message().c_str());
        const std::string problem = gguf_fuzz::check_opened(**f);
        QVERIFY2(problem.empty(), problem.c_str());
        QVERIFY(parse_and_check(read_bytes(path)).empty());
    }

    void bad_files_are_refused_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");
        const auto exp = expectations();
        const auto files = gguf_files(kData + "/bad");
        QVERIFY(files.size() >= 40);
        // The folder and the list agree: no untested file, no stale expectation.
        QCOMPARE(size_t(files.size()), exp.size());
        for (const auto& f : files) {
            QVERIFY2(exp.count(f), qPrintable("no expectation for " + f));
            QTest::newRow(qPrintable(f)) << f << exp.at(f);
        }
    }
    void bad_files_are_refused() {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        const QString path = kData + "/bad/" + file;
        auto f = GgufFile::open(path.toStdString());
        QVERIFY2(!f, qPrintable(file + " opened"));
        const std::string problem = gguf_fuzz::check_refused(f.message());
        QVERIFY2(problem.empty(), (problem + ": " + f.message()).c_str());
        QVERIFY2(f.message().find(fragment.toStdString()) != std::string::npos,
                 qPrintable("got: " + QString::fromStdString(f.message())));
        // From memory: refused too, with the same message (an empty file has nothing to map).
        const auto bytes = read_bytes(path);
        auto m = GgufFile::open_memory(bytes, "mem");
        QVERIFY(!m);
        if (!bytes.empty()) QCOMPARE(m.message(), f.message());
    }

    // Arrays whose bytes are all present still may not make the parser allocate without
    // bound: 2^25 elements in total, 2^16 nested arrays.
    void array_budgets_bound_memory() {
        auto image = [](uint32_t elem_type, uint64_t count, size_t elem_bytes) {
            std::vector<uint8_t> b;
            auto put = [&](const void* p, size_t n) {
                b.insert(b.end(), static_cast<const uint8_t*>(p),
                         static_cast<const uint8_t*>(p) + n);
            };
            const uint32_t magic = 0x46554747, version = 3, array = 9;
            const uint64_t n_tensors = 0, n_kv = 1, key_len = 1;
            put(&magic, 4);
            put(&version, 4);
            put(&n_tensors, 8);
            put(&n_kv, 8);
            put(&key_len, 8);
            b.push_back('k');
            put(&array, 4);
            put(&elem_type, 4);
            put(&count, 8);
            const size_t at = b.size();
            b.resize(at + count * elem_bytes, 0);
            if (elem_type == 9) // empty uint8 arrays: type 0, count 0
                for (uint64_t k = 0; k < count; ++k) b[at + k * 12] = 0;
            return b;
        };
        auto ok_nested = GgufFile::open_memory(image(9, 65536, 12), "nested");
        QVERIFY2(ok_nested, ok_nested.message().c_str());
        auto too_nested = GgufFile::open_memory(image(9, 65537, 12), "nested");
        QVERIFY(!too_nested);
        QVERIFY2(too_nested.message().find("more than 65536 nested arrays") != std::string::npos,
                 too_nested.message().c_str());
        auto too_many = GgufFile::open_memory(image(0, (uint64_t(1) << 25) + 1, 1), "bytes");
        QVERIFY(!too_many);
        QVERIFY2(too_many.message().find("more than 33554432 elements in total") !=
                     std::string::npos,
                 too_many.message().c_str());
    }

    // Every prefix of every corpus file, and single-byte changes throughout its header.
    void truncations_and_flips_never_crash_data() { corpus_files_open_data(); }
    void truncations_and_flips_never_crash() {
        QFETCH(QString, file);
        const auto bytes = read_bytes(kData + "/corpus/" + file);
        auto full = GgufFile::open_memory(bytes, "full");
        QVERIFY(full);
        const bool has_tensors = !(*full)->tensors().empty();
        for (size_t n = 0; n < bytes.size(); ++n) {
            std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + long(n));
            bool opened = false;
            const std::string problem = parse_and_check(prefix, &opened);
            QVERIFY2(problem.empty(), qPrintable(QString("prefix %1: ").arg(n) + problem.c_str()));
            // The last tensor's data ends the file, so nothing shorter is complete.
            if (has_tensors) QVERIFY2(!opened, qPrintable(QString("prefix %1 opened").arg(n)));
        }
        const size_t header = std::min<size_t>(bytes.size(), (*full)->data_offset());
        for (size_t pos = 0; pos < header; ++pos)
            for (uint8_t x : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xff)}) {
                std::vector<uint8_t> flipped = bytes;
                flipped[pos] ^= x;
                const std::string problem = parse_and_check(flipped);
                QVERIFY2(problem.empty(),
                         qPrintable(QString("flip %1 at %2: ").arg(x).arg(pos) + problem.c_str()));
            }
    }
};

QTEST_GUILESS_MAIN(TstGgufFuzzReplay)
#include "tst_gguf_fuzz_replay.moc"
