// The comparison's pure logic: memory waves and thread split, thought diffs, budget lists, run
// configs, the SQLite result store and its summaries, CSV quoting.
#include "compare/cost_model.h"
#include "compare/memory_plan.h"
#include "compare/problem_set_store.h"
#include "compare/results_csv.h"
#include "compare/thought_diff.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::compare;

class TestCompareLogic : public QObject {
    Q_OBJECT
private slots:
    void waves() {
        using W = QVector<QVector<int>>;
        QCOMPARE(planWaves({10, 20, 30}, 0), (W{{0, 1, 2}}));
        QCOMPARE(planWaves({10, 20, 30}, 60), (W{{0, 1, 2}}));
        QCOMPARE(planWaves({10, 20, 30}, 35), (W{{0, 1}, {2}}));
        QCOMPARE(planWaves({40, 20, 30}, 35), (W{{0}, {1}, {2}})); // too large: alone
        QCOMPARE(planWaves({10, 10, 10, 10}, 20), (W{{0, 1}, {2, 3}}));
        QCOMPARE(planWaves({}, 10), W{});
    }
    void threads() {
        QCOMPARE(splitThreads(8, 3), (QVector<int>{3, 3, 2}));
        QCOMPARE(splitThreads(2, 3), (QVector<int>{1, 1, 1})); // at least one each
        QCOMPARE(splitThreads(4, 1), (QVector<int>{4}));
        QCOMPARE(splitThreads(4, 0), QVector<int>{});
        QVERIFY(machineThreads() >= 1);
    }
    void memory_estimate() {
        const QString model =
            QStringLiteral(RWB_SOURCE_DIR "/resources/models/rwb-demo-small.gguf");
        if (!QFile::exists(model)) QSKIP("no demo model");
        const quint64 small = estimateModelBytes(model, 256), big = estimateModelBytes(model, 4096);
        QVERIFY(small > quint64(QFileInfo(model).size()));
        QVERIFY(big > small); // the KV cache grows with the context
        QCOMPARE(estimateModelBytes(QStringLiteral("/nonexistent.gguf"), 256), quint64(0));
    }

    void cost_arithmetic() {
        // 1000 tokens per answer at 50 tok/s: 20 s per answer, 1000 answers = 20000 s = 50/9 h.
        LocalModelLoad load{50.0, 1000.0};
        Hardware hw;
        hw.price = 1752.0;     // over 3 years x 365 days x 8 h = 8760 h: 0.2 per hour
        hw.powerWatts = 300.0; // 0.3 kW
        hw.electricityPerKwh = 0.30;
        ApiPrices api{"x", "2025-01", 1.0, 10.0};
        const auto c = costPer1000(load, hw, api, 100.0);
        QVERIFY(c.has_value());
        QCOMPARE(c->secondsPerAnswer, 20.0);
        const double hours = 20000.0 / 3600.0;
        QVERIFY(qAbs(c->energyPer1000 - hours * 0.3 * 0.30) < 1e-9); // 0.5 currency units
        QVERIFY(qAbs(c->energyPer1000 - 0.5) < 1e-9);
        QVERIFY(qAbs(c->hardwarePer1000 - hours * 0.2) < 1e-9);
        QVERIFY(qAbs(c->localPer1000 - (0.5 + hours * 0.2)) < 1e-9);
        // API: 1000 x (100 x 1 + 1000 x 10) / 1e6 = 10.1 per 1000 answers.
        QVERIFY(qAbs(c->apiPer1000 - 10.1) < 1e-9);
        // Break-even: 1752 / ((10.1 - 0.5) / 1000) = 182500 answers.
        QVERIFY(c->breakEvenAnswers.has_value());
        QVERIFY(qAbs(*c->breakEvenAnswers - 182500.0) < 1e-6);

        // An API cheaper than the electricity never breaks even.
        ApiPrices cheap{"y", "2025-01", 0.0, 0.1};
        const auto never = costPer1000(load, hw, cheap, 0.0);
        QVERIFY(never && !never->breakEvenAnswers);
        // Unusable inputs.
        QVERIFY(!costPer1000({0.0, 100.0}, hw, api, 0));
        QVERIFY(!costPer1000({10.0, 0.0}, hw, api, 0));
        Hardware bad = hw;
        bad.hoursPerDay = 25;
        QVERIFY(!costPer1000(load, bad, api, 0));
        QVERIFY(!exampleApiPrices().isEmpty());
        for (const ApiPrices& p : exampleApiPrices()) QVERIFY(!p.asOf.isEmpty());
    }

