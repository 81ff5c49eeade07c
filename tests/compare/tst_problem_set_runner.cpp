// The problem-set runner on the three demo models over 30 held-out problems: it runs in the
// background with progress, is paused part-way and resumed by a NEW runner (as after a restart)
// on the same SQLite file, finishes every sample exactly once, and its accuracies and token
// means equal `rwb eval`'s for the same seed and settings. Models load through the app's
// ModelCache on the run's backend: a model a chat already holds (same file and placement) is
// not loaded again, and a CUDA run on a machine without the CUDA module or a GPU finishes on the
// CPU and says so once per model (backendNotice).
#include "compare/problem_set_runner.h"
#include "compare/problem_set_store.h"

#include "demo_models.h"
#include "inference/inference_worker.h"
#include "inference/model_cache.h"
#include "rwb_cli.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::compare;
using namespace compare_test;

class TestProblemSetRunner : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    // A short run of the small demo model on `backend`; returns the run's backend notices.
    // `ranOn`: where the stored samples say they ran (one value when they agree).
    QStringList shortRun(const QString& db, rwb::app::Backend backend, int* saved,
                         QString* ranOn = nullptr) {
        ProblemSetConfig cfg;
        cfg.setPath = kHeldOutSet;
        cfg.models = {demoModels().first()};
        cfg.limit = 3;
        cfg.budgets = {8};
        cfg.maxTokens = 16;
        cfg.threads = 2;
        cfg.contextLength = 512;
        cfg.backend = backend;
        qint64 runId = ProblemSetStore(db).createRun(cfg);
        if (runId <= 0) return {"cannot create the run"};
        ProblemSetThread thread;
        ProblemSetRunner* runner = thread.runner();
        QSignalSpy finished(runner, &ProblemSetRunner::finished);
        QSignalSpy notices(runner, &ProblemSetRunner::backendNotice);
        QMetaObject::invokeMethod(runner, "start", Qt::QueuedConnection, Q_ARG(QString, db),
                                  Q_ARG(qint64, runId));
        if (!finished.wait(120000) || !finished.first()[1].toBool()) return {"did not finish"};
        ProblemSetStore store(db);
        const QVector<SampleRecord> samples = store.samples(runId);
        *saved = int(samples.size());
        QSet<QString> where;
        for (const SampleRecord& r : samples) where.insert(r.backend);
        if (ranOn) *ranOn = QStringList(where.begin(), where.end()).join(',');
        // The stored config records where it ran.
        if (store.run(runId)->config.backend != backend) return {"backend not stored"};
        QStringList out;
        for (const auto& n : notices) {
            if (n[1].toString() != cfg.models.first()) return {"notice for another model"};
            out.append(n[2].toString());
        }
        return out;
    }
    // A chat's worker with the small demo model loaded on `backend` (its context the run's);
    // `notice` and `backend` get what it reported (backendNotice, modelReady).
    struct Chat {
        std::unique_ptr<rwb::app::InferenceWorker> worker;
        QString notice, ranOn;
    };
    static Chat chatOn(rwb::app::Backend backend) {
        Chat c;
        c.worker = std::make_unique<rwb::app::InferenceWorker>();
        QObject::connect(c.worker.get(), &rwb::app::InferenceWorker::backendNotice,
                         [&c](quint64, const QString& n) { c.notice = n; });
        QObject::connect(c.worker.get(), &rwb::app::InferenceWorker::modelReady,
                         [&c](quint64, const QString&, const QString&, const QString&,
                              const QString& where) { c.ranOn = where; });
        rwb::app::GenerationSettings settings;
        settings.modelPath = demoModels().first();
        settings.backend = backend;
        settings.contextLength = 512;
        c.worker->prepare(1, settings); // on this thread: loaded when it returns
        QObject::disconnect(c.worker.get(), nullptr, nullptr, nullptr);
        return c;
    }

