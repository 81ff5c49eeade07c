// pass@k, cons@k, majority votes, Wilson intervals and the summary of an evaluation, against
// values worked out by hand (in the comments).
#include "rwb/eval_stats.h"

#include <QtTest>

#include <cmath>

using namespace rwb::eval;

namespace {
SampleOutcome sample(const std::string& answer, bool correct, int64_t thinking = 0,
                     int64_t answer_tokens = 0, double seconds = 0) {
    SampleOutcome o;
    o.answer = answer;
    o.normalized = answer;
    o.correct = correct;
    o.thinking_tokens = thinking;
    o.answer_tokens = answer_tokens;
    o.generated_tokens = thinking + answer_tokens;
    o.generation_seconds = seconds;
    o.wall_seconds = seconds;
    return o;
}
bool near(double a, double b) {
    return std::fabs(a - b) < 1e-9;
}
} // namespace

class TestEvalStats : public QObject {
    Q_OBJECT
private slots:
    void pass_at_k_values() {
        // n = 5, c = 2, k = 2: 1 - C(3,2)/C(5,2) = 1 - 3/10 = 0.7
        QVERIFY(near(pass_at_k(5, 2, 2), 0.7));
        // k = 1 is the plain fraction c/n.
        QVERIFY(near(pass_at_k(4, 1, 1), 0.25));
        QVERIFY(near(pass_at_k(10, 3, 1), 0.3));
        // n = 4, c = 1, k = 2: 1 - C(3,2)/C(4,2) = 1 - 3/6 = 0.5
        QVERIFY(near(pass_at_k(4, 1, 2), 0.5));
        // n = 10, c = 2, k = 5: 1 - C(8,5)/C(10,5) = 1 - 56/252 = 7/9
        QVERIFY(near(pass_at_k(10, 2, 5), 7.0 / 9.0));
        // With n = k it is "any of them right".
        QVERIFY(near(pass_at_k(3, 1, 3), 1.0));
        QVERIFY(near(pass_at_k(3, 0, 3), 0.0));
        // Too few wrong samples to fill k: certain.
        QVERIFY(near(pass_at_k(5, 4, 2), 1.0));
        // Out of range.
        QVERIFY(near(pass_at_k(0, 0, 1), 0.0));
        QVERIFY(near(pass_at_k(3, 1, 4), 0.0));
        QVERIFY(near(pass_at_k(3, 4, 1), 0.0));
    }

    void majority() {
        const std::vector<std::string> a = {"1", "2", "2", "1", "3", "2"};
        QCOMPARE(QString::fromStdString(*majority_answer(a)), QString("2"));
        // A tie goes to the answer seen first.
        const std::vector<std::string> tie = {"7", "5", "5", "7"};
        QCOMPARE(QString::fromStdString(*majority_answer(tie)), QString("7"));
        // Empty answers do not vote, even when they are the most common.
        const std::vector<std::string> blanks = {"", "", "", "4"};
        QCOMPARE(QString::fromStdString(*majority_answer(blanks)), QString("4"));
        const std::vector<std::string> none = {"", ""};
        QVERIFY(!majority_answer(none));
    }

    void wilson() {
        // 8 of 10 at z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.716738, half width
        // 1.96 / 1.38416 * sqrt(0.016 + 0.009604) = 0.226580 -> [0.49016, 0.94332].
        const Interval i = wilson_interval(8, 10);
        QVERIFY2(std::fabs(i.low - 0.49016) < 1e-4, qPrintable(QString::number(i.low)));
        QVERIFY2(std::fabs(i.high - 0.94332) < 1e-4, qPrintable(QString::number(i.high)));
        const Interval all = wilson_interval(10, 10);
        QVERIFY(near(all.high, 1.0));
        QVERIFY(all.low > 0.69 && all.low < 0.73); // 10/(10+3.8416) = 0.7225
        const Interval zero = wilson_interval(0, 10);
        QVERIFY(near(zero.low, 0.0));
        const Interval empty = wilson_interval(0, 0);
        QVERIFY(near(empty.low, 0.0) && near(empty.high, 1.0));
    }

    void summary_of_three_problems() {
        // Reference answers "1", "2", "3"; k = 3 samples each.
        std::vector<ProblemOutcome> p(3);
        p[0].reference =
            std::string(1, '1'); // right, right, wrong("9"): c = 2, majority "1" -> cons right
        p[0].samples = {sample("1", true, 10, 2, 1.0), sample("1", true, 20, 2, 1.0),
                        sample("9", false, 30, 2, 1.0)};
        p[1].reference =
            std::string(1, '2'); // wrong("5"), wrong("5"), right: c = 1, majority "5" -> cons wrong
        p[1].samples = {sample("5", false, 40, 4, 2.0), sample("5", false, 50, 4, 2.0),
                        sample("2", true, 60, 4, 2.0)};
        p[2].reference =
            std::string(1, '3'); // none, none, wrong("4"): c = 0, majority "4" -> wrong
        p[2].samples = {sample("", false, 70, 0, 1.0), sample("", false, 80, 0, 1.0),
                        sample("4", false, 90, 6, 1.0)};
        const EvalSummary s = summarize(p, 3);
        QCOMPARE(s.n, int64_t(3));
        QCOMPARE(s.samples, 3);
        QVERIFY(near(s.accuracy, 3.0 / 9.0));        // pass@1: 3 right of 9
        QVERIFY(near(s.pass_at_k, 2.0 / 3.0));       // problems 0 and 1 have a right sample
        QVERIFY(near(s.cons_at_k, 1.0 / 3.0));       // only problem 0's majority is right
        QVERIFY(near(s.mean_thinking_tokens, 50.0)); // (10 + ... + 90) / 9
        QVERIFY(near(s.mean_answer_tokens, 24.0 / 9.0));
        // 474 tokens in 12 decoding seconds.
        QVERIFY(near(s.tokens_per_second, 474.0 / 12.0));
        QVERIFY(near(s.mean_seconds_per_problem, 4.0)); // 3 + 6 + 3 over 3 problems
        const Interval ci = wilson_interval(3, 9);
        QVERIFY(near(s.accuracy_ci.low, ci.low) && near(s.accuracy_ci.high, ci.high));
        QVERIFY(consensus_correct(p[0]));
        QVERIFY(!consensus_correct(p[1]));

        // One sample per problem: pass@1 = pass@k = cons@k.
        std::vector<ProblemOutcome> single(2);
        single[0].reference = std::string(1, '1');
        single[0].samples = {sample("1", true)};
        single[1].reference = std::string(1, '2');
        single[1].samples = {sample("3", false)};
        const EvalSummary one = summarize(single, 1);
        QVERIFY(near(one.accuracy, 0.5) && near(one.pass_at_k, 0.5) && near(one.cons_at_k, 0.5));
        QVERIFY(near(one.tokens_per_second, 0.0)); // no decoding time measured

        const EvalSummary none = summarize({}, 1);
        QCOMPARE(none.n, int64_t(0));
        QVERIFY(near(none.accuracy, 0.0));
    }
};

QTEST_GUILESS_MAIN(TestEvalStats)
#include "tst_eval_stats.moc"