    void diff_marks_first_divergence() {
        const QString a = "Let me add.\n\n7 + 5 = 12.\n\nCheck: 12 - 5 = 7.\n\nSo 12.";
        const QString b = "Let me add.\n\n7 + 5 = 13.\n\nCheck: 12 - 5 = 7.\n\nSo 12.\n\nDone.";
        const ThoughtDiff d = diffThoughts(a, b);
        QCOMPARE(d.leftParagraphs.size(), 4);
        QCOMPARE(d.rightParagraphs.size(), 5);
        QCOMPARE(d.firstDivergence, 1);
        QVERIFY(d.rows[0].same);
        QCOMPARE(d.rows[1].left, 1);
        QCOMPARE(d.rows[1].right, 1);
        QVERIFY(!d.rows[1].same);
        QVERIFY(d.rows[2].same && d.rows[3].same);
        QCOMPARE(d.rows.last().left, -1); // "Done." only on the right
        QCOMPARE(d.rows.last().right, 4);

        const ThoughtDiff same = diffThoughts("x\n\n y \n", "x\n\ny");
        QCOMPARE(same.firstDivergence, -1);
        QCOMPARE(same.rows.size(), 2);
        // A paragraph inserted on one side keeps the rest aligned.
        const ThoughtDiff ins = diffThoughts("a\n\nc", "a\n\nb\n\nc");
        QCOMPARE(ins.rows.size(), 3);
        QCOMPARE(ins.firstDivergence, 1);
        QCOMPARE(ins.rows[1].left, -1);
        QVERIFY(ins.rows[2].same);
        QCOMPARE(splitParagraphs("one\ntwo\n\n\n three "), (QStringList{"one\ntwo", "three"}));
    }

    void budgets_and_config() {
        QCOMPARE(parseBudgets("256, 1k, 4k, unlimited"), (QVector<int>{256, 1024, 4096, 0}));
        QVERIFY(parseBudgets("256, lots").isEmpty());
        QVERIFY(parseBudgets("-5").isEmpty());
        QCOMPARE(budgetLabel(0), QString("unlimited"));
        QCOMPARE(budgetLabel(1024), QString("1k"));
        QCOMPARE(budgetLabel(300), QString("300"));

        ProblemSetConfig c;
        c.setPath = "/x.jsonl";
        c.models = {"/a.gguf", "/b.gguf"};
        c.samples = 4;
        c.seed = 1234567890123ull;
        c.budgets = {256, 0};
        c.memoryBudget = 5ull << 30;
        QVERIFY(c.validate().isEmpty());
        const ProblemSetConfig back = ProblemSetConfig::fromJson(c.toJson());
        QCOMPARE(back.models, c.models);
        QCOMPARE(back.seed, c.seed);
        QCOMPARE(back.budgets, c.budgets);
        QCOMPARE(back.memoryBudget, c.memoryBudget);
        QCOMPARE(back.samples, 4);
        ProblemSetConfig bad = c;
        bad.models.clear();
        QVERIFY(!bad.validate().isEmpty());
        bad = c;
        bad.samples = 0;
        QVERIFY(!bad.validate().isEmpty());
    }

