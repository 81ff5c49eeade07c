// InferenceWorker on its own thread with a real GGUF: text reaches the receiver in batches (far
// fewer signals than tokens, at most ~30 per second) whose concatenation is the final text,
// thinking before "</think>" and answer after it; cancel() from this thread ends a generation
// within 100 ms keeping its text; a bad model path or a non-GGUF file is one line and no
// model; two workers on the same file share one loaded model; the prompt token count is that
// of the history without its earlier reasoning.
#include "app_test_models.h"
#include "inference/inference_worker.h"
#include "inference/model_cache.h"
#include "inference/prompt_builder.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::app;
using rwb::storage::Message;
using rwb::storage::MessageRole;

class TestInferenceWorker : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;

    GenerationSettings fastSettings() const {
        GenerationSettings g;
        g.modelPath = m_model;
        g.temperature = 0; // greedy: long varied text, no early end token on this model
        g.topP = 1;
        g.threads = 1;
        g.contextLength = 4096;
        return g;
    }
    static GenerationRequest request(quint64 tag, const GenerationSettings& settings,
                                     const QString& prompt = "Tell me a story.") {
        GenerationRequest r;
        r.tag = tag;
        Message user;
        user.role = MessageRole::User;
        user.answer = prompt;
        r.history = {user};
        r.settings = settings;
        return r;
    }
    static void queue(InferenceWorker* w, const GenerationRequest& r) {
        QMetaObject::invokeMethod(w, [w, r] { w->generate(r); });
    }

