// InferenceWorker on its own thread with a real GGUF: text reaches the receiver in batches (far
// fewer signals than tokens, at most ~30 per second) whose concatenation is the final text,
// thinking before "</think>" and answer after it; cancel() from this thread ends a generation
// within 100 ms keeping its text; a looping thought is reported and wrapped up; a bad model path
// or a non-GGUF file is one line and no model; two workers on the same file share one loaded
// model; the prompt token count is that of the history without its earlier reasoning.
// Signals are received through queued connections on this thread (Recorder), as the UI does.
#include "app_test_models.h"
#include "inference/inference_worker.h"
#include "inference/model_cache.h"
#include "inference/prompt_builder.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <mutex>

using namespace rwb::app;
using rwb::storage::Message;
using rwb::storage::MessageRole;

namespace {

// Everything one worker sent, in arrival order, received on the test thread.
class Recorder : public QObject {
public:
    struct Event {
        char kind; // 't' thinking text, 'a' answer text, 'E' thought ended
        QString text;
    };
    QVector<Event> events;
    int deltaSignals = 0;
    QVector<qint64> thoughtTokens;
    QVector<GenerationOutcome> finished;
    QStringList failed;
    int ready = 0;
    QStringList backends; // where each ready model runs
    QStringList notices;
    int looping = 0;

    explicit Recorder(InferenceWorker* w) {
        connect(w, &InferenceWorker::delta, this,
                [this](quint64, const QString& thinking, const QString& answer) {
                    ++deltaSignals;
                    if (!thinking.isEmpty()) events.push_back({'t', thinking});
                    if (!answer.isEmpty()) events.push_back({'a', answer});
                });
        connect(w, &InferenceWorker::thinkingFinished, this, [this](quint64, double, qint64 n) {
            thoughtTokens << n;
            events.push_back({'E', {}});
        });
        connect(w, &InferenceWorker::finished, this,
                [this](quint64, const GenerationOutcome& o) { finished << o; });
        connect(w, &InferenceWorker::failed, this,
                [this](quint64, const QString& e) { failed << e; });
        connect(
            w, &InferenceWorker::modelReady, this,
            [this](quint64, const QString&, const QString&, const QString&, const QString& where) {
                ++ready;
                backends << where;
            });
        connect(w, &InferenceWorker::backendNotice, this,
                [this](quint64, const QString& notice) { notices << notice; });
        connect(w, &InferenceWorker::thoughtLooping, this, [this] { ++looping; });
    }
    QString answerText() const {
        QString s;
        for (const Event& e : events)
            if (e.kind == 'a') s += e.text;
        return s;
    }
};

} // namespace

class TestInferenceWorker : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;
    QString m_slower; // for tests that stop a generation midway

    GenerationSettings fastSettings() const { return rwb::test::fastSettings(m_model); }
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
    static void prepare(InferenceWorker* w, quint64 tag, const GenerationSettings& g) {
        QMetaObject::invokeMethod(w, [w, tag, g] { w->prepare(tag, g); });
    }