    // The run's backend and GPU layers survive the stored JSON; a run stored before the fields
    // existed (it ran on the CPU) loads with the defaults; bad GPU layers are refused.
    void config_backend_round_trip() {
        ProblemSetConfig c;
        c.setPath = "/x.jsonl";
        c.models = {"/a.gguf"};
        QCOMPARE(c.backend, rwb::app::Backend::Cpu);
        QCOMPARE(c.gpuLayers, -1);
        c.backend = rwb::app::Backend::Cuda;
        c.gpuLayers = 12;
        const QJsonObject o = c.toJson();
        QCOMPARE(o["backend"].toString(), QString("cuda"));
        QCOMPARE(o["gpu_layers"].toInt(), 12);
        ProblemSetConfig back = ProblemSetConfig::fromJson(o);
        QCOMPARE(back.backend, rwb::app::Backend::Cuda);
        QCOMPARE(back.gpuLayers, 12);
        c.backend = rwb::app::Backend::Auto;
        c.gpuLayers = -1;
        back = ProblemSetConfig::fromJson(c.toJson());
        QCOMPARE(back.backend, rwb::app::Backend::Auto);
        QCOMPARE(back.gpuLayers, -1);

        QJsonObject old = o;
        old.remove("backend");
        old.remove("gpu_layers");
        back = ProblemSetConfig::fromJson(old);
        QCOMPARE(back.backend, rwb::app::Backend::Cpu);
        QCOMPARE(back.gpuLayers, -1);
        QCOMPARE(back.models, c.models);
        QVERIFY(back.validate().isEmpty());
        old["backend"] = "tpu"; // unknown: the default, not a guess
        QCOMPARE(ProblemSetConfig::fromJson(old).backend, rwb::app::Backend::Cpu);

        ProblemSetConfig bad = c;
        bad.gpuLayers = -2;
        QVERIFY(bad.validate().contains("GPU layers"));
    }

