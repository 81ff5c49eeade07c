// SseParser and ChatStreamDecoder on byte streams cut at every possible position: the events and
// the thought/answer text must not depend on where the network splits the stream.
#include "remote/chat_stream_decoder.h"
#include "remote/sse_parser.h"

#include <QtTest>

using namespace rwb::remote;

namespace {
QList<SseEvent> parse_in_pieces(const QByteArray& stream, int cut1, int cut2) {
    SseParser p;
    QList<SseEvent> all;
    all += p.feed(stream.left(cut1));
    all += p.feed(stream.mid(cut1, cut2 - cut1));
    all += p.feed(stream.mid(cut2));
    return all;
}
} // namespace

class TestSseParser : public QObject {
    Q_OBJECT
private slots:
    void events_do_not_depend_on_splits() {
        const QByteArray stream = "\xEF\xBB\xBF: comment line\r\n"
                                  "data: one\r\n\r\n"
                                  "event: custom\n"
                                  "data: two\n"
                                  "data:  three\n"
                                  "id: 7\n"
                                  "\n"
                                  "data\r\r"
                                  "retry: 100\n"
                                  ":\n"
                                  "data: [DONE]\n\n";
        for (int a = 0; a <= stream.size(); ++a)
            for (int b = a; b <= stream.size(); b += 3) {
                const auto ev = parse_in_pieces(stream, a, b);
                QCOMPARE(ev.size(), 4);
                QCOMPARE(ev[0].data, QByteArray("one"));
                QCOMPARE(ev[0].event, QByteArray("message"));
                QCOMPARE(ev[1].event, QByteArray("custom"));
                QCOMPARE(ev[1].data, QByteArray("two\n three"));
                QCOMPARE(ev[1].id, QByteArray("7"));
                QCOMPARE(ev[2].data, QByteArray(""));
                QCOMPARE(ev[3].data, QByteArray("[DONE]"));
            }
    }

    void unfinished_event_is_not_dispatched() {
        SseParser p;
        QVERIFY(p.feed("data: {\"a\":1}\n").isEmpty());
        QVERIFY(p.hasPartialEvent());
        QCOMPARE(p.feed("\n").size(), 1);
        QVERIFY(!p.hasPartialEvent());
    }

    // <think> tags in content, split anywhere, give the same two channels as the engine's own
    // splitter on the whole text.
    void think_tags_in_content_split_anywhere() {
        const QString content = "<think>\nLet me add: 2+2.\n</think>\n\nThe answer is 4.";
        for (int cut = 0; cut <= content.size(); ++cut) {
            ChatStreamDecoder d;
            QString thinking, answer, error;
            int started = 0, ended = 0;
            for (const QString& piece : {content.left(cut), content.mid(cut)}) {
                QJsonObject chunk{
                    {"choices", QJsonArray{QJsonObject{
                                    {"index", 0}, {"delta", QJsonObject{{"content", piece}}}}}}};
                DecodedDelta out;
                QVERIFY(d.feedChunk(QJsonDocument(chunk).toJson(), out, error));
                thinking += out.thinking;
                answer += out.answer;
                started += out.thinkingStarted;
                ended += out.thinkingEnded;
            }
            const DecodedDelta rest = d.flush();
            thinking += rest.thinking;
            answer += rest.answer;
            QCOMPARE(thinking, QString("Let me add: 2+2."));
            QCOMPARE(answer, QString("The answer is 4."));
            QCOMPARE(started, 1);
            QCOMPARE(ended, 1);
        }
    }

    void reasoning_content_and_usage() {
        ChatStreamDecoder d;
        DecodedDelta a, b;
        QString error;
        QVERIFY(d.feedChunk(R"({"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]})", a,
                            error));
        QVERIFY(a.thinkingStarted);
        QCOMPARE(a.thinking, QString("hmm"));
        QVERIFY(d.feedChunk(R"({"choices":[{"index":0,"delta":{"content":"<think>ok"},
            "finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":5,
            "completion_tokens_details":{"reasoning_tokens":2}}})",
                            b, error));
        QVERIFY(b.thinkingEnded);
        QCOMPARE(b.answer, QString("<think>ok")); // after a reasoning field, content is answer
        QCOMPARE(d.finishReason(), QString("stop"));
        QCOMPARE(d.usage()->completionTokens, 5);
        QCOMPARE(d.usage()->reasoningTokens, 2);
        DecodedDelta c;
        QVERIFY(!d.feedChunk("{\"id\": 1}", c, error)); // no choices
        QVERIFY(!d.feedChunk("[1,2]", c, error));
        QVERIFY(!d.feedChunk(R"({"error":{"message":"boom"}})", c, error));
        QVERIFY(error.contains("boom"));
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sse_parser.moc"
