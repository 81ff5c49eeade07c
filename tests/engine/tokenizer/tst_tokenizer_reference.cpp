// Checks rwb's tokenizer against the reference ids of the JS port of Hugging Face tokenizers for
// every corpus string (Qwen2, Llama 3, R1-Distill-Qwen), loaded from tokenizer.json and from
// vocabulary-only GGUFs; decode(encode(x)) round trips; special-token handling; bad input.
#include "engine/tokenizer/tokenizer_corpus.h"
#include "engine/tokenizer/vocab_fixtures.h"
#include "tokenizer/unicode_nfc.h"

#include <QtTest>

using namespace rwb;
using namespace rwb::test;

class TstTokenizerReference : public QObject {
    Q_OBJECT
    std::vector<CorpusEntry> corpus_;
    std::optional<Tokenizer> qwen2_, llama3_, r1_;

    // Compares every corpus string; prints each mismatch (string, expected, got).
    int compare_all(const Tokenizer& tok, const std::string& vocab) {
        int bad = 0;
        for (const auto& e : corpus_) {
            const auto got = tok.encode(e.bytes, true);
            const auto& want = e.expected.at(vocab);
            if (got != want) {
                ++bad;
                qWarning().noquote()
                    << QString("%1 #%2 [%3] %4\n  expected: %5\n  got:      %6")
                           .arg(QString::fromStdString(vocab))
                           .arg(e.id)
                           .arg(QString::fromStdString(e.category))
                           .arg(QString::fromUtf8(QByteArray::fromStdString(e.bytes))
                                    .toHtmlEscaped()
                                    .replace("\n", "\\n"))
                           .arg(QString::fromStdString(ids_to_string(want)))
                           .arg(QString::fromStdString(ids_to_string(got)));
            }
        }
        return bad;
    }

private slots:
    void initTestCase() {
        corpus_ = load_tokenizer_corpus();
        QVERIFY2(corpus_.size() >= 300, "corpus.jsonl / reference-ids.jsonl missing or short");
        for (auto [fixture, slot] : {std::pair{VocabFixture::Qwen2, &qwen2_},
                                     {VocabFixture::Llama3, &llama3_},
                                     {VocabFixture::R1Qwen, &r1_}}) {
            auto v = load_fixture_vocabulary(fixture);
            QVERIFY2(v.is_ok(), v.message().c_str());
            auto t = Tokenizer::from_vocabulary(std::move(v.value()));
            QVERIFY2(t.is_ok(), t.message().c_str());
            slot->emplace(std::move(t.value()));
        }
    }

    void qwen2MatchesReference() { QCOMPARE(compare_all(*qwen2_, "qwen2"), 0); }
    void llama3MatchesReference() { QCOMPARE(compare_all(*llama3_, "llama3"), 0); }
    void r1QwenMatchesReference() { QCOMPARE(compare_all(*r1_, "r1qwen"), 0); }

    void loadsFromTokenizerJsonWithConfig() {
        QCOMPARE(qwen2_->n_vocab(), 151669);
        QCOMPARE(qwen2_->pre_tokenizer(), std::string("qwen2"));
        QCOMPARE(qwen2_->eos(), 151645); // <|im_end|> per tokenizer_config.json
        QCOMPARE(qwen2_->pad(), 151643);
        QCOMPARE(qwen2_->bos(), -1);
        QVERIFY(!qwen2_->add_bos());
        QCOMPARE(llama3_->n_vocab(), 128256);
        QCOMPARE(llama3_->pre_tokenizer(), std::string("llama-bpe"));
        QCOMPARE(llama3_->bos(), 128000);
        QVERIFY(llama3_->add_bos());      // from the TemplateProcessing post-processor
        QCOMPARE(llama3_->eos(), 128009); // <|eot_id|>
        QVERIFY(llama3_->vocabulary().ignore_merges);
        QVERIFY(qwen2_->vocabulary().nfc);
    }

    void r1SpecialTokens() {
        const Tokenizer& t = *r1_;
        QCOMPARE(t.n_vocab(), 151665);
        QCOMPARE(t.bos(), 151646);
        QCOMPARE(t.eos(), 151643);
        QVERIFY(t.add_bos());
        QCOMPARE(t.find_token("<think>").value_or(-1), 151648);
        QCOMPARE(t.find_token("</think>").value_or(-1), 151649);
        QCOMPARE(t.find_token("<｜User｜>").value_or(-1), 151644);
        QCOMPARE(t.find_token("<｜Assistant｜>").value_or(-1), 151645);
        QCOMPARE(t.find_token(" the").value_or(-1), 279); // normal tokens by their text too
        QVERIFY(!t.find_token("<｜no such token｜>").has_value());
        QVERIFY(t.is_control(151643));
        QVERIFY(t.is_control(151646));
        QVERIFY(!t.is_control(151648)); // <think> is user-defined (special: false)
        QCOMPARE(t.token_type(151648), TokenType::UserDefined);
        QCOMPARE(t.token_type(279), TokenType::Normal);
        QVERIFY(t.is_end_of_generation(151643));
        QVERIFY(t.is_end_of_generation(151647)); // <|EOT|>
        QVERIFY(!t.is_end_of_generation(151648));
        QCOMPARE(t.piece(151648), std::string("<think>"));
        QCOMPARE(t.piece(279), std::string(" the"));
        QCOMPARE(t.piece(-1), std::string());
        QCOMPARE(t.piece(t.n_vocab()), std::string());
    }

