// tst_thinking_budget: when the policy forces the close of the thought (budget spent, user's
// "wrap up"), that it then lets the model answer, and that a model closing by itself is left
// alone. Token ids are arbitrary small numbers: the policy only compares ids.
#include "rwb/sampling.h"

#include <QTest>

using namespace rwb;

namespace {

constexpr TokenId kOpen = 90, kClose = 91, kNewline = 92;

ThinkingBudgetConfig config(int32_t max_tokens) {
    ThinkingBudgetConfig c;
    c.max_thinking_tokens = max_tokens;
    c.close_sequence = {kClose};
    c.think_close = kClose;
    c.think_open = kOpen;
    return c;
}

// Runs a generation loop: forced tokens win, otherwise the "model" gives the next scripted id.
// Returns the ids fed.
std::vector<TokenId> generate(ThinkingBudget& b, const std::vector<TokenId>& model, size_t n,
                              int wrap_up_at = -1) {
    std::vector<TokenId> fed;
    size_t next = 0;
    while (fed.size() < n) {
        if (int(fed.size()) == wrap_up_at) b.request_wrap_up();
        const auto forced = b.forced_token();
        const TokenId id = forced ? *forced : model.at(next++);
        fed.push_back(id);
        b.on_token(id);
    }
    return fed;
}

} // namespace

class TestThinkingBudget : public QObject {
    Q_OBJECT

private slots:
    void budgetForcesClose() {
        ThinkingBudget b(config(3));
        QVERIFY(b.thinking());
        const auto fed = generate(b, {1, 2, 3, 4, 5, 6, 7}, 6);
        // three thinking tokens, then the forced close, then the model answers (4, 5 ...)
        QCOMPARE(fed, (std::vector<TokenId>{1, 2, 3, kClose, 4, 5}));
        QVERIFY(!b.thinking());
        QCOMPARE(b.thinking_tokens(), 3);
        QVERIFY(b.forced_close());
        QVERIFY(!b.forced_token().has_value());
    }

    void modelClosesWithinBudget() {
        ThinkingBudget b(config(5));
        const auto fed = generate(b, {1, 2, kClose, 4, 5, 6, 7, 8}, 8);
        QCOMPARE(fed, (std::vector<TokenId>{1, 2, kClose, 4, 5, 6, 7, 8}));
        QVERIFY(!b.thinking());
        QCOMPARE(b.thinking_tokens(), 2);
        QVERIFY(!b.forced_close());
    }

    void unlimited() {
        ThinkingBudget b(config(0));
        std::vector<TokenId> model(1000, 7);
        generate(b, model, 1000);
        QVERIFY(b.thinking());
        QCOMPARE(b.thinking_tokens(), 1000);
        QVERIFY(!b.forced_close());
    }

    void wrapUpRequest() {
        ThinkingBudget b(config(0));
        const auto fed = generate(b, {1, 2, 3, 4, 5, 6}, 5, /*wrap_up_at=*/2);
        QCOMPARE(fed, (std::vector<TokenId>{1, 2, kClose, 3, 4}));
        QVERIFY(!b.thinking());
        QVERIFY(b.forced_close());
    }

    void wrapUpAfterThoughtDoesNothing() {
        ThinkingBudget b(config(0));
        const auto fed = generate(b, {1, kClose, 3, 4, 5}, 5, /*wrap_up_at=*/3);
        QCOMPARE(fed, (std::vector<TokenId>{1, kClose, 3, 4, 5}));
        QVERIFY(!b.forced_close());
    }

    void closeSequence() {
        ThinkingBudgetConfig c = config(2);
        c.close_sequence = {kNewline, kClose, kNewline};
        ThinkingBudget b(c);
        const auto fed = generate(b, {1, 2, 3, 4}, 6);
        QCOMPARE(fed, (std::vector<TokenId>{1, 2, kNewline, kClose, kNewline, 3}));
        QVERIFY(!b.thinking());
        QCOMPARE(b.thinking_tokens(), 2);
        QVERIFY(b.forced_close());
    }

    // The original template (no "<think>" in the prompt): the model opens the thought itself.
    void modelOpensThought() {
        ThinkingBudgetConfig c = config(2);
        c.start_in_thought = false;
        ThinkingBudget b(c);
        QVERIFY(!b.thinking());
        const auto fed = generate(b, {kOpen, 1, 2, 3, 4}, 5);
        QCOMPARE(fed, (std::vector<TokenId>{kOpen, 1, 2, kClose, 3}));

        ThinkingBudget plain(c); // "<think>" later in an answer opens nothing
        const auto fed2 = generate(plain, {5, kOpen, 1, 2, 3}, 5);
        QCOMPARE(fed2, (std::vector<TokenId>{5, kOpen, 1, 2, 3}));
        QVERIFY(!plain.thinking());
    }

    void emptyCloseSequenceNeverForces() {
        ThinkingBudgetConfig c = config(1);
        c.close_sequence.clear();
        ThinkingBudget b(c);
        const auto fed = generate(b, {1, 2, 3}, 3);
        QCOMPARE(fed, (std::vector<TokenId>{1, 2, 3}));
    }
};

QTEST_GUILESS_MAIN(TestThinkingBudget)
#include "tst_thinking_budget.moc"
