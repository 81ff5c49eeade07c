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