    void parseSpecialOffSplitsControlTokensOnly() {
        const Tokenizer& t = *r1_;
        const std::string s = "<｜begin▁of▁sentence｜>Hi<think>";
        const auto with = t.encode(s, true);
        const auto without = t.encode(s, false);
        QCOMPARE(with.front(), 151646);
        QVERIFY(std::find(without.begin(), without.end(), 151646) == without.end());
        QCOMPARE(without.back(), 151648); // user-defined tokens still match
        QCOMPARE(t.decode(without), s);   // the control token's text went through BPE
    }

    void decodeRoundTrips() {
        for (auto* tok : {&*qwen2_, &*llama3_, &*r1_}) {
            for (const auto& e : corpus_) {
                std::string want = sanitize_utf8(e.bytes);
                if (tok->vocabulary().nfc) want = tok::to_nfc(want);
                const auto ids = tok->encode(e.bytes, true);
                const std::string got = tok->decode(ids);
                if (got != want)
                    QFAIL(qPrintable(QString("round trip of #%1 with %2 differs")
                                         .arg(e.id)
                                         .arg(QString::fromStdString(tok->pre_tokenizer()))));
            }
        }
    }

    void nfcIsAppliedOnlyForQwen() {
        const std::string decomposed = "cafe\xCC\x81"; // e + COMBINING ACUTE
        QCOMPARE(qwen2_->encode(decomposed, true), qwen2_->encode("caf\xC3\xA9", true));
        QVERIFY(llama3_->encode(decomposed, true) != llama3_->encode("caf\xC3\xA9", true));
    }

    void emptyAndInvalidInput() {
        QVERIFY(qwen2_->encode("", true).empty());
        // A lone continuation byte and a cut-off character each become one U+FFFD.
        QCOMPARE(qwen2_->encode("\x80", true), qwen2_->encode("\xEF\xBF\xBD", true));
        QCOMPARE(qwen2_->decode(std::vector<TokenId>{}), std::string());
    }

    void badVocabulariesGiveOneLineErrors() {
        auto missing = Tokenizer::load_hf("/nonexistent/tokenizer.json");
        QVERIFY(!missing.is_ok());
        QVERIFY(missing.message().find("/nonexistent/tokenizer.json") != std::string::npos);

        auto notjson = parse_hf_vocabulary("{not json", "");
        QVERIFY(!notjson.is_ok());

        auto wordpiece =
            parse_hf_vocabulary(R"({"model": {"type": "WordPiece", "vocab": {}}})", "");
        QVERIFY(!wordpiece.is_ok());
        QVERIFY(wordpiece.message().find("only BPE") != std::string::npos);

        auto v = load_fixture_vocabulary(VocabFixture::Qwen2);
        QVERIFY(v.is_ok());
        Vocabulary bad_pre = v.value();
        bad_pre.pre = "gpt-4o";
        auto t = Tokenizer::from_vocabulary(std::move(bad_pre));
        QVERIFY(!t.is_ok());
        QVERIFY(t.message().find("qwen2, deepseek-r1-qwen, llama-bpe") != std::string::npos);

        Vocabulary bad_bos = v.value();
        bad_bos.bos = 1 << 22;
        QVERIFY(!Tokenizer::from_vocabulary(std::move(bad_bos)).is_ok());

        Vocabulary no_bytes;
        no_bytes.pre = "qwen2";
        no_bytes.tokens = {"a", "b"};
        no_bytes.types = {TokenType::Normal, TokenType::Normal};
        auto nb = Tokenizer::from_vocabulary(std::move(no_bytes));
        QVERIFY(!nb.is_ok());
        QVERIFY(nb.message().find("byte") != std::string::npos);
    }

    void ggufVocabulariesMatchReference() {
        for (auto [fixture, name] : {std::pair{VocabFixture::Qwen2, "qwen2"},
                                     {VocabFixture::Llama3, "llama3"},
                                     {VocabFixture::R1Qwen, "r1qwen"}}) {
            auto path = make_vocab_gguf(fixture);
            QVERIFY2(path.is_ok(), path.message().c_str());
            auto t = Tokenizer::load_gguf(path.value());
            QVERIFY2(t.is_ok(), t.message().c_str());
            QCOMPARE(compare_all(t.value(), name), 0);
            const Tokenizer& from_json = fixture == VocabFixture::Qwen2    ? *qwen2_
                                         : fixture == VocabFixture::Llama3 ? *llama3_
                                                                           : *r1_;
            QCOMPARE(t->n_vocab(), from_json.n_vocab());
            QCOMPARE(t->bos(), from_json.bos());
            QCOMPARE(t->eos(), from_json.eos());
            QCOMPARE(t->add_bos(), from_json.add_bos());
            QCOMPARE(t->vocabulary().merges.size(), from_json.vocabulary().merges.size());
        }
    }
};

QTEST_GUILESS_MAIN(TstTokenizerReference)
#include "tst_tokenizer_reference.moc"
