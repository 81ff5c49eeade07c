// Answer extraction and normalised exact match: boxes with nested braces, the last number when
// there is no box, the answer part after </think>, and the normal forms of numbers, fractions
// and simple LaTeX that must (and must not) compare equal.
#include "rwb/eval_grading.h"
#include "rwb/problem_set.h"

#include <QtTest>

using namespace rwb::eval;

namespace {
QString q(const std::optional<std::string>& s) {
    return s ? QString::fromStdString(*s) : QStringLiteral("<none>");
}
} // namespace

class TestEvalGrading : public QObject {
    Q_OBJECT
private slots:
    void boxed_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("simple") << "so \\boxed{42}."
                                << "42";
        QTest::newRow("nested") << "\\boxed{\\frac{1}{2}}"
                                << "\\frac{1}{2}";
        QTest::newRow("deep") << "x \\boxed{{a}{b{c}}} y"
                              << "{a}{b{c}}";
        QTest::newRow("last wins") << "\\boxed{1} then \\boxed{2}"
                                   << "2";
        QTest::newRow("fbox last") << "\\boxed{1} and \\fbox{3}"
                                   << "3";
        QTest::newRow("boxed after fbox") << "\\fbox{3} and \\boxed{4}"
                                          << "4";
        QTest::newRow("escaped brace") << "\\boxed{\\{1,2\\}}"
                                       << "\\{1,2\\}";
        QTest::newRow("space before brace") << "\\boxed {7}"
                                            << "7";
        QTest::newRow("no braces") << "$\\boxed 5$"
                                   << "5";
        QTest::newRow("unclosed last") << "\\boxed{8} \\boxed{9"
                                       << "8";
        QTest::newRow("none") << "the answer is 12"
                              << "<none>";
        QTest::newRow("only unclosed") << "\\boxed{12"
                                       << "<none>";
        QTest::newRow("utf8") << "\\boxed{π·2}"
                              << "π·2";
    }
    void boxed() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(q(extract_boxed(text.toStdString())), expected);
    }

    void last_number_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "3 apples and 5 pears"
                               << "5";
        QTest::newRow("negative") << "it drops to -12"
                                  << "-12";
        QTest::newRow("minus sign of expression") << "7-3 is"
                                                  << "3";
        QTest::newRow("decimal") << "about 3.75 m"
                                 << "3.75";
        QTest::newRow("sentence end") << "The answer is 42."
                                      << "42";
        QTest::newRow("thousands") << "total 1,234,567 people"
                                   << "1,234,567";
        QTest::newRow("list not thousands") << "1,2,3"
                                            << "3";
        QTest::newRow("fraction") << "half is 1/2"
                                  << "1/2";
        QTest::newRow("glued to letters") << "x2 is 9 and y3"
                                          << "9";
        QTest::newRow("none") << "no digits here"
                              << "<none>";
    }
    void last_number() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(q(extract_last_number(text.toStdString())), expected);
    }

    void answer_extraction() {
        // Only the part after the last </think> counts; a box beats a later number.
        const std::string reply =
            "<think>maybe \\boxed{1}</think>\n\nIt is \\boxed{7} (checked 3 times)";
        QCOMPARE(QString::fromStdString(std::string(answer_part(reply))),
                 QString("\n\nIt is \\boxed{7} (checked 3 times)"));
        QCOMPARE(QString::fromStdString(extract_answer(answer_part(reply))), QString("7"));
        QCOMPARE(QString::fromStdString(extract_answer("the result: 19 then 20")), QString("20"));
        QCOMPARE(QString::fromStdString(extract_answer("no idea")), QString());
        QCOMPARE(QString::fromStdString(std::string(answer_part("no tags 5"))),
                 QString("no tags 5"));
    }

    void equal_data() {
        QTest::addColumn<QString>("predicted");
        QTest::addColumn<QString>("reference");
        QTest::newRow("same") << "42"
                              << "42";
        QTest::newRow("thousands") << "1,234"
                                   << "1234";
        QTest::newRow("decimal zero") << "1234.0"
                                      << "1234";
        QTest::newRow("trailing zeros") << "2.50"
                                        << "2.5";
        QTest::newRow("latex thousands") << "1{,}234"
                                         << "1234";
        QTest::newRow("frac slash") << "\\frac{1}{2}"
                                    << "1/2";
        QTest::newRow("frac decimal") << "\\frac{1}{2}"
                                      << "0.5";
        QTest::newRow("dfrac") << "\\dfrac{3}{4}"
                               << "0.75";
        QTest::newRow("tfrac") << "\\tfrac34"
                               << "3/4";
        QTest::newRow("short frac") << "\\frac12"
                                    << "1/2";
        QTest::newRow("unreduced") << "2/4"
                                   << "1/2";
        QTest::newRow("negative frac") << "-\\frac{1}{2}"
                                       << "-0.5";
        QTest::newRow("frac negative num") << "\\frac{-1}{2}"
                                           << "-1/2";
        QTest::newRow("dollars") << "$5$"
                                 << "5";
        QTest::newRow("inline math") << "\\(5\\)"
                                     << "5";
        QTest::newRow("text unit") << "\\text{5}"
                                   << "5";
        QTest::newRow("text words") << "\\text{Yes}"
                                    << "yes";
        QTest::newRow("trailing period") << "17."
                                         << "17";
        QTest::newRow("spaces") << " 1 2 3 4 "
                                << "1234";
        QTest::newRow("variable prefix") << "x = 5"
                                         << "5";
        QTest::newRow("degrees") << "90^\\circ"
                                 << "90";
        QTest::newRow("degrees braced") << "90^{\\circ}"
                                        << "90";
        QTest::newRow("percent") << "25\\%"
                                 << "25";
        QTest::newRow("outer braces") << "{12}"
                                      << "12";
        QTest::newRow("left right") << "\\left(1,2\\right)"
                                    << "(1,2)";
        QTest::newRow("sqrt short") << "\\sqrt2"
                                    << "\\sqrt{2}";
        QTest::newRow("frac of sqrt") << "\\frac{\\sqrt3}{2}"
                                      << "\\dfrac{\\sqrt{3}}{2}";
        QTest::newRow("spacing commands") << "1\\,000"
                                          << "1000";
        QTest::newRow("boxed reference") << "8"
                                         << "\\boxed{8}";
        QTest::newRow("plus sign") << "+3"
                                   << "3";
        QTest::newRow("currency") << "\\$12.00"
                                  << "12";
    }
    void equal() {
        QFETCH(QString, predicted);
        QFETCH(QString, reference);
        QVERIFY2(answers_match(predicted.toStdString(), reference.toStdString()),
                 qPrintable(QString::fromStdString(normalize_answer(predicted.toStdString())) +
                            " vs " +
                            QString::fromStdString(normalize_answer(reference.toStdString()))));
    }

    void different_data() {
        QTest::addColumn<QString>("predicted");
        QTest::addColumn<QString>("reference");
        QTest::newRow("other number") << "41"
                                      << "42";
        QTest::newRow("inexact decimal") << "0.333"
                                         << "1/3";
        QTest::newRow("sign") << "-5"
                              << "5";
        QTest::newRow("list is not thousands") << "1,23"
                                               << "123";
        QTest::newRow("empty prediction") << ""
                                          << "";
        QTest::newRow("empty vs zero") << ""
                                       << "0";
        QTest::newRow("latex case") << "\\Pi"
                                    << "\\pi";
        QTest::newRow("expression") << "2x"
                                    << "x2";
        QTest::newRow("digits order") << "12"
                                      << "21";
    }
    void different() {
        QFETCH(QString, predicted);
        QFETCH(QString, reference);
        QVERIFY(!answers_match(predicted.toStdString(), reference.toStdString()));
    }

    void normal_forms_are_canonical() {
        QCOMPARE(QString::fromStdString(normalize_answer("1,234.50")), QString("2469/2"));
        QCOMPARE(QString::fromStdString(normalize_answer("\\frac{6}{3}")), QString("2"));
        QCOMPARE(QString::fromStdString(normalize_answer("-0")), QString("0"));
        QCOMPARE(QString::fromStdString(normalize_answer("(2,3)")), QString("(2,3)"));
        // Huge numbers stay exact text rather than overflowing.
        const std::string big(60, '9');
        QCOMPARE(QString::fromStdString(normalize_answer(big)), QString::fromStdString(big));
        QVERIFY(!answers_match(big, big.substr(1)));
    }

    void problem_sets() {
        auto ok = parse_problem_set(
            "{\"problem\": \"1+1?\", \"answer\": \"2\", \"id\": \"a\", \"subject\": \"add\"}\n"
            "\n"
            "{\"problem\": \"2+2?\", \"answer\": 4, \"extra\": [1]}\r\n",
            "set.jsonl");
        QVERIFY2(ok.is_ok(), ok.message().c_str());
        QCOMPARE(ok->size(), size_t(2));
        QCOMPARE(QString::fromStdString((*ok)[0].id), QString("a"));
        QCOMPARE(QString::fromStdString((*ok)[0].subject), QString("add"));
        QCOMPARE(QString::fromStdString((*ok)[1].answer), QString("4"));
        QCOMPARE(QString::fromStdString((*ok)[1].id), QString("line-3"));

        const std::pair<const char*, const char*> bad[] = {
            {"{\"problem\": \"x\"}\n", "set.jsonl:1: missing or empty field \"answer\""},
            {"{\"answer\": \"1\"}\n", "set.jsonl:1: missing or empty text field \"problem\""},
            {"{\"problem\": \"x\", \"answer\": \"1\"}\n{oops\n", "set.jsonl:2: not valid JSON"},
            {"[1, 2]\n", "set.jsonl:1: expected a JSON object"},
            {"{\"problem\": \"x\", \"answer\": [1]}\n", "set.jsonl:1: missing or empty field"},
            {"\n\n", "set.jsonl: no problems in the set"},
        };
        for (const auto& [text, message] : bad) {
            auto r = parse_problem_set(text, "set.jsonl");
            QVERIFY(!r.is_ok());
            QVERIFY2(r.message().rfind(message, 0) == 0, r.message().c_str());
            QVERIFY(r.message().find('\n') == std::string::npos);
        }
        QVERIFY(!read_problem_set("/nonexistent/set.jsonl").is_ok());
        QVERIFY(!read_problem_set(RWB_SOURCE_DIR).is_ok()); // a directory

        auto shipped = read_problem_set(RWB_SOURCE_DIR
                                        "/resources/problem_sets/demo-arithmetic-heldout.jsonl");
        QVERIFY2(shipped.is_ok(), shipped.message().c_str());
        QVERIFY(shipped->size() >= 200);
        for (const Problem& p : *shipped) QVERIFY(!normalize_answer(p.answer).empty());
    }
};

QTEST_GUILESS_MAIN(TestEvalGrading)
#include "tst_eval_grading.moc"
