// tst_reasoning_splitter: the splitter's channels and phase events for sample R1 streams, fed
// whole, cut at every possible point (two and three pieces), byte by byte, and at random points:
// every feeding must give the same result as the whole stream, which must be the expected one.
#include "rwb/reasoning.h"

#include <QTest>

#include <random>

using namespace rwb;
using Kind = ReasoningChunk::Kind;

namespace {

// The merged outcome of a run: event/text chunks with adjacent text of one channel joined.
std::vector<ReasoningChunk> normalise(const std::vector<ReasoningChunk>& chunks) {
    std::vector<ReasoningChunk> out;
    for (const ReasoningChunk& c : chunks) {
        const bool text = c.kind == Kind::Thinking || c.kind == Kind::Answer;
        if (text && c.text.empty()) continue;
        if (text && !out.empty() && out.back().kind == c.kind) {
            out.back().text += c.text;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::vector<ReasoningChunk> run(const std::vector<std::string>& pieces,
                                ReasoningSplitterOptions options,
                                ReasoningPhase* final_phase = nullptr) {
    ReasoningSplitter splitter(options);
    std::vector<ReasoningChunk> all;
    for (const std::string& p : pieces) {
        auto got = splitter.push(p);
        all.insert(all.end(), got.begin(), got.end());
    }
    auto tail = splitter.flush();
    all.insert(all.end(), tail.begin(), tail.end());
    if (final_phase) *final_phase = splitter.phase();
    return normalise(all);
}

QString describe(const std::vector<ReasoningChunk>& chunks) {
    QString s;
    for (const ReasoningChunk& c : chunks) {
        switch (c.kind) {
        case Kind::Thinking:
            s += "T[" + QString::fromStdString(c.text) + "] ";
            break;
        case Kind::Answer:
            s += "A[" + QString::fromStdString(c.text) + "] ";
            break;
        case Kind::ThinkingStarted:
            s += "<started> ";
            break;
        case Kind::ThinkingEnded:
            s += "<ended> ";
            break;
        }
    }
    return s;
}

ReasoningChunk T(std::string s) {
    return {Kind::Thinking, std::move(s)};
}
ReasoningChunk A(std::string s) {
    return {Kind::Answer, std::move(s)};
}
const ReasoningChunk kStarted{Kind::ThinkingStarted, {}};
const ReasoningChunk kEnded{Kind::ThinkingEnded, {}};

struct Sample {
    const char* name;
    std::string stream;
    ReasoningSplitterOptions options;
    std::vector<ReasoningChunk> expected;
    ReasoningPhase final_phase;
};

std::vector<Sample> samples() {
    const ReasoningSplitterOptions in_thought{true, true};
    const ReasoningSplitterOptions fresh{false, true};
    const ReasoningSplitterOptions raw_in_thought{true, false};
    return {
        {"typical",
         "Okay, 2+2.\nIt is 4.\n</think>\n\nThe answer is **4**.",
         in_thought,
         {kStarted, T("Okay, 2+2.\nIt is 4."), kEnded, A("The answer is **4**.")},
         ReasoningPhase::Answer},
        {"model_opens_tag",
         "<think>\nHmm.\n</think>\n\nYes.",
         fresh,
         {kStarted, T("Hmm."), kEnded, A("Yes.")},
         ReasoningPhase::Answer},
        {"leading_space_before_open",
         "\n <think>x</think>y",
         fresh,
         {kStarted, T("x"), kEnded, A("y")},
         ReasoningPhase::Answer},
        {"no_thought_at_all",
         "Plain answer with <think> inside.",
         fresh,
         {A("Plain answer with <think> inside.")},
         ReasoningPhase::Answer},
        {"empty_thought",
         "\n\n</think>\n\nDirect.",
         in_thought,
         {kStarted, kEnded, A("Direct.")},
         ReasoningPhase::Answer},
        {"second_close_is_answer_text",
         "a</think>b</think>c",
         in_thought,
         {kStarted, T("a"), kEnded, A("b</think>c")},
         ReasoningPhase::Answer},
        {"unfinished_thought",
         "still thinking </thi",
         in_thought,
         {kStarted, T("still thinking </thi")},
         ReasoningPhase::Thinking},
        {"near_miss_tags",
         "x </thinx <</think>",
         in_thought,
         {kStarted, T("x </thinx <"), kEnded},
         ReasoningPhase::Answer},
        {"lone_partial_open_at_end", "  <thi", fresh, {A("<thi")}, ReasoningPhase::Answer},
        {"unicode",
         "思考一下🤔 a² + b²\n</think>\n\n答案：c² ✅",
         in_thought,
         {kStarted, T("思考一下🤔 a² + b²"), kEnded, A("答案：c² ✅")},
         ReasoningPhase::Answer},
        {"inner_whitespace_kept",
         "line 1\n\n  line 2  \n</think>\n\n  x \n y\n",
         in_thought,
         {kStarted, T("line 1\n\n  line 2"), kEnded, A("x \n y\n")},
         ReasoningPhase::Answer},
        {"untrimmed",
         "\nThink.\n</think>\n\nAnswer.",
         raw_in_thought,
         {kStarted, T("\nThink.\n"), kEnded, A("\n\nAnswer.")},
         ReasoningPhase::Answer},
        {"only_whitespace_in_thought", "\n \n", in_thought, {kStarted}, ReasoningPhase::Thinking},
    };
}

} // namespace

class TestReasoningSplitter : public QObject {
    Q_OBJECT

private slots:
    void wholeStream_data() {
        QTest::addColumn<int>("index");
        const auto all = samples();
        for (size_t i = 0; i < all.size(); ++i) QTest::newRow(all[i].name) << int(i);
    }

    void wholeStream() {
        QFETCH(int, index);
        const Sample s = samples().at(size_t(index));
        ReasoningPhase phase{};
        const auto got = run({s.stream}, s.options, &phase);
        QCOMPARE(describe(got), describe(s.expected));
        QVERIFY(got == s.expected);
        QCOMPARE(int(phase), int(s.final_phase));
    }

    // Every way of cutting each stream into two or three pieces, and byte by byte.
    void everySplitPoint() {
        for (const Sample& s : samples()) {
            const std::string& t = s.stream;
            const auto expected = describe(s.expected);
            for (size_t i = 0; i <= t.size(); ++i) {
                QCOMPARE(describe(run({t.substr(0, i), t.substr(i)}, s.options)), expected);
                for (size_t j = i; j <= t.size(); ++j) {
                    const auto got =
                        run({t.substr(0, i), t.substr(i, j - i), t.substr(j)}, s.options);
                    if (describe(got) != expected) {
                        QFAIL(qPrintable(QString("%1 cut at %2,%3: %4")
                                             .arg(s.name)
                                             .arg(i)
                                             .arg(j)
                                             .arg(describe(got))));
                    }
                }
            }
            std::vector<std::string> bytes;
            for (char c : t) bytes.emplace_back(1, c);
            QCOMPARE(describe(run(bytes, s.options)), expected);
        }
    }

    void randomSplits() {
        std::mt19937_64 rng(20250129);
        for (const Sample& s : samples()) {
            const auto expected = describe(s.expected);
            for (int trial = 0; trial < 300; ++trial) {
                std::vector<std::string> pieces;
                size_t pos = 0;
                while (pos < s.stream.size()) {
                    const size_t len = rng() % 6; // empty pieces included
                    pieces.push_back(s.stream.substr(pos, len));
                    pos += len;
                }
                QCOMPARE(describe(run(pieces, s.options)), expected);
            }
        }
    }

    // Phase changes are reported as they happen, so the UI can time the thought.
    void eventsArriveOnTime() {
        ReasoningSplitter sp({true, true});
        auto first = sp.push("Let");
        QCOMPARE(describe(first), describe({kStarted, T("Let")}));
        QCOMPARE(int(sp.phase()), int(ReasoningPhase::Thinking));
        QCOMPARE(describe(sp.push(" me </th")), describe({T(" me")}));
        QCOMPARE(describe(sp.push("ink>")), describe({kEnded}));
        QCOMPARE(int(sp.phase()), int(ReasoningPhase::Answer));
        QCOMPARE(describe(sp.push("\n\n")), QString());
        QCOMPARE(describe(sp.push("Done")), describe({A("Done")}));
        QVERIFY(sp.flush().empty());
    }

    void partialTagReleasedWhenImpossible() {
        ReasoningSplitter sp({true, true});
        QCOMPARE(describe(sp.push("a</thi")), describe({kStarted, T("a")}));
        QCOMPARE(describe(sp.push("s")), describe({T("</this")}));
    }

    void resetStartsOver() {
        ReasoningSplitter sp({false, true});
        (void)sp.push("<think>abc</th");
        sp.reset({true, true});
        QCOMPARE(int(sp.phase()), int(ReasoningPhase::Thinking));
        QCOMPARE(describe(sp.push("x")), describe({kStarted, T("x")}));
        QCOMPARE(describe(sp.flush()), QString());
    }
};

QTEST_GUILESS_MAIN(TestReasoningSplitter)
#include "tst_reasoning_splitter.moc"
