// demo_history; see demo_history.h.
#include "demo_history.h"

#include "message_store.h"
#include "records.h"

namespace rwb::tools {

using rwb::storage::Conversation;
using rwb::storage::Message;
using rwb::storage::MessageRole;
using rwb::storage::MessageStore;

qint64 storeCodeBlockConversation(const QString& databasePath, QString* error) {
    MessageStore store;
    if (!store.open(databasePath)) {
        if (error) *error = store.lastError();
        return 0;
    }
    Conversation c;
    c.title = QStringLiteral("Sum of squares in Python");
    if (store.createConversation(c) == 0) {
        if (error) *error = store.lastError();
        return 0;
    }
    Message user;
    user.conversationId = c.id;
    user.role = MessageRole::User;
    user.answer = QStringLiteral("Write a Python function that returns the sum of the squares "
                                 "of 1..n, and check it for n = 10.");
    if (store.addMessage(user) == 0) {
        if (error) *error = store.lastError();
        return 0;
    }
    Message reply;
    reply.conversationId = c.id;
    reply.parentId = user.id;
    reply.role = MessageRole::Assistant;
    reply.reasoning = QStringLiteral(
        "The user wants the sum 1^2 + 2^2 + ... + n^2. A loop works, but the closed form "
        "n(n+1)(2n+1)/6 is exact with integers. For n = 10: 10*11*21/6 = 385.");
    reply.answer =
        QStringLiteral("Use the closed form $\\frac{n(n+1)(2n+1)}{6}$, which needs no loop:\n\n"
                       "```python\n"
                       "def sum_of_squares(n: int) -> int:\n"
                       "    \"\"\"Return 1**2 + 2**2 + ... + n**2.\"\"\"\n"
                       "    if n < 0:\n"
                       "        raise ValueError(\"n must be non-negative\")\n"
                       "    return n * (n + 1) * (2 * n + 1) // 6\n"
                       "\n"
                       "\n"
                       "assert sum_of_squares(10) == sum(k * k for k in range(1, 11))\n"
                       "print(sum_of_squares(10))  # 385\n"
                       "```\n\n"
                       "For $n = 10$ the result is $\\boxed{385}$.");
    reply.thinkingTokens = 52;
    reply.answerTokens = 118;
    reply.thinkingSeconds = 1.4;
    reply.tokensPerSecond = 84.0;
    reply.timeToFirstTokenMs = 95;
    reply.finishReason = QStringLiteral("stop");
    if (store.addMessage(reply) == 0) {
        if (error) *error = store.lastError();
        return 0;
    }
    return c.id;
}

} // namespace rwb::tools
