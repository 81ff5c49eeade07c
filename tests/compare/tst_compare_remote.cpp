// A remote endpoint as a comparison column, end to end: a real `rwb serve` on 127.0.0.1 (port 0)
// serving the small demo model, saved as an endpoint in QSettings (a temporary ini), compared
// with the local medium demo model. Both columns finish with stats; the remote one answers with
// \boxed{} and costs its tokens at the endpoint's prices.
#include "compare/compare_session.h"
#include "compare/cost_panel.h"
#include "demo_models.h"
#include "remote/remote_endpoint.h"

#include "../remote/serve_process.h"

#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using rwb::compare::ColumnState;
using namespace compare_test;

class TestCompareRemote : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    rwb::test::ServeProcess m_server;

private slots:
    void initTestCase() {
        if (!haveDemoModels()) QSKIP("the demo models are not in resources/models");
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        compare_test::useSettingsIn(m_dir);
        QVERIFY(m_server.start(demoModels()[0], {"--max-tokens", "4000"}));
        rwb::remote::RemoteEndpoint e;
        e.id = "demo";
        e.name = "demo server";
        e.baseUrl = m_server.baseUrl();
        e.model = "rwb-demo-small";
        e.inputCostPerMTokens = 3;
        e.outputCostPerMTokens = 7;
        QSettings qs;
        rwb::remote::RemoteEndpointList::save(qs, {e});
    }

    void local_and_remote_columns_finish_with_stats_and_cost() {
        rwb::compare::CompareSession session;
        const rwb::app::GenerationSettings s = compare_test::greedySettings(1024, 400);
        session.setSettings(s);
        session.setTotalThreads(2);
        QVERIFY(session.setModels({demoModels()[1], QStringLiteral("remote:demo")}));
        QVERIFY(!session.column(0).remote);
        QVERIFY(session.column(1).remote);
        QSignalSpy done(&session, &rwb::compare::CompareSession::allFinished);
        QSignalSpy deltas(&session, &rwb::compare::CompareSession::columnDelta);
        session.send(QStringLiteral("What is 48 + 76?"), 42);
        // The remote column uses no local memory and no local threads.
        QCOMPARE(session.column(1).metrics.plannedMemoryBytes, quint64(0));
        QVERIFY(done.wait(120000));
        QCOMPARE(session.column(1).metrics.peakMemoryBytes, quint64(0)); // nothing measured
        QVERIFY(session.column(0).metrics.peakMemoryBytes > 0);
        bool remoteDelta = false;
        for (const auto& args : deltas) remoteDelta |= args[0].toInt() == 1;
        QVERIFY(remoteDelta);
        for (int i = 0; i < 2; ++i) {
            const auto& r = session.column(i);
            QVERIFY2(r.state == ColumnState::Finished, qPrintable(r.error));
            QVERIFY(r.metrics.ttftMs > 0);
            QVERIFY(r.metrics.thinkingTokens + r.metrics.answerTokens > 0);
            QVERIFY(!r.answer.isEmpty());
        }
        const auto& remote = session.column(1);
        QCOMPARE(remote.threads, 0);
        QVERIFY(session.column(0).threads > 0);
        QVERIFY2(remote.answer.contains(QStringLiteral("\\boxed{")), qPrintable(remote.answer));
        QVERIFY(remote.metrics.promptTokens > 0);
        const double expected =
            (double(remote.metrics.promptTokens) * 3 +
             double(remote.metrics.thinkingTokens + remote.metrics.answerTokens) * 7) /
            1e6;
        QVERIFY(remote.metrics.cost > 0);
        QVERIFY(qAbs(remote.metrics.cost - expected) < 1e-12);
        QCOMPARE(session.column(0).metrics.cost, -1.0);
    }

    void cost_panel_offers_the_endpoint_prices() {
        rwb::ui::compare::CostPanel panel;
        const int index =
            panel.apiPicker()->findText(QStringLiteral("remote: demo server / rwb-demo-small"));
        QVERIFY(index >= 0);
        panel.apiPicker()->setCurrentIndex(index);
        rwb::compare::LocalModelLoad load;
        load.tokensPerSecond = 10;
        load.tokensPerAnswer = 500;
        panel.setModels({{QStringLiteral("m"), load}});
        // 1000 answers of 100 prompt tokens (the panel's default) and 500 generated tokens at
        // 3 and 7 per 1M tokens.
        const double expected = 1000.0 * (100 * 3 + 500 * 7) / 1e6;
        QCOMPARE(panel.table()->item(0, rwb::ui::compare::CostPanel::ApiPer1000)->text(),
                 QString::number(expected, 'f', 2));
    }

    void unknown_endpoint_fails_its_column_only() {
        rwb::compare::CompareSession session;
        const rwb::app::GenerationSettings s = compare_test::greedySettings(1024, 40);
        session.setSettings(s);
        QVERIFY(session.setModels({demoModels()[0], QStringLiteral("remote:nope")}));
        QSignalSpy done(&session, &rwb::compare::CompareSession::allFinished);
        session.send(QStringLiteral("What is 2 + 2?"), 1);
        QVERIFY(done.wait(60000));
        QCOMPARE(session.column(1).state, ColumnState::Failed);
        QVERIFY(session.column(1).error.contains(QStringLiteral("nope")));
        QVERIFY(session.column(0).state == ColumnState::Finished ||
                session.column(0).state == ColumnState::Failed); // 40 tokens may end mid-thought
    }
};

QTEST_MAIN(TestCompareRemote)
#include "tst_compare_remote.moc"
