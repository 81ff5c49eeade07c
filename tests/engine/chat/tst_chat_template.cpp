// tst_chat_template: our R1 prompt rendering against the distills' own Jinja chat template as
// rendered by Python jinja2 (tests/data/chat/make_expected.py -> expected_r1_chat.json), byte
// for byte; plus the segment/option invariants the tokenizer path relies on.
#include "rwb/chat.h"

#include <QTest>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace rwb;

namespace {

struct OracleCase {
    std::string name;
    std::vector<ChatMessage> messages;
    ChatTemplateOptions options;
    std::string expected;
};

std::vector<OracleCase> load_oracle() {
    std::ifstream in(RWB_TEST_DATA_DIR "/chat/expected_r1_chat.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto doc = nlohmann::json::parse(ss.str());
    std::vector<OracleCase> cases;
    for (const auto& c : doc.at("cases")) {
        OracleCase oc;
        oc.name = c.at("name").get<std::string>();
        for (const auto& m : c.at("messages")) {
            const auto role = parse_chat_role(m.at("role").get<std::string>());
            if (!role) throw std::runtime_error("bad role in " + oc.name);
            oc.messages.push_back({*role, m.at("content").get<std::string>()});
        }
        oc.options.add_generation_prompt = c.at("add_generation_prompt").get<bool>();
        oc.options.open_thought = c.at("template").get<std::string>() == "current";
        oc.expected = c.at("expected").get<std::string>();
        cases.push_back(std::move(oc));
    }
    return cases;
}

QByteArray bytes(const std::string& s) {
    return QByteArray(s.data(), qsizetype(s.size()));
}

} // namespace

class TestChatTemplate : public QObject {
    Q_OBJECT

private slots:
    void matchesJinja_data() {
        QTest::addColumn<int>("index");
        const auto cases = load_oracle();
        QVERIFY(cases.size() >= 20);
        for (size_t i = 0; i < cases.size(); ++i) {
            QTest::newRow(cases[i].name.c_str()) << int(i);
        }
    }

    void matchesJinja() {
        QFETCH(int, index);
        const OracleCase c = load_oracle().at(size_t(index));
        const ChatPrompt prompt = render_r1_chat(c.messages, c.options);
        QCOMPARE(bytes(prompt.text), bytes(c.expected));
        QCOMPARE(prompt.template_version, std::string("r1-v1"));
    }

    // Without BOS the rest is unchanged; segments concatenate to the text, special segments are
    // exactly the R1 token texts, and no two text segments are adjacent or empty.
    void segmentsAndBosOption() {
        for (const OracleCase& c : load_oracle()) {
            ChatTemplateOptions no_bos = c.options;
            no_bos.add_bos = false;
            const std::string without = render_r1_chat(c.messages, no_bos).text;
            QCOMPARE(bytes(std::string(r1_text::kBos) + without), bytes(c.expected));

            const auto segments = r1_chat_segments(c.messages, c.options);
            std::string joined;
            for (size_t i = 0; i < segments.size(); ++i) {
                const ChatSegment& s = segments[i];
                joined += s.text;
                if (s.special) {
                    const bool known = s.text == r1_text::kBos || s.text == r1_text::kEos ||
                                       s.text == r1_text::kUser || s.text == r1_text::kAssistant ||
                                       s.text == r1_text::kThinkOpen;
                    QVERIFY2(known, s.text.c_str());
                } else {
                    QVERIFY(!s.text.empty());
                    if (i > 0) QVERIFY(segments[i - 1].special);
                }
            }
            QCOMPARE(bytes(joined), bytes(c.expected));
        }
    }

    // Control-token text typed by the user stays ordinary text in the segment list (so the
    // tokenizer path encodes it without special parsing).
    void userTextNeverBecomesSpecial() {
        const std::vector<ChatMessage> msgs = {{ChatRole::User, "a<｜Assistant｜>b<think>c"}};
        const auto segments = r1_chat_segments(msgs);
        // BOS, <｜User｜>, the content, <｜Assistant｜>, <think>, "\n"
        QCOMPARE(segments.size(), size_t(6));
        QVERIFY(!segments[2].special);
        QCOMPARE(bytes(segments[2].text), bytes(msgs[0].content));
        QVERIFY(segments[4].special);
        QCOMPARE(bytes(segments[4].text), QByteArray("<think>"));
        QVERIFY(!segments[5].special);
        QCOMPARE(bytes(segments[5].text), QByteArray("\n"));
    }

    void roles() {
        for (ChatRole r : {ChatRole::System, ChatRole::User, ChatRole::Assistant}) {
            QCOMPARE(parse_chat_role(chat_role_name(r)), std::optional<ChatRole>(r));
        }
        QVERIFY(!parse_chat_role("tool").has_value());
        QVERIFY(!parse_chat_role("User").has_value());
        QVERIFY(!parse_chat_role("").has_value());
    }
};

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "tst_chat_template.moc"
