// Renaming and deleting in the Compare section: real history and problem-set SQLite files in a
// temporary folder, the real list and comparison window offscreen, driven with keys (F2,
// Delete) and their dialogs answered as a user would. Checks the file itself after reopening.
#include "compare/compare_runs_list.h"
#include "compare/comparison_recorder.h"
#include "compare/problem_set_store.h"
#include "compare/stored_comparison_view.h"
#include "main/comparison_window.h"
#include "main/main_window.h"
#include "message_store.h"
#include "storage_open.h"
#include "storage_worker.h"

#include <QAbstractButton>
#include <QApplication>
#include <QInputDialog>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

using rwb::ui::ComparisonWindow;
using rwb::ui::compare::CompareRunsList;

namespace {

// Answers the next modal dialog (or popup menu) with `answer` once it is on screen; `seen`
// says whether one came.
void answerNextDialog(std::function<void(QWidget*)> answer, bool* seen = nullptr,
                      int maxTries = 200) {
    if (seen) *seen = false;
    auto tries = std::make_shared<int>(0);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [answer, seen, tries, poll, maxTries] {
        QWidget* w = QApplication::activeModalWidget();
        if (!w) w = QApplication::activePopupWidget();
        if (w && w->isVisible()) {
            if (seen) *seen = true;
            answer(w);
            *poll = nullptr; // breaks the cycle
            return;
        }
        if (++*tries < maxTries)
            QTimer::singleShot(10, *poll);
        else
            *poll = nullptr;
    };
    QTimer::singleShot(10, *poll);
}

void clickButton(QWidget* dialog, QMessageBox::StandardButton which) {
    auto* box = qobject_cast<QMessageBox*>(dialog);
    if (!box) { // the check of `seen` and what follows fails the test
        dialog->close();
        return;
    }
    QTest::mouseClick(box->button(which), Qt::LeftButton);
}

rwb::compare::ComparisonRecord record(const QString& title) {
    rwb::compare::ComparisonRecord rec;
    rec.run.title = title;
    rec.run.prompt = title + QStringLiteral(": what is 2 + 3?");
    for (const char* name : {"/models/alpha.gguf", "/models/beta.gguf"}) {
        rwb::storage::ModelRecord m;
        m.path = QString::fromLatin1(name);
        m.name = QFileInfo(m.path).completeBaseName();
        rwb::storage::ComparisonResult r;
        r.answer = QStringLiteral("5");
        r.reasoning = QStringLiteral("2 + 3 = 5");
        r.verdict = QStringLiteral("5");
        r.state = rwb::storage::MessageState::Complete;
        rec.models.append(m);
        rec.results.append(r);
    }
    return rec;
}

int resultRows(const QString& db, qint64 runId) {
    rwb::storage::MessageStore store;
    if (!store.open(db)) return -1;
    return int(store.comparisonResults(runId).size());
}

} // namespace

using compare_test::openStorage;

