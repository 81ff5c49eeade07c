// The problem-set runner on the three demo models over 30 held-out problems: it runs in the
// background with progress, is paused part-way and resumed by a NEW runner (as after a restart)
// on the same SQLite file, finishes every sample exactly once, and its accuracies and token
// means equal `rwb eval`'s for the same seed and settings.
#include "compare/problem_set_runner.h"
#include "compare/problem_set_store.h"

#include "demo_models.h"
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

private slots:
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