private slots:
    void initTestCase() {
        QString error;
        m_model = rwb::test::makeTinyR1Model(m_dir.path(), &error);
        QVERIFY2(!m_model.isEmpty(), qPrintable(error));
        m_slower = rwb::test::makeSlowerR1Model(m_dir.path(), &error);
        QVERIFY2(!m_slower.isEmpty(), qPrintable(error));
    }

    void textArrivesInBatches() {
        std::mutex emitMutex;
        std::vector<qint64> emitted; // ns, when each delta was emitted
        QElapsedTimer clock;
        clock.start();
        InferenceThread thread; // after the above: it goes first
        Recorder rec(thread.worker());
        connect(
            thread.worker(), &InferenceWorker::delta, thread.worker(),
            [&] {
                std::lock_guard lock(emitMutex);
                emitted.push_back(clock.nsecsElapsed());
            },
            Qt::DirectConnection);
        GenerationSettings g = fastSettings();
        g.thinkingBudget = 150;
        g.maxTokens = 1500;
        g.seed = 99;
        queue(thread.worker(), request(1, g));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished.size() == 1, 60000);
        const GenerationOutcome outcome = rec.finished[0];
        QCOMPARE(outcome.end, GenerationEnd::Complete);
        QCOMPARE(outcome.finishReason, QString("max_tokens"));
        QVERIFY(outcome.forcedThinkClose);
        QCOMPARE(outcome.seed, quint64(99)); // the seed used is reported
        const qint64 tokens = outcome.stats.thinkingTokens + outcome.stats.answerTokens;
        QCOMPARE(tokens, 1500);
        QCOMPARE(rec.thoughtTokens, QVector<qint64>{outcome.stats.thinkingTokens});

        // the deltas, in order, are exactly the final texts, thought before answer
        QString thinking, answer;
        bool ended = false;
        for (const auto& e : rec.events) {
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

        // batched: far fewer signals than tokens, and no more than ~30 a second: emitted at
        // least 33 ms apart (timed on the worker's thread), except the phase change and the
        // end, which go out at once
        qInfo("%lld tokens -> %d delta signals", tokens, rec.deltaSignals);
        QVERIFY2(rec.deltaSignals * 4 < tokens, qPrintable(QString::number(rec.deltaSignals)));
        std::lock_guard lock(emitMutex);
        QCOMPARE(int(emitted.size()), rec.deltaSignals);
        int quick = 0;
        for (size_t i = 1; i < emitted.size(); ++i)
            if (emitted[i] - emitted[i - 1] < 20'000'000) ++quick; // 33 ms less jitter
        QVERIFY2(quick <= 2, qPrintable(QString::number(quick)));
        QVERIFY(outcome.stats.tokensPerSecond > 0);
        QVERIFY(outcome.stats.timeToFirstTokenMs > 0);
        QVERIFY(outcome.stats.thinkingSeconds > 0);
    }

    void cancelEndsWithin100ms() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        Recorder rec(w);
        QElapsedTimer sinceCancel;
        qint64 stopMs = -1;
        connect(w, &InferenceWorker::finished, &rec,
                [&] { stopMs = sinceCancel.isValid() ? sinceCancel.elapsed() : -1; });
        GenerationSettings g = fastSettings(); // no limit: runs until the context is full
        g.modelPath = m_slower;
        queue(w, request(2, g));
        QTRY_VERIFY_WITH_TIMEOUT(rec.deltaSignals >= 3, 30000);
        QCOMPARE(rec.finished.size(), 0);
        sinceCancel.start();
        w->cancel(); // from this (the "UI") thread
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished.size() == 1, 5000);
        qInfo("generation ended %lld ms after cancel()", stopMs);
        QVERIFY2(stopMs >= 0 && stopMs < 100, qPrintable(QString::number(stopMs)));
        const GenerationOutcome outcome = rec.finished[0];
        QVERIFY2(outcome.end == GenerationEnd::Interrupted, qPrintable(outcome.finishReason));
        QCOMPARE(outcome.finishReason, QString("cancelled"));
        QVERIFY(!outcome.reasoning.isEmpty()); // the text so far is kept

        // cancelled before the next request starts: it ends at once, untouched
        const int before = rec.deltaSignals;
        queue(w, request(3, g));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished.size() == 2, 5000);
        QCOMPARE(rec.finished[1].end, GenerationEnd::Interrupted);
        QCOMPARE(rec.deltaSignals, before);
        // cleared: the next one runs
        w->clearCancel();
        g.maxTokens = 20;
        queue(w, request(4, g));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished.size() == 3, 10000);
        QCOMPARE(rec.finished[2].end, GenerationEnd::Complete);
    }

    void aLoopingThoughtIsWrappedUp() {
        // Greedy decoding on this random model falls into a cycle: a looping thought.
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        Recorder rec(w);
        GenerationSettings g = fastSettings();
        g.maxTokens = 3000;
        g.autoWrapUp = true;
        queue(w, request(11, g, "What is 2+2?"));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished.size() == 1, 60000);
        const GenerationOutcome outcome = rec.finished[0];
        QCOMPARE(rec.looping, 1);
        QCOMPARE(rec.thoughtTokens.size(), 1);
        QVERIFY(outcome.forcedThinkClose);
        QCOMPARE(outcome.end, GenerationEnd::Complete);
        QVERIFY(!outcome.answer.isEmpty());
        QCOMPARE(rec.answerText(), outcome.answer);
        QVERIFY(outcome.stats.thinkingTokens < 3000);
        QVERIFY(outcome.stats.answerTokens > 0);
        // the answer runs to the token limit or to an end token of its own (where the loop was
        // cut depends on batch timing, so where the greedy answer goes does too)
        QVERIFY(outcome.stats.thinkingTokens + outcome.stats.answerTokens <= 3000);
        QVERIFY(outcome.finishReason == "max_tokens" || outcome.finishReason == "eog");
        qInfo("loop seen, wrapped up after %lld thought tokens; %lld answer tokens",
              outcome.stats.thinkingTokens, outcome.stats.answerTokens);

        // without autoWrapUp the loop is only reported; wrapUp() from this thread closes it
        Recorder second(w);
        g.autoWrapUp = false;
        g.maxTokens = 0;
        g.modelPath = m_slower;
        queue(w, request(12, g, "Think."));
        QTRY_VERIFY_WITH_TIMEOUT(second.deltaSignals >= 3, 30000);
        w->wrapUp();
        QTRY_VERIFY_WITH_TIMEOUT(second.thoughtTokens.size() == 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!second.answerText().isEmpty(), 5000); // answering
        w->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(second.finished.size() == 1, 5000);
        QCOMPARE(second.finished[0].end, GenerationEnd::Interrupted);
        QVERIFY(second.finished[0].forcedThinkClose);
        QCOMPARE(second.answerText(), second.finished[0].answer);
        w->clearCancel();
    }

    void badModelIsOneLineAndNoModel() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        Recorder rec(w);
        GenerationSettings g = fastSettings();
        g.modelPath = m_dir.filePath("missing.gguf");
        prepare(w, 5, g);
        QTRY_VERIFY_WITH_TIMEOUT(rec.failed.size() == 1, 5000);
        QString e = rec.failed[0];
        QVERIFY2(e.startsWith("Model file not found") && !e.contains('\n'), qPrintable(e));

        QFile junk(m_dir.filePath("junk.gguf"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        g.modelPath = junk.fileName();
        prepare(w, 6, g);
        QTRY_VERIFY_WITH_TIMEOUT(rec.failed.size() == 2, 5000);
        e = rec.failed[1];
        QVERIFY2(e.startsWith("Cannot load the model: junk.gguf") && !e.contains('\n'),
                 qPrintable(e));
        QCOMPARE(rec.ready, 0);

        // generate() on a bad model: failed and exactly one finished (Failed)
        queue(w, request(7, g));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished.size() == 1, 5000);
        QCOMPARE(rec.finished[0].end, GenerationEnd::Failed);
        QCOMPARE(rec.failed.size(), 3);
    }

    void twoWorkersShareOneModel() {
        ModelCache& cache = ModelCache::instance();
        QTRY_COMPARE(cache.aliveCount(), 0); // earlier workers are gone
        const int loadsBefore = cache.loadCount();
        InferenceThread a, b;
        Recorder recA(a.worker()), recB(b.worker());
        const GenerationSettings g = fastSettings();
        prepare(a.worker(), 8, g);
        prepare(b.worker(), 9, g);
        QTRY_VERIFY_WITH_TIMEOUT(recA.ready == 1 && recB.ready == 1, 10000);
        QCOMPARE(cache.loadCount(), loadsBefore + 1);
        QCOMPARE(cache.aliveCount(), 1);
        auto again = cache.acquire(m_model.toStdString(), InferenceWorker::modelOptionsFor(g));
        QVERIFY(again);
        QCOMPARE(cache.loadCount(), loadsBefore + 1);
    }

    void theBackendIsPassedToTheEngine() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        Recorder rec(w);
        GenerationSettings g = fastSettings();
        g.backend = Backend::Cpu;
        prepare(w, 13, g);
        QTRY_VERIFY_WITH_TIMEOUT(rec.ready == 1, 10000);
        QCOMPARE(rec.backends.value(0), QString("cpu"));
        QVERIFY(rec.notices.isEmpty());

        // CUDA asked for: on the GPU, or on the CPU with one line saying why
        g.backend = Backend::Cuda;
        prepare(w, 14, g);
        QTRY_VERIFY_WITH_TIMEOUT(rec.ready == 2 || !rec.failed.isEmpty(), 30000);
        if (!rec.failed.isEmpty()) QFAIL(qPrintable(rec.failed[0]));
        if (rec.backends.value(1).startsWith("cuda")) {
            QVERIFY(rec.notices.isEmpty());
        } else {
            QCOMPARE(rec.backends.value(1), QString("cpu"));
            QCOMPARE(rec.notices.size(), 1);
            QVERIFY2(rec.notices[0].contains("running on the CPU") &&
                         !rec.notices[0].contains('\n'),
                     qPrintable(rec.notices[0]));
        }
    }

    void promptLeavesOutEarlierReasoning() {
        InferenceThread thread;
        InferenceWorker* w = thread.worker();
        Recorder rec(w);
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
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished.size() == 1, 10000);
        const GenerationOutcome outcome = rec.finished[0];
        QCOMPARE(outcome.end, GenerationEnd::Complete);

        auto model = ModelCache::instance().acquire(m_model.toStdString(),
                                                    InferenceWorker::modelOptionsFor(g));
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
