// Helpers shared by the storage tests: a conversation with a few messages (one assistant answer
// with reasoning and full provenance), and reading a file's bytes to prove it was not touched.
#pragma once

#include "message_store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtTest>

namespace rwb::storage::test {

inline QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline Provenance sampleProvenance() {
    Provenance p;
    p.modelSha256 =
        QStringLiteral("9f2c5ad3b0e1c4f7a8d6e5b4c3a2918070f6e5d4c3b2a1908f7e6d5c4b3a2910");
    p.quantization = QStringLiteral("Q4_K_M");
    p.chatTemplateVersion = QStringLiteral("r1-2025-01");
    p.sampling = QJsonObject{{QStringLiteral("temperature"), 0.6}, {QStringLiteral("top_p"), 0.95}};
    p.seed = 1234567890123LL;
    p.thinkingBudget = 2048;
    p.engineVersion = QStringLiteral("0.1.0");
    p.backend = QStringLiteral("cpu-avx2");
    return p;
}

// user -> assistant (reasoning + answer) -> user; returns the conversation id.
inline qint64 addSampleConversation(MessageStore& store, const QString& title,
                                    const QString& question = QStringLiteral("What is 17*23?")) {
    Conversation c;
    c.title = title;
    c.systemPrompt = QStringLiteral("You are careful.");
    c.folder = QStringLiteral("maths");
    c.tags = {QStringLiteral("arithmetic"), QStringLiteral("demo")};
    c.sampling = QJsonObject{{QStringLiteral("temperature"), 0.6}};
    if (store.createConversation(c) <= 0) return 0;
    Message user;
    user.conversationId = c.id;
    user.role = MessageRole::User;
    user.answer = question;
    if (store.addMessage(user) <= 0) return 0;
    Message bot;
    bot.conversationId = c.id;
    bot.parentId = user.id;
    bot.role = MessageRole::Assistant;
    bot.reasoning = QStringLiteral("17*20=340, 17*3=51, so 391.");
    bot.answer = QStringLiteral("17 × 23 = **391**.");
    bot.promptTokens = 12;
    bot.thinkingTokens = 20;
    bot.answerTokens = 9;
    bot.timeToFirstTokenMs = 85.5;
    bot.thinkingSeconds = 1.25;
    bot.tokensPerSecond = 23.75;
    bot.finishReason = QStringLiteral("stop");
    bot.provenance = sampleProvenance();
    if (store.addMessage(bot) <= 0) return 0;
    Message again;
    again.conversationId = c.id;
    again.parentId = bot.id;
    again.role = MessageRole::User;
    again.answer = QStringLiteral("Thanks!");
    if (store.addMessage(again) <= 0) return 0;
    return c.id;
}

} // namespace rwb::storage::test