private slots:
    void cpu_run_shares_the_chats_model() {
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
        auto& cache = rwb::app::ModelCache::instance();
        const int loadsBefore = cache.loadCount();
        {
            int saved = 0;
            QString ranOn;
            const QStringList notices =
                shortRun(tmp_.filePath("alone.sqlite"), rwb::app::Backend::Cpu, &saved, &ranOn);
            QCOMPARE(notices, QStringList{}); // also no error line
            QCOMPARE(saved, 3);
            QCOMPARE(ranOn, QString("cpu"));
            QCOMPARE(cache.loadCount(), loadsBefore + 1); // the runner loads through the cache
            QCOMPARE(cache.aliveCount(), 0);              // and lets it go when done
        }
        // A chat on the same file and backend holds the model: the run uses that one.
        const Chat chat = chatOn(rwb::app::Backend::Cpu);
        QCOMPARE(chat.ranOn, QString("cpu"));
        QCOMPARE(cache.loadCount(), loadsBefore + 2);
        QCOMPARE(cache.aliveCount(), 1);
        int saved = 0;
        QCOMPARE(shortRun(tmp_.filePath("shared.sqlite"), rwb::app::Backend::Cpu, &saved),
                 QStringList{});
        QCOMPARE(saved, 3);
        QCOMPARE(cache.loadCount(), loadsBefore + 2); // served by the chat's loaded model
        QCOMPARE(cache.aliveCount(), 1);
    }

    void cuda_run_without_a_gpu_finishes_on_the_cpu_and_says_so() {
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
        // A chat on CUDA: what the engine says for this file here (nothing where CUDA works).
        const Chat chat = chatOn(rwb::app::Backend::Cuda);
        QVERIFY(!chat.ranOn.isEmpty());
        const int loads = rwb::app::ModelCache::instance().loadCount();
        int saved = 0;
        QString ranOn;
        const QStringList notices =
            shortRun(tmp_.filePath("cuda.sqlite"), rwb::app::Backend::Cuda, &saved, &ranOn);
        QCOMPARE(saved, 3);
        // The samples record where they really ran; the run's config that CUDA was asked for.
        QCOMPARE(ranOn, chat.ranOn);
        QCOMPARE(rwb::app::ModelCache::instance().loadCount(), loads); // shared on CUDA too
        if (chat.notice.isEmpty()) {
            QCOMPARE(notices, QStringList{});
            QSKIP("CUDA is usable on this machine: no fallback to show");
        }
        QVERIFY2(chat.notice.startsWith("CUDA backend unavailable") &&
                     chat.notice.endsWith("running on the CPU") && !chat.notice.contains('\n'),
                 qPrintable(chat.notice));
        QCOMPARE(ranOn, QString("cpu"));
        QCOMPARE(notices, QStringList{chat.notice}); // once, one line, the chat's own
    }

    void pause_resume_and_match_rwb_eval() {
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
        const QString db = tmp_.filePath("compare.sqlite");
        ProblemSetConfig cfg;
        cfg.setPath = kHeldOutSet;
        cfg.models = demoModels();
        cfg.limit = 30;
        cfg.samples = 1;
        cfg.seed = 11;
        cfg.budgets = {24}; // short thoughts keep the test quick; the answer still follows
        cfg.maxTokens = 48;
        cfg.threads = 2;
        qint64 runId = 0;
        {
            ProblemSetStore store(db);
            QVERIFY2(store.isOpen(), qPrintable(store.error()));
            runId = store.createRun(cfg);
            QVERIFY(runId > 0);
        }
        const int total = 3 * 30;

        // First session: pause after a third of the samples.
        int firstDone = 0;
        {
            ProblemSetThread thread;
            ProblemSetRunner* runner = thread.runner();
            QSignalSpy finished(runner, &ProblemSetRunner::finished);
            QSignalSpy progress(runner, &ProblemSetRunner::progress);
            QSignalSpy states(runner, &ProblemSetRunner::modelState);
            connect(runner, &ProblemSetRunner::sampleFinished, this,
                    [&](qint64, const SampleRecord&) {
                        if (++firstDone == total / 3) runner->pause();
                    });
            QMetaObject::invokeMethod(runner, "start", Qt::QueuedConnection, Q_ARG(QString, db),
                                      Q_ARG(qint64, runId));
            QVERIFY(finished.wait(240000));
            QCOMPARE(finished.first()[1].toBool(), false);
            QVERIFY(firstDone >= total / 3 && firstDone < total);
            QVERIFY(progress.size() >= 2);
            QCOMPARE(progress.last()[2].toInt(), total);
            bool sawRunning = false;
            for (const auto& s : states) sawRunning |= s[2].toString() == "running";
            QVERIFY(sawRunning);
        }
        int stored = 0;
        {
            ProblemSetStore store(db);
            stored = int(store.samples(runId).size());
            QVERIFY(stored >= firstDone); // everything reported was saved
            QVERIFY(!store.run(runId)->complete);
        }

        // Second session, a new runner on the same file: only the rest runs.
        int secondDone = 0;
        {
            ProblemSetThread thread;
            ProblemSetRunner* runner = thread.runner();
            QSignalSpy finished(runner, &ProblemSetRunner::finished);
            QSignalSpy progress(runner, &ProblemSetRunner::progress);
            connect(runner, &ProblemSetRunner::sampleFinished, this,
                    [&](qint64, const SampleRecord&) { ++secondDone; });
            QMetaObject::invokeMethod(runner, "start", Qt::QueuedConnection, Q_ARG(QString, db),
                                      Q_ARG(qint64, runId));
            QVERIFY(finished.wait(300000));
            QCOMPARE(finished.first()[1].toBool(), true);
            QCOMPARE(progress.first()[1].toInt(), stored); // resumed where it stopped
            QCOMPARE(progress.last()[1].toInt(), total);
        }
        QCOMPARE(stored + secondDone, total);

        ProblemSetStore store(db);
        QVERIFY(store.run(runId)->complete);
        QCOMPARE(store.samples(runId).size(), total);
        const QVector<ResultRow> rows = store.results(runId);
        QCOMPARE(rows.size(), 3);

        // rwb eval with the same seed and settings gives the same figures.
        QStringList args = {"eval", "--set",          kHeldOutSet, "--limit", "30", "--seed",
                            "11",   "--think-budget", "24",        "-n",      "48", "-t",
                            "2",    "--json"};
        for (const QString& m : cfg.models) args << "-m" << m;
        const auto r = rwb::test::run_rwb(args, 400000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray eval = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(eval.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const QJsonObject o = eval[i].toObject();
            const auto& s = rows[i].summary;
            QCOMPARE(rows[i].model, cfg.models[i]);
            QCOMPARE(s.n, qint64(30));
            QCOMPARE(s.accuracy, o["accuracy"].toDouble());
            QCOMPARE(s.mean_thinking_tokens, o["mean_thinking_tokens"].toDouble());
            QCOMPARE(s.mean_answer_tokens, o["mean_answer_tokens"].toDouble());
            qInfo("%s: accuracy %.3f, thinking %.1f, answer %.1f", qPrintable(rows[i].model),
                  s.accuracy, s.mean_thinking_tokens, s.mean_answer_tokens);
        }
        // The sizes are told apart even with short thoughts: not every model scores the same.
        QVERIFY(rows[0].summary.accuracy != rows[2].summary.accuracy ||
                rows[0].summary.mean_answer_tokens != rows[2].summary.mean_answer_tokens);
    }
};

QTEST_GUILESS_MAIN(TestProblemSetRunner)
#include "tst_problem_set_runner.moc"