class TestCompareManage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    qint64 m_first = 0, m_second = 0;

    static int rowOf(CompareRunsList& list, int kind, qint64 id) {
        for (int i = 0; i < list.listWidget()->count(); ++i) {
            auto* item = list.listWidget()->item(i);
            if (item->data(CompareRunsList::KindRole).toInt() == kind &&
                item->data(CompareRunsList::IdRole).toLongLong() == id)
                return i;
        }
        return -1;
    }
    static bool refreshed(CompareRunsList& list) {
        QSignalSpy spy(&list, &CompareRunsList::refreshed);
        list.refresh();
        return spy.wait(10000);
    }
    // Focuses the row so the list's shortcuts apply, then presses `key`.
    static void press(CompareRunsList& list, int row, Qt::Key key) {
        list.listWidget()->setCurrentRow(row);
        list.listWidget()->setFocus();
        QTest::keyClick(list.listWidget(), key);
    }
    // A Compare section on its own storage thread over `db`, shown and refreshed once.
    struct ShownList {
        rwb::storage::StorageThread storage;
        QWidget host;
        CompareRunsList* list = new CompareRunsList(&host);
        bool open(const QString& db) {
            if (!openStorage(storage.worker(), db)) return false;
            list->setStorage(storage.worker());
            host.show();
            return QTest::qWaitForWindowExposed(&host) && refreshed(*list);
        }
        // The window opens what the list activates, on the same storage.
        void attach(ComparisonWindow& window) {
            window.setStorage(storage.worker());
            QObject::connect(list, &CompareRunsList::comparisonActivated, &window,
                             &ComparisonWindow::openStoredComparison);
        }
        // Activates the comparison's row; true once the window shows it.
        bool show(ComparisonWindow& window, qint64 id) {
            QSignalSpy shown(&window, &ComparisonWindow::storedComparisonShown);
            list->activateRow(rowOf(*list, CompareRunsList::Comparison, id));
            return shown.wait(10000);
        }
    };

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ReasoningWorkbenchTest");
        QCoreApplication::setApplicationName("tst_compare_manage");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("ini"));
        rwb::storage::registerStorageMetaTypes();
        m_db = m_dir.filePath("history.sqlite");
        rwb::storage::MessageStore store;
        QVERIFY2(store.open(m_db), qPrintable(store.lastError()));
        m_first = rwb::compare::saveComparison(store, record("First run"));
        m_second = rwb::compare::saveComparison(store, record("Second run"));
        QVERIFY(m_first > 0 && m_second > 0);
        QCOMPARE(store.comparisonResults(m_first).size(), 2);
    }

    void empty_section_shows_a_hint_that_no_action_takes() {
        const QString empty = m_dir.filePath("empty.sqlite");
        ShownList shown_list;
        QVERIFY(shown_list.open(empty));
        CompareRunsList* list = shown_list.list;
        QCOMPARE(list->listWidget()->count(), 1);
        QListWidgetItem* hint = list->listWidget()->item(0);
        QVERIFY(hint->text().contains("No comparisons yet"));
        QCOMPARE(hint->flags(), Qt::NoItemFlags);
        // A short list is only as tall as its lines, leaving the room to the conversations.
        QVERIFY(list->listWidget()->maximumHeight() < 180);
        QSignalSpy opened(list, &CompareRunsList::comparisonActivated);
        bool dialog = false;
        answerNextDialog([](QWidget* w) { w->close(); }, &dialog, 30);
        for (Qt::Key key : {Qt::Key_Return, Qt::Key_F2, Qt::Key_Delete}) press(*list, 0, key);
        QTest::qWait(400);
        QCOMPARE(opened.count(), 0);
        QVERIFY(!dialog);
        QVERIFY(list->listWidget()->currentItem() == nullptr ||
                list->listWidget()->currentItem()->flags() == Qt::NoItemFlags);
    }

    void rename_with_f2_persists_and_updates_the_open_view() {
        {
            ShownList shown_list;
            QVERIFY(shown_list.open(m_db));
            CompareRunsList* list = shown_list.list;
            QCOMPARE(list->listWidget()->count(), 2);

            ComparisonWindow window;
            shown_list.attach(window);
            connect(list, &CompareRunsList::comparisonRenamed, &window,
                    &ComparisonWindow::storedComparisonRenamed);
            QVERIFY(shown_list.show(window, m_first));
            QVERIFY(window.storedView()->headerText().contains("First run"));

            // The context menu offers Open, Rename and Delete for a comparison.
            QStringList menuItems;
            answerNextDialog([&menuItems](QWidget* w) {
                auto* menu = qobject_cast<QMenu*>(w);
                if (menu)
                    for (QAction* a : menu->actions())
                        if (!a->isSeparator()) menuItems.append(a->text());
                w->close();
            });
            const int row = rowOf(*list, CompareRunsList::Comparison, m_first);
            emit list->listWidget()->customContextMenuRequested(
                list->listWidget()->visualItemRect(list->listWidget()->item(row)).center());
            QCOMPARE(menuItems, (QStringList{"Open", "Rename…", "Delete…"}));

            // Cancelling the dialog changes nothing.
            QSignalSpy renamed(list, &CompareRunsList::comparisonRenamed);
            bool seen = false;
            answerNextDialog([](QWidget* w) { w->close(); }, &seen);
            press(*list, row, Qt::Key_F2);
            QVERIFY(seen);
            QTest::qWait(100);
            QCOMPARE(renamed.count(), 0);

            // F2, a new title, OK.
            QString offered;
            answerNextDialog(
                [&offered](QWidget* w) {
                    auto* dialog = qobject_cast<QInputDialog*>(w);
                    if (!dialog) return (void)w->close();
                    offered = dialog->textValue();
                    dialog->setTextValue("  Addition check  ");
                    dialog->accept();
                },
                &seen);
            press(*list, row, Qt::Key_F2);
            QVERIFY(seen);
            QCOMPARE(offered, QString("First run"));
            QVERIFY(renamed.wait(10000));
            QCOMPARE(renamed.first().at(1).toString(), QString("Addition check"));
            QListWidgetItem* item =
                list->listWidget()->item(rowOf(*list, CompareRunsList::Comparison, m_first));
            QVERIFY(item->text().startsWith("Addition check\n"));
            QVERIFY(item->text().contains("2 models"));
            QTRY_VERIFY(window.storedView()->headerText().contains("Addition check"));
            // A refresh reads the new title back from the database.
            QVERIFY(refreshed(*list));
            QVERIFY(list->listWidget()
                        ->item(rowOf(*list, CompareRunsList::Comparison, m_first))
                        ->text()
                        .startsWith("Addition check\n"));
        }
        // After reopening the database: the new title, the results untouched.
        rwb::storage::MessageStore store;
        QVERIFY(store.open(m_db));
        QCOMPARE(store.comparisonRun(m_first)->title, QString("Addition check"));
        QCOMPARE(store.comparisonRun(m_second)->title, QString("Second run"));
        QCOMPARE(store.comparisonResults(m_first).size(), 2);
        store.close();
        rwb::storage::StorageThread storage;
        QVERIFY(openStorage(storage.worker(), m_db));
        CompareRunsList list;
        list.setStorage(storage.worker());
        QVERIFY(refreshed(list));
        QVERIFY(list.listWidget()
                    ->item(rowOf(list, CompareRunsList::Comparison, m_first))
                    ->text()
                    .startsWith("Addition check\n"));
    }

    void delete_removes_the_run_its_results_and_the_open_view() {
        {
            ShownList shown_list;
            QVERIFY(shown_list.open(m_db));
            CompareRunsList* list = shown_list.list;
            QCOMPARE(list->listWidget()->count(), 2);

            ComparisonWindow window;
            shown_list.attach(window);
            connect(list, &CompareRunsList::comparisonDeleted, &window,
                    &ComparisonWindow::forgetStoredComparison);
            window.show();
            QVERIFY(shown_list.show(window, m_second));
            QCOMPARE(window.storedView()->columns().size(), 2);

            // Cancel keeps it.
            QSignalSpy deleted(list, &CompareRunsList::comparisonDeleted);
            bool seen = false;
            answerNextDialog([](QWidget* w) { clickButton(w, QMessageBox::Cancel); }, &seen);
            press(*list, rowOf(*list, CompareRunsList::Comparison, m_second), Qt::Key_Delete);
            QVERIFY(seen);
            QTest::qWait(100);
            QCOMPARE(deleted.count(), 0);
            QCOMPARE(list->listWidget()->count(), 2);

            answerNextDialog([](QWidget* w) { clickButton(w, QMessageBox::Yes); }, &seen);
            press(*list, rowOf(*list, CompareRunsList::Comparison, m_second), Qt::Key_Delete);
            QVERIFY(seen);
            QVERIFY(deleted.wait(10000));
            QCOMPARE(deleted.first().at(0).toLongLong(), m_second);
            QCOMPARE(list->listWidget()->count(), 1);
            QCOMPARE(rowOf(*list, CompareRunsList::Comparison, m_second), -1);
            // The stored view that showed it is emptied, and the window keeps working.
            QCOMPARE(window.storedView()->runId(), qint64(0));
            QTRY_COMPARE(window.storedView()->columns().size(), 0);
            QCOMPARE(window.storedView()->metricsTable()->rowCount(), 0);
            QVERIFY(window.storedView()->headerText().contains("deleted"));
            QTest::qWait(50); // the old columns' deleteLater runs
            // Opening the deleted run again says so instead of showing anything.
            QSignalSpy error(&window, &ComparisonWindow::errorOccurred);
            window.openStoredComparison(m_second);
            QVERIFY(error.wait(10000));
            QVERIFY(error.first().at(0).toString().contains("no longer stored"));
            // The other run still opens.
            QVERIFY(shown_list.show(window, m_first));
            QCOMPARE(window.storedView()->columns().size(), 2);
            // Deleting a run that is already gone is one clear error, nothing else changes.
            QSignalSpy listError(list, &CompareRunsList::errorOccurred);
            list->deleteRun(CompareRunsList::Comparison, m_second);
            QVERIFY(listError.wait(10000));
            QVERIFY(listError.first().at(0).toString().contains("not stored"));
            QCOMPARE(list->listWidget()->count(), 1);
        }
        QCOMPARE(resultRows(m_db, m_second), 0);
        QCOMPARE(resultRows(m_db, m_first), 2);
        rwb::storage::MessageStore store;
        QVERIFY(store.open(m_db));
        QVERIFY(!store.comparisonRun(m_second));
        QCOMPARE(store.integrityCheck(), QString("ok"));
    }

    void problem_set_run_delete_removes_it_and_its_samples() {
        const QString db = m_dir.filePath("problem-sets.sqlite");
        rwb::compare::ProblemSetConfig config;
        config.setPath = m_dir.filePath("arith.jsonl");
        config.models = {"/models/alpha.gguf"};
        qint64 doomed = 0, kept = 0;
        {
            rwb::compare::ProblemSetStore store(db);
            QVERIFY2(store.isOpen(), qPrintable(store.error()));
            doomed = store.createRun(config);
            kept = store.createRun(config);
            QVERIFY(doomed > 0 && kept > 0);
            for (qint64 run : {doomed, kept})
                for (int i = 0; i < 2; ++i) {
                    rwb::compare::SampleRecord rec;
                    rec.model = config.models[0];
                    rec.problemIndex = i;
                    rec.reference = "1";
                    QVERIFY(store.saveSample(run, rec));
                }
        }
        QWidget host;
        auto* list = new CompareRunsList(&host);
        list->setProblemSetDatabasePath(db);
        host.show();
        QVERIFY(QTest::qWaitForWindowExposed(&host));
        QVERIFY(refreshed(*list));
        QCOMPARE(list->listWidget()->count(), 2);
        const int row = rowOf(*list, CompareRunsList::ProblemSet, doomed);
        QVERIFY(row >= 0);

        // No Rename for a problem-set run: F2 opens nothing, the menu has no Rename.
        bool seen = true;
        answerNextDialog([](QWidget* w) { w->close(); }, &seen, 20);
        press(*list, row, Qt::Key_F2);
        QTest::qWait(400); // longer than the 20 tries of 10 ms
        QVERIFY(!seen);
        QStringList menuItems;
        answerNextDialog([&menuItems](QWidget* w) {
            if (auto* menu = qobject_cast<QMenu*>(w))
                for (QAction* a : menu->actions())
                    if (!a->isSeparator()) menuItems.append(a->text());
            w->close();
        });
        emit list->listWidget()->customContextMenuRequested(
            list->listWidget()->visualItemRect(list->listWidget()->item(row)).center());
        QCOMPARE(menuItems, (QStringList{"Open", "Delete…"}));

        // The one running cannot be deleted.
        QSignalSpy error(list, &CompareRunsList::errorOccurred);
        list->setProblemSetRunBusy([doomed](qint64 id) { return id == doomed; });
        press(*list, row, Qt::Key_Delete);
        QCOMPARE(error.count(), 1);
        QVERIFY(error.first().at(0).toString().contains("Stop"));
        list->setProblemSetRunBusy({});

        QSignalSpy deleted(list, &CompareRunsList::problemSetRunDeleted);
        answerNextDialog([](QWidget* w) { clickButton(w, QMessageBox::Yes); }, &seen);
        press(*list, row, Qt::Key_Delete);
        QVERIFY(seen);
        QVERIFY(deleted.wait(10000));
        QCOMPARE(deleted.first().at(0).toLongLong(), doomed);
        QCOMPARE(list->listWidget()->count(), 1);
        QVERIFY(refreshed(*list));
        QCOMPARE(list->listWidget()->count(), 1);
        QCOMPARE(rowOf(*list, CompareRunsList::ProblemSet, kept), 0);

        rwb::compare::ProblemSetStore store(db);
        QVERIFY(!store.run(doomed));
        QCOMPARE(store.samples(doomed).size(), 0);
        QCOMPARE(store.samples(kept).size(), 2);
        QString why;
        QVERIFY(!store.deleteRun(doomed, &why)); // gone already: false with a reason
        QVERIFY2(why.contains("not stored"), qPrintable(why));
        QVERIFY(store.isOpen());
    }

    // The main window wires it: deleting the comparison its Compare window shows empties that
    // tab; renaming it shows the new title there.
    void main_window_follows_rename_and_delete() {
        const QString db = m_dir.filePath("main-window.sqlite");
        qint64 id = 0;
        {
            rwb::storage::MessageStore store;
            QVERIFY(store.open(db));
            id = rwb::compare::saveComparison(store, record("Window run"));
            QVERIFY(id > 0);
        }
        rwb::ui::MainWindow w(db);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(QTest::qWaitFor([&] { return w.isStorageReady(); }, 10000));
        CompareRunsList* runs = w.compareRuns();
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(*runs, CompareRunsList::Comparison, id) >= 0, 10000);
        runs->activateRow(rowOf(*runs, CompareRunsList::Comparison, id));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.comparisonWindow() && w.comparisonWindow()->storedView()->runId() == id, 10000);
        auto* stored = w.comparisonWindow()->storedView();
        runs->renameComparison(id, "Renamed in window");
        QTRY_VERIFY_WITH_TIMEOUT(stored->headerText().contains("Renamed in window"), 10000);
        QSignalSpy deleted(runs, &CompareRunsList::comparisonDeleted);
        runs->deleteRun(CompareRunsList::Comparison, id);
        QVERIFY(deleted.wait(10000));
        QCOMPARE(stored->runId(), qint64(0));
        QTRY_COMPARE(stored->columns().size(), 0);
        QVERIFY(stored->headerText().contains("deleted"));
        QCOMPARE(rowOf(*runs, CompareRunsList::Comparison, id), -1);
    }
};

QTEST_MAIN(TestCompareManage)
#include "tst_compare_manage.moc"