private slots:
    void initTestCase() {
        QString error;
        m_model = rwb::test::makeTinyR1Model(m_dir.path(), &error);
        QVERIFY2(!m_model.isEmpty(), qPrintable(error));
    }

    void textArrivesInBatches() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        struct Event {
            char kind; // 't' thinking, 'a' answer, 'E' thought ended
            QString text;
        };
        QVector<Event> events;
        int deltaSignals = 0;
        QElapsedTimer firstToLast;
        qint64 spanMs = 0;
        connect(w, &InferenceWorker::delta, this,
                [&](quint64, const QString& thinking, const QString& answer) {
                    if (!firstToLast.isValid()) firstToLast.start();
                    spanMs = firstToLast.elapsed();
                    ++deltaSignals;
                    if (!thinking.isEmpty()) events.push_back({'t', thinking});
                    if (!answer.isEmpty()) events.push_back({'a', answer});
                });
        connect(w, &InferenceWorker::thinkingFinished, this, [&](quint64, double, qint64) {
            events.push_back({'E', {}});
        });
        QSignalSpy finished(w, &InferenceWorker::finished);
        QSignalSpy thought(w, &InferenceWorker::thinkingFinished);

        GenerationSettings g = fastSettings();
        g.thinkingBudget = 150;
        g.maxTokens = 1500;
        g.seed = 99;
        queue(w, request(1, g));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 60000);
        const auto outcome = finished[0][1].value<GenerationOutcome>();
        QCOMPARE(outcome.end, GenerationEnd::Complete);
        QCOMPARE(outcome.finishReason, QString("max_tokens"));
        QVERIFY(outcome.forcedThinkClose);
        const qint64 tokens = outcome.stats.thinkingTokens + outcome.stats.answerTokens;
        QCOMPARE(tokens, 1500);
        QCOMPARE(thought.size(), 1);
        QCOMPARE(thought[0][2].toLongLong(), outcome.stats.thinkingTokens);

        // the deltas, in order, are exactly the final texts, thought before answer
        QString thinking, answer;
        bool ended = false;
        for (const Event& e : events) {
            if (e.kind == 'E') ended = true;
            if (e.kind == 't') {
                QVERIFY2(!ended, "thinking text after </think>");
                thinking += e.text;
            }
            if (e.kind == 'a') {
                QVERIFY2(ended, "answer text before </think>");
                answer += e.text;
            }
        }
        QVERIFY(!outcome.reasoning.isEmpty());
        QVERIFY(!outcome.answer.isEmpty());
        QCOMPARE(thinking, outcome.reasoning);
        QCOMPARE(answer, outcome.answer);

        // batched: far fewer signals than tokens, and no more than ~30 a second (+2: the
        // phase change and the end are sent at once)
        qInfo("%lld tokens in %lld ms -> %d delta signals", tokens, spanMs, deltaSignals);
        QVERIFY2(deltaSignals * 4 < tokens, qPrintable(QString::number(deltaSignals)));
        QVERIFY2(deltaSignals <= spanMs / 33 + 3,
                 qPrintable(QStringLiteral("%1 signals in %2 ms").arg(deltaSignals).arg(spanMs)));
        QVERIFY(outcome.stats.tokensPerSecond > 0);
        QVERIFY(outcome.stats.timeToFirstTokenMs > 0);
        QVERIFY(outcome.stats.thinkingSeconds > 0);
        QCOMPARE(outcome.seed, quint64(99)); // the seed used is reported
    }

    void cancelEndsWithin100ms() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        QSignalSpy deltas(w, &InferenceWorker::delta);
        QSignalSpy finished(w, &InferenceWorker::finished);
        QElapsedTimer sinceCancel;
        qint64 stopMs = -1;
        connect(w, &InferenceWorker::finished, this,
                [&] { stopMs = sinceCancel.isValid() ? sinceCancel.elapsed() : -1; });
        GenerationSettings g = fastSettings(); // no limit: runs until the context is full
        queue(w, request(2, g));
        QTRY_VERIFY_WITH_TIMEOUT(deltas.size() >= 3, 30000);
        QCOMPARE(finished.size(), 0);
        sinceCancel.start();
        w->cancel(); // from this (the "UI") thread
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 5000);
        qInfo("generation ended %lld ms after cancel()", stopMs);
        QVERIFY2(stopMs >= 0 && stopMs < 100, qPrintable(QString::number(stopMs)));
        const auto outcome = finished[0][1].value<GenerationOutcome>();
        QCOMPARE(outcome.end, GenerationEnd::Interrupted);
        QCOMPARE(outcome.finishReason, QString("cancelled"));
        QVERIFY(!outcome.reasoning.isEmpty()); // the text so far is kept

        // cancelled before the next request starts: it ends at once, untouched
        QSignalSpy more(w, &InferenceWorker::delta);
        queue(w, request(3, g));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2, 5000);
        QCOMPARE(finished[1][1].value<GenerationOutcome>().end, GenerationEnd::Interrupted);
        QCOMPARE(more.size(), 0);
        // cleared: the next one runs
        w->clearCancel();
        g.maxTokens = 20;
        queue(w, request(4, g));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 3, 10000);
        QCOMPARE(finished[2][1].value<GenerationOutcome>().end, GenerationEnd::Complete);
    }

    void badModelIsOneLineAndNoModel() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        QSignalSpy failed(w, &InferenceWorker::failed);
        QSignalSpy ready(w, &InferenceWorker::modelReady);
        GenerationSettings g = fastSettings();
        g.modelPath = m_dir.filePath("missing.gguf");
        QMetaObject::invokeMethod(w, [w, g] { w->prepare(5, g); });
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 5000);
        QString e = failed[0][1].toString();
        QVERIFY2(e.startsWith("Model file not found") && !e.contains('\n'), qPrintable(e));

        QFile junk(m_dir.filePath("junk.gguf"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        g.modelPath = junk.fileName();
        QMetaObject::invokeMethod(w, [w, g] { w->prepare(6, g); });
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 2, 5000);
        e = failed[1][1].toString();
        QVERIFY2(e.startsWith("Cannot load the model: junk.gguf") && !e.contains('\n'),
                 qPrintable(e));
        QCOMPARE(ready.size(), 0);

        // generate() on a bad model: failed and exactly one finished (Failed)
        QSignalSpy finished(w, &InferenceWorker::finished);
        queue(w, request(7, g));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 5000);
        QCOMPARE(finished[0][1].value<GenerationOutcome>().end, GenerationEnd::Failed);
        QCOMPARE(failed.size(), 3);
    }

    void twoWorkersShareOneModel() {
        ModelCache& cache = ModelCache::instance();
        QTRY_COMPARE(cache.aliveCount(), 0); // earlier workers are gone
        const int loadsBefore = cache.loadCount();
        InferenceThread a, b;
        QSignalSpy readyA(a.worker(), &InferenceWorker::modelReady);
        QSignalSpy readyB(b.worker(), &InferenceWorker::modelReady);
        const GenerationSettings g = fastSettings();
        InferenceWorker* wa = a.worker();
        InferenceWorker* wb = b.worker();
        QMetaObject::invokeMethod(wa, [wa, g] { wa->prepare(8, g); });
        QMetaObject::invokeMethod(wb, [wb, g] { wb->prepare(9, g); });
        QTRY_VERIFY_WITH_TIMEOUT(readyA.size() == 1 && readyB.size() == 1, 10000);
        QCOMPARE(cache.loadCount(), loadsBefore + 1);
        QCOMPARE(cache.aliveCount(), 1);
        auto again = cache.acquire(m_model.toStdString());
        QVERIFY(again);
        QCOMPARE(cache.loadCount(), loadsBefore + 1);
    }

    void promptLeavesOutEarlierReasoning() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        QSignalSpy finished(w, &InferenceWorker::finished);
        GenerationSettings g = fastSettings();
        g.maxTokens = 4;
        GenerationRequest r = request(10, g, "First question");
        Message reply;
        reply.role = MessageRole::Assistant;
        reply.answer = "Short answer.";
        reply.reasoning = QString("a long thought ").repeated(200);
        Message next;
        next.role = MessageRole::User;
        next.answer = "Second question";
        r.history << reply << next;
        queue(w, r);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 10000);
        const auto outcome = finished[0][1].value<GenerationOutcome>();
        QCOMPARE(outcome.end, GenerationEnd::Complete);

        auto model = ModelCache::instance().acquire(m_model.toStdString());
        QVERIFY(model);
        const std::string expected = "<｜begin▁of▁sentence｜><｜User｜>First "
                                     "question<｜Assistant｜>Short "
                                     "answer.<｜end▁of▁sentence｜><｜User｜>Second "
                                     "question<｜Assistant｜><think>\n";
        const auto ids = (*model)->tokenizer()->encode(expected, true);
        QCOMPARE(outcome.stats.promptTokens, qint64(ids.size()));
        QVERIFY(outcome.stats.promptTokens < 100); // the 600-word thought is not in it
    }
};

QTEST_GUILESS_MAIN(TestInferenceWorker)
#include "tst_app_inference_worker.moc"