    // A results file written before samples recorded their backend opens, keeps its rows (with
    // no backend) and stores new samples with theirs.
    void store_adds_the_backend_column_to_old_files() {
        QTemporaryDir tmp;
        const QString path = tmp.filePath("old.sqlite");
        {
            QSqlDatabase d = QSqlDatabase::addDatabase("QSQLITE", "old-schema");
            d.setDatabaseName(path);
            QVERIFY(d.open());
            QSqlQuery q(d);
            QVERIFY(q.exec("CREATE TABLE problem_set_runs (id INTEGER PRIMARY KEY, config_json "
                           "TEXT NOT NULL, created INTEGER NOT NULL, complete INTEGER NOT NULL "
                           "DEFAULT 0)"));
            QVERIFY(q.exec(
                "CREATE TABLE problem_set_samples (run_id INTEGER NOT NULL, model TEXT NOT NULL,"
                " budget INTEGER NOT NULL, problem_index INTEGER NOT NULL, sample INTEGER NOT NULL,"
                " problem_id TEXT NOT NULL, reference TEXT NOT NULL, extracted TEXT NOT NULL,"
                " correct INTEGER NOT NULL, thinking_tokens INTEGER NOT NULL,"
                " answer_tokens INTEGER NOT NULL, generated_tokens INTEGER NOT NULL,"
                " generation_seconds REAL NOT NULL, wall_seconds REAL NOT NULL,"
                " thinking TEXT NOT NULL, answer TEXT NOT NULL,"
                " PRIMARY KEY (run_id, model, budget, problem_index, sample))"));
            QVERIFY(q.exec("INSERT INTO problem_set_runs VALUES (1, '{\"set\":\"/s.jsonl\","
                           "\"models\":[\"/a.gguf\"],\"budgets\":[0]}', 1, 0)"));
            QVERIFY(q.exec("INSERT INTO problem_set_samples VALUES (1, '/a.gguf', 0, 0, 0, 'p0',"
                           " '4', '4', 1, 5, 2, 7, 0.5, 0.6, 'th', 'an')"));
            d.close();
        }
        QSqlDatabase::removeDatabase("old-schema");
        ProblemSetStore store(path);
        QVERIFY2(store.isOpen(), qPrintable(store.error()));
        const auto run = store.run(1);
        QVERIFY(run);
        QCOMPARE(run->config.backend, rwb::app::Backend::Cpu); // stored before the field
        QVector<SampleRecord> rows = store.samples(1, true);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].backend, QString());
        QCOMPARE(rows[0].answer, QString("an"));
        SampleRecord r = rows[0];
        r.sample = 1;
        r.backend = "cuda+cpu";
        QVERIFY(store.saveSample(1, r));
        rows = store.samples(1, true);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].backend, QString("cuda+cpu"));
        QCOMPARE(rows[1].thinking, QString("th"));
        QVERIFY(ProblemSetStore(path).isOpen()); // the second opening finds the column
    }

    void store_round_trip_and_summaries() {
        QTemporaryDir tmp;
        const QString path = tmp.filePath("r.sqlite");
        ProblemSetConfig c;
        c.setPath = "/set.jsonl";
        c.models = {"/a.gguf", "/b.gguf"};
        c.samples = 2;
        qint64 id = 0;
        {
            ProblemSetStore store(path);
            QVERIFY(store.isOpen());
            id = store.createRun(c);
            QVERIFY(id > 0);
            // Model a: problem 0 right twice, problem 1 wrong then right ("5" vs reference "6").
            auto rec = [&](const QString& m, int p, int k, const QString& ans, bool ok) {
                SampleRecord r;
                r.model = m;
                r.problemIndex = p;
                r.sample = k;
                r.problemId = QString("p%1").arg(p);
                r.reference = p == 0 ? "4" : "6";
                r.extracted = ans;
                r.correct = ok;
                r.thinkingTokens = 10 * (k + 1);
                r.answerTokens = 3;
                r.generatedTokens = r.thinkingTokens + 3;
                r.generationSeconds = 0.5;
                r.wallSeconds = 1.0;
                r.thinking = "thought";
                return store.saveSample(id, r);
            };
            QVERIFY(rec("/a.gguf", 0, 0, "4", true));
            QVERIFY(rec("/a.gguf", 0, 1, "4", true));
            QVERIFY(rec("/a.gguf", 1, 0, "5", false));
            QVERIFY(rec("/a.gguf", 1, 1, "6", true));
            QVERIFY(rec("/b.gguf", 0, 0, "", false));
            QVERIFY(rec("/b.gguf", 0, 0, "4", true)); // a re-run replaces, never duplicates
        }
        ProblemSetStore store(path); // reopened, as after a restart
        QCOMPARE(store.finishedKeys(id).size(), 5);
        QVERIFY(store.finishedKeys(id).contains("/a.gguf|0|1|0"));
        QCOMPARE(store.samples(id, true).first().thinking, QString("thought"));
        QCOMPARE(store.runs().size(), 1);
        QCOMPARE(store.run(id)->config.models, c.models);
        const QVector<ResultRow> rows = store.results(id);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].summary.n, qint64(2));
        QCOMPARE(rows[0].summary.accuracy, 0.75); // 3 of 4 samples
        QCOMPARE(rows[0].summary.pass_at_k, 1.0); // both problems have a right sample
        QCOMPARE(rows[0].summary.cons_at_k, 0.5); // problem 1: tie "5"/"6", first wins
        QCOMPARE(rows[0].summary.mean_thinking_tokens, 15.0);
        QCOMPARE(rows[1].summary.n, qint64(1));
        QCOMPARE(rows[1].summary.accuracy, 1.0);
        QVERIFY(store.setComplete(id, true));
        QVERIFY(store.run(id)->complete);

        const QString csv = resultsCsv(rows);
        QCOMPARE(csv.count('\n'), 3);
        QVERIFY(csv.startsWith("model,file,thinking_budget,n,"));
        QVERIFY(csv.contains("a,/a.gguf,0,2,2,0.7500,"));
        QCOMPARE(csvField("a,b"), QString("\"a,b\""));
        QCOMPARE(csvField("say \"hi\""), QString("\"say \"\"hi\"\"\""));

        ProblemSetStore broken(tmp.filePath("no/such/dir/x.sqlite"));
        QVERIFY(!broken.isOpen());
        QVERIFY(!broken.error().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCompareLogic)
#include "tst_compare_logic.moc"
