// The main window reaching the parts built beside it: Models > Model library… opens the Library
// and its chosen model becomes the settings panel's; Compare > Compare models… / Problem sets…
// open the comparison window on the right tab with the chat still there; a compare column
// continued in chat becomes a stored conversation in the list and the chat; a .gguf named on the
// command line selects that model (modelFromArguments, as main.cpp uses it); the window icon.
// Real widgets offscreen, a real history file and a real GGUF file in a temporary folder.
#include "chat/message_widget.h"
#include "chat_view/chat_view.h"
#include "compare/compare_view.h"
#include "compare/problem_set_view.h"
#include "conversations/conversation_list_model.h"
#include "conversations/conversation_panel.h"
#include "inference/chat_controller.h"
#include "library/library_dialog.h"
#include "main/comparison_window.h"
#include "main/launch_arguments.h"
#include "main/main_window.h"
#include "message_store.h"
#include "settings/settings_panel.h"

#include "remote/remote_endpoint.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace rwb::ui;

class TestMainWindowMenus : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    QString m_model; // a real GGUF file in the temporary folder

    std::unique_ptr<MainWindow> open() {
        auto w = std::make_unique<MainWindow>(m_db);
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
        if (!QTest::qWaitFor([&] { return w->isStorageReady(); }, 10000)) return nullptr;
        return w;
    }

    static bool trigger(MainWindow& w, const char* name) {
        auto* action = w.findChild<QAction*>(QLatin1String(name));
        if (!action || !action->isEnabled()) return false;
        action->trigger();
        return true;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ReasoningWorkbenchTest");
        QCoreApplication::setApplicationName("tst_main_window_menus");
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("My Model-Q4.gguf");
        QVERIFY(QFile::copy(
            QStringLiteral(RWB_SOURCE_DIR "/tests/data/gguf/corpus/tiny_model.gguf"), m_model));
    }

    void init() {
        QSettings().clear();
        m_db = m_dir.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
    }

    void libraryMenuOpensDialogAndItsChoiceSelectsTheModel() {
        auto w = open();
        QVERIFY(w);
        QVERIFY(!w->findChild<LibraryDialog*>());
        QVERIFY(trigger(*w, "libraryAction"));
        auto* dialog = w->findChild<LibraryDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QVERIFY(w->settingsPanel()->settings().modelPath != m_model);

        emit dialog->modelChosen(m_model);
        QCOMPARE(w->settingsPanel()->settings().modelPath, m_model);
        QCOMPARE(w->controller()->settings().modelPath, m_model);
        QCOMPARE(w->modelStatus()->text(), QString("My Model-Q4"));

        // A second trigger shows the same dialog, not another one.
        QVERIFY(trigger(*w, "libraryAction"));
        QCOMPARE(w->findChildren<LibraryDialog*>().size(), 1);

        // A chosen path that does not exist changes nothing.
        emit dialog->modelChosen(m_dir.filePath("gone.gguf"));
        QCOMPARE(w->settingsPanel()->settings().modelPath, m_model);
    }

    void compareMenusOpenTheComparisonWindowBesideTheChat() {
        // A saved remote endpoint is offered to the compare pickers too (not to problem sets).
        {
            rwb::remote::RemoteEndpoint e;
            e.id = "far";
            e.name = "far server";
            e.baseUrl = "http://127.0.0.1:9/v1";
            e.model = "m";
            QSettings qs;
            rwb::remote::RemoteEndpointList::save(qs, {e});
        }
        auto w = open();
        QVERIFY(w);
        w->openModelFile(m_model); // offered to the compare pickers
        QVERIFY(!w->comparisonWindow());
        QVERIFY(trigger(*w, "compareAction"));
        auto* compareView = w->findChild<compare::CompareView*>();
        QVERIFY(compareView);
        QTRY_VERIFY(compareView->isVisible());
        ComparisonWindow* window = w->comparisonWindow();
        QVERIFY(window && window->isWindow());
        QCOMPARE(window->tabs()->currentWidget(), compareView);
        // The settings panel's models are offered in the pickers.
        compareView->selectModels({m_model, m_model});
        QVERIFY(compareView->selectedModels().contains(m_model));
        compareView->selectModels({m_model, QStringLiteral("remote:far")});
        QCOMPARE(compareView->selectedModels(),
                 QStringList({m_model, QStringLiteral("remote:far")}));
        QVERIFY(w->chatView()->isVisible()); // the chat stays where it was
        // Continuing a remote column's reply goes on with its endpoint.
        emit compareView->continueInChat(QStringLiteral("remote:far"), "What is 2 + 2?", "2 + 2",
                                         "4");
        QCOMPARE(w->settingsPanel()->settings().modelPath, QStringLiteral("remote:far"));

        QVERIFY(trigger(*w, "problemSetsAction"));
        auto* problemSets = w->findChild<compare::ProblemSetView*>();
        QVERIFY(problemSets);
        QCOMPARE(window->tabs()->currentWidget(), problemSets);
        QTRY_VERIFY(problemSets->isVisible());
        QCOMPARE(w->findChildren<ComparisonWindow*>().size(), 1);

        // The runs are stored in the user's data folder.
        const QString db = ComparisonWindow::problemSetDatabasePath();
        QVERIFY(db.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
        QVERIFY(QFileInfo(db).dir().exists());
    }

    void continueInChatStoresAndShowsTheConversation() {
        auto w = open();
        QVERIFY(w);
        QVERIFY(trigger(*w, "compareAction"));
        auto* compareView = w->findChild<compare::CompareView*>();
        QVERIFY(compareView);
        QCOMPARE(w->conversationPanel()->model()->rowCount(), 0);

        emit compareView->continueInChat(m_model, "What is 17 * 3?\nShow the steps.",
                                         "17 * 3 = 51 because 17 * 3 = 30 + 21.", "**51**");
        QTRY_COMPARE(w->conversationPanel()->model()->rowCount(), 1);
        const QModelIndex row = w->conversationPanel()->model()->index(0, 0);
        QCOMPARE(row.data(Qt::DisplayRole).toString(), QString("What is 17 * 3?"));
        const qint64 id = row.data(ConversationListModel::IdRole).toLongLong();
        QVERIFY(id > 0);
        QTRY_COMPARE(w->chatView()->conversationId(), id);
        QTRY_COMPARE(w->chatView()->messageWidgets().size(), 2);
        const QList<MessageWidget*> shown = w->chatView()->messageWidgets();
        QCOMPARE(shown[0]->answerText(), QString("What is 17 * 3?\nShow the steps."));
        QCOMPARE(shown[1]->answerText(), QString("**51**"));
        QVERIFY(shown[1]->answerWithReasoning().contains("30 + 21"));
        // The conversation goes on with the column's model.
        QCOMPARE(w->settingsPanel()->settings().modelPath, m_model);

        // And it is in the history file itself.
        w.reset();
        rwb::storage::MessageStore store;
        QVERIFY(store.open(m_db));
        const auto c = store.conversation(id);
        QVERIFY(c.has_value());
        QCOMPARE(c->title, QString("What is 17 * 3?"));
        const QVector<rwb::storage::Message> path = store.visiblePath(id);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].role, rwb::storage::MessageRole::User);
        QCOMPARE(path[1].role, rwb::storage::MessageRole::Assistant);
        QCOMPARE(path[1].parentId, path[0].id);
        QCOMPARE(path[1].answer, QString("**51**"));
        QCOMPARE(path[1].reasoning, QString("17 * 3 = 51 because 17 * 3 = 30 + 21."));
    }

    void ggufArgumentSelectsTheModel() {
        LaunchModel none = modelFromArguments({"reasoning-workbench", "--smoke-test"});
        QVERIFY(none.path.isEmpty());
        QVERIFY(none.error.isEmpty());

        LaunchModel missing =
            modelFromArguments({"reasoning-workbench", m_dir.filePath("missing.GGUF")});
        QVERIFY(missing.path.isEmpty());
        QVERIFY(missing.error.contains("missing.GGUF"));
        QVERIFY(!missing.error.contains('\n'));

        const QString relative = QDir::current().relativeFilePath(m_model);
        LaunchModel launch =
            modelFromArguments({"reasoning-workbench", "--smoke-test", "notes.txt", relative});
        QCOMPARE(launch.path, m_model);
        QVERIFY(launch.error.isEmpty());

        auto w = open();
        QVERIFY(w);
        w->openModelFile(launch.path);
        QCOMPARE(w->settingsPanel()->settings().modelPath, m_model);
        QCOMPARE(w->settingsPanel()->modelPicker()->currentData().toString(), m_model);
    }

    void windowHasTheAppIcon() {
        auto w = open();
        QVERIFY(w);
        QVERIFY(!w->windowIcon().isNull());
        // Without the theme's icon the bundled SVG is used.
        QVERIFY(QFile::exists(":/icons/reasoning-workbench.svg"));
        QVERIFY(!MainWindow::appIcon().pixmap(32, 32).isNull());
    }
};

QTEST_MAIN(TestMainWindowMenus)
#include "tst_main_window_menus.moc"
