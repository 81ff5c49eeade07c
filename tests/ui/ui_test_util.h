// Helpers for the UI tests: seeding a real history file with conversations before the app opens
// it, and waiting for StorageRequests answers.
#pragma once

#include "message_store.h"

#include <QtTest>

namespace rwb::ui::test {

struct SeededConversation {
    qint64 id = 0;
    qint64 userId = 0;
    qint64 assistantId = 0;
};

// user prompt -> assistant answer (with reasoning). Sleeps a little first so every conversation
// gets its own "updated" millisecond and the newest-first order is well defined.
inline SeededConversation seedConversation(rwb::storage::MessageStore& store, const QString& title,
                                           const QString& prompt, const QString& answer,
                                           const QString& reasoning = {}) {
    using namespace rwb::storage;
    QTest::qSleep(5);
    SeededConversation out;
    Conversation c;
    c.title = title;
    if (store.createConversation(c) <= 0) return out;
    out.id = c.id;
    Message user;
    user.conversationId = c.id;
    user.role = MessageRole::User;
    user.answer = prompt;
    if (store.addMessage(user) <= 0) return out;
    out.userId = user.id;
    Message bot;
    bot.conversationId = c.id;
    bot.parentId = user.id;
    bot.role = MessageRole::Assistant;
    bot.answer = answer;
    bot.reasoning = reasoning;
    bot.thinkingTokens = reasoning.isEmpty() ? 0 : 7;
    bot.answerTokens = 5;
    bot.tokensPerSecond = 42.5;
    bot.timeToFirstTokenMs = 12;
    bot.thinkingSeconds = reasoning.isEmpty() ? 0 : 0.5;
    if (store.addMessage(bot) <= 0) return out;
    out.assistantId = bot.id;
    return out;
}

} // namespace rwb::ui::test
