// Utf8StreamDecoder and sanitize_utf8: characters split at every byte boundary come out whole;
// invalid sequences become U+FFFD per maximal subpart (the Unicode Standard's recommended
// practice, chapter 3 "U+FFFD Substitution of Maximal Subparts"); token pieces of real
// vocabularies streamed one by one give the decoded text.
#include "engine/tokenizer/tokenizer_corpus.h"
#include "engine/tokenizer/vocab_fixtures.h"

#include <QtTest>

using namespace rwb;

namespace {
const std::string kFFFD = "\xEF\xBF\xBD";

std::string stream_in_chunks(const std::string& bytes, const std::vector<size_t>& cuts) {
    Utf8StreamDecoder d;
    std::string out;
    size_t prev = 0;
    for (size_t c : cuts) {
        out += d.push(std::string_view(bytes).substr(prev, c - prev));
        prev = c;
    }
    out += d.push(std::string_view(bytes).substr(prev));
    out += d.flush();
    return out;
}
} // namespace

class TstUtf8Stream : public QObject {
    Q_OBJECT
private slots:
    void validTextSplitAtEveryBoundary() {
        // 1-, 2-, 3- and 4-byte characters, a ZWJ emoji sequence and combining marks.
        const std::string text =
            "a\xC3\xA9\xE4\xBD\xA0\xF0\x9F\x98\x80 👨‍👩‍👧 e\xCC\x81 Ω한";
        QVERIFY(QString::fromUtf8(text.data(), qsizetype(text.size())).toUtf8().toStdString() ==
                text);
        for (size_t cut = 0; cut <= text.size(); ++cut)
            QCOMPARE(stream_in_chunks(text, {cut}), text);
        for (size_t a = 0; a <= text.size(); ++a)
            for (size_t b = a; b <= text.size(); ++b)
                QCOMPARE(stream_in_chunks(text, {a, b}), text);
        // One byte at a time: nothing of a character appears before its last byte.
        Utf8StreamDecoder d;
        std::string out;
        for (char c : text) {
            const std::string piece = d.push(std::string_view(&c, 1));
            QCOMPARE(sanitize_utf8(piece), piece); // every emitted chunk is valid UTF-8
            out += piece;
        }
        QVERIFY(!d.has_pending());
        QCOMPARE(out + d.flush(), text);
    }

    void heldBackUntilComplete() {
        Utf8StreamDecoder d;
        QCOMPARE(d.push("ab\xE4\xBD"), std::string("ab"));
        QVERIFY(d.has_pending());
        QCOMPARE(d.push("\xA0"), std::string("\xE4\xBD\xA0"));
        QVERIFY(!d.has_pending());
        QCOMPARE(d.push("\xF0\x9F"), std::string());
        QCOMPARE(d.push("\x98"), std::string());
        QCOMPARE(d.push("\x80!"), std::string("\xF0\x9F\x98\x80!"));
    }

    void unicodeStandardExample() {
        // The Unicode Standard's example (table 3-8): 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64
        // decodes to a FFFD FFFD FFFD b FFFD c FFFD FFFD d.
        const std::string in = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
        const std::string want =
            "a" + kFFFD + kFFFD + kFFFD + "b" + kFFFD + "c" + kFFFD + kFFFD + "d";
        QCOMPARE(sanitize_utf8(in), want);
        for (size_t cut = 0; cut <= in.size(); ++cut) QCOMPARE(stream_in_chunks(in, {cut}), want);
        std::vector<size_t> every;
        for (size_t i = 1; i < in.size(); ++i) every.push_back(i);
        QCOMPARE(stream_in_chunks(in, every), want);
    }

    void invalidSequences_data() {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<int>("replacements");
        QTest::newRow("lone continuation") << QByteArray("\x80") << 1;
        QTest::newRow("three continuations") << QByteArray("\x80\x80\x80") << 3;
        QTest::newRow("overlong C0 AF") << QByteArray("\xC0\xAF") << 2;
        QTest::newRow("overlong E0 80 80") << QByteArray("\xE0\x80\x80") << 3;
        QTest::newRow("surrogate ED A0 80") << QByteArray("\xED\xA0\x80") << 3;
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 4;
        QTest::newRow("F5 lead") << QByteArray("\xF5\x80\x80\x80") << 4;
        QTest::newRow("FF") << QByteArray("\xFF") << 1;
        QTest::newRow("C3 then ASCII") << QByteArray("\xC3(") << 1;
        QTest::newRow("cut 4-byte then 4-byte") << QByteArray("\xF0\x9F\x98\xF0\x9F\x98\x80") << 1;
    }
    void invalidSequences() {
        QFETCH(QByteArray, in);
        QFETCH(int, replacements);
        const std::string s = in.toStdString();
        const std::string out = sanitize_utf8(s);
        int n = 0;
        for (size_t p = out.find(kFFFD); p != std::string::npos; p = out.find(kFFFD, p + 3)) ++n;
        QCOMPARE(n, replacements);
        QCOMPARE(sanitize_utf8(out), out);
        for (size_t cut = 0; cut <= s.size(); ++cut) QCOMPARE(stream_in_chunks(s, {cut}), out);
    }

    void unfinishedCharacterAtEndOfStream() {
        Utf8StreamDecoder d;
        QCOMPARE(d.push("ok\xE4\xBD"), std::string("ok"));
        QCOMPARE(d.flush(), kFFFD);
        QVERIFY(!d.has_pending());
        QCOMPARE(d.flush(), std::string());
        QCOMPARE(sanitize_utf8("ok\xE4\xBD"), "ok" + kFFFD);
    }

    void tokenPiecesStreamToText() {
        // Real vocabularies split many CJK and emoji characters across tokens.
        const auto corpus = test::load_tokenizer_corpus();
        QVERIFY(corpus.size() >= 300);
        auto v = test::load_fixture_vocabulary(test::VocabFixture::Llama3);
        QVERIFY2(v.is_ok(), v.message().c_str());
        auto tok = Tokenizer::from_vocabulary(std::move(v.value()));
        QVERIFY(tok.is_ok());
        int split_chars = 0;
        for (const auto& e : corpus) {
            const auto ids = tok->encode(e.bytes, true);
            Utf8StreamDecoder d;
            std::string out;
            for (TokenId id : ids) {
                const std::string& piece = tok->piece(id);
                if (sanitize_utf8(piece) != piece) ++split_chars;
                const std::string chunk = d.push(piece);
                QCOMPARE(sanitize_utf8(chunk), chunk);
                out += chunk;
            }
            out += d.flush();
            QCOMPARE(out, sanitize_utf8(e.bytes));
        }
        QVERIFY(split_chars > 10); // the corpus really exercises split characters
    }
};

QTEST_GUILESS_MAIN(TstUtf8Stream)
#include "tst_utf8_stream.moc"
