// The prompt of a continued conversation: earlier assistant turns go back to the model without
// their reasoning (R1 practice), the system prompt comes first, and the ids the worker feeds the
// engine are those of the expected R1 text (checked on a real GGUF vocabulary).
#include "app_test_models.h"
#include "inference/prompt_builder.h"
#include "rwb/model.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::app;
using rwb::storage::Message;
using rwb::storage::MessageRole;

namespace {
Message msg(MessageRole role, const QString& answer, const QString& reasoning = {}) {
    Message m;
    m.role = role;
    m.answer = answer;
    m.reasoning = reasoning;
    return m;
}
} // namespace

class TestPromptBuilder : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static QVector<Message> history() {
        return {msg(MessageRole::User, "What is 2+3?"),
                msg(MessageRole::Assistant, "It is \\boxed{5}.", "SECRET-THOUGHT: 2 plus 3..."),
                msg(MessageRole::User, "And times 4?")};
    }

private slots:
    void earlierReasoningIsLeftOut() {
        const auto messages = chatMessagesFor(history(), {});
        QCOMPARE(messages.size(), size_t(3));
        QCOMPARE(messages[1].role, rwb::ChatRole::Assistant);
        QCOMPARE(QString::fromStdString(messages[1].content), QString("It is \\boxed{5}."));
        const std::string text = rwb::render_r1_chat(messages).text;
        QVERIFY(text.find("SECRET") == std::string::npos);
        const std::string expected =
            "<｜begin▁of▁sentence｜><｜User｜>What is 2+3?<｜Assistant｜>It "
            "is \\boxed{5}.<｜end▁of▁sentence｜><｜User｜>And times "
            "4?<｜Assistant｜><think>\n";
        QCOMPARE(QString::fromStdString(text), QString::fromStdString(expected));
    }

    void systemPromptComesFirst() {
        auto withSystem = chatMessagesFor(history(), "Answer in French.");
        QCOMPARE(withSystem.size(), size_t(4));
        QCOMPARE(withSystem[0].role, rwb::ChatRole::System);
        const std::string text = rwb::render_r1_chat(withSystem).text;
        QVERIFY(text.rfind("<｜begin▁of▁sentence｜>Answer in French.<｜User｜>", 0) == 0);
        // a blank system prompt is no system prompt
        QCOMPARE(chatMessagesFor(history(), "  \n").size(), size_t(3));
    }

    void idsOnARealVocabularyMatchTheText() {
        QString error;
        const QString path = rwb::test::makeTinyR1Model(m_dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        auto model = rwb::Model::load(path.toStdString());
        QVERIFY2(model, model.message().c_str());
        const rwb::Tokenizer& tok = *(*model)->tokenizer();
        const auto messages = chatMessagesFor(history(), {});
        auto ids = rwb::tokenize_r1_chat(tok, messages);
        QVERIFY2(ids, ids.message().c_str());
        const auto fromText = tok.encode(rwb::render_r1_chat(messages).text, true);
        QCOMPARE(*ids, fromText);
        // the reasoning's text is in none of the ids' decoded pieces
        std::string decoded;
        for (auto id : *ids) decoded += tok.piece(id);
        QVERIFY(decoded.find("SECRET") == std::string::npos);
        QVERIFY(decoded.find("boxed{5}") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestPromptBuilder)
#include "tst_app_prompt_builder.moc"
