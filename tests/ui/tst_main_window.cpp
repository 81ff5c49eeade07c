// The main window: its three panes, the keyboard shortcuts that do not need a model (Ctrl+N,
// Ctrl+F, Ctrl+K, F9), the settings panel surviving a restart (R1 defaults first), and the
// remembered geometry. Real widgets offscreen, a real history file in a temporary folder.
#include "chat/thinking_block.h"
#include "chat_view/chat_view.h"
#include "conversations/conversation_list_model.h"
#include "conversations/conversation_panel.h"
#include "inference/chat_controller.h"
#include "main/main_window.h"
#include "message_store.h"
#include "settings/settings_panel.h"
#include "ui_test_util.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace rwb::ui;
using rwb::storage::MessageStore;

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

    std::unique_ptr<MainWindow> open() {
        auto w = std::make_unique<MainWindow>(m_db);
        w->show();
        w->activateWindow();
        if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
        if (!QTest::qWaitFor([&] { return w->isStorageReady(); }, 10000)) return nullptr;
        return w;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ReasoningWorkbenchTest");
        QCoreApplication::setApplicationName("tst_main_window");
        QVERIFY(m_dir.isValid());
    }

    void init() {
        QSettings().clear();
        m_db = m_dir.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
    }

    void opensWithItsPanes() {
        auto w = open();
        QVERIFY(w);
        QCOMPARE(w->windowTitle(), QString("Reasoning Workbench"));
        QVERIFY(w->conversationPanel()->isVisible());
        QVERIFY(w->chatView()->isVisible());
        QVERIFY(w->settingsPanel()->isVisible());
        QCOMPARE(w->chatView()->conversationId(), 0);
        QVERIFY(w->chatView()->messageWidgets().isEmpty());
    }

    void shortcutsFocusSearchModelAndStartNew() {
        {
            MessageStore store;
            QVERIFY(store.open(m_db));
            QVERIFY(test::seedConversation(store, "Earlier chat", "Hello", "Hi there").id);
        }
        auto w = open();
        QVERIFY(w);
        QTRY_COMPARE(w->conversationPanel()->model()->rowCount(), 1);

        // Ctrl+F: the search box takes the focus.
        QTest::keyClick(w.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(w->conversationPanel()->searchBox()->hasFocus());

        // Open the stored conversation, then Ctrl+N: an empty chat, nothing selected.
        QListView* view = w->conversationPanel()->listView();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(w->conversationPanel()->model()->index(0)).center());
        QTRY_COMPARE(w->chatView()->messageWidgets().size(), 2);
        QVERIFY(w->chatView()->conversationId() > 0);
        QTest::keyClick(w.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(w->chatView()->messageWidgets().size(), 0);
        QCOMPARE(w->chatView()->conversationId(), 0);
        QCOMPARE(w->conversationPanel()->currentConversation(), 0);
        QVERIFY(!view->currentIndex().isValid());

        // Ctrl+K: the model picker, even when the settings panel was collapsed (F9).
        auto* splitter = w->findChild<QSplitter*>("mainSplitter");
        QTest::keyClick(w.get(), Qt::Key_F9);
        QTRY_COMPARE(splitter->sizes().value(2), 0);
        QTest::keyClick(w.get(), Qt::Key_K, Qt::ControlModifier);
        QTRY_VERIFY(splitter->sizes().value(2) > 0);
        QTRY_VERIFY(w->settingsPanel()->modelPicker()->hasFocus() ||
                    w->settingsPanel()->modelPicker()->view()->isVisible());
        w->settingsPanel()->modelPicker()->hidePopup();
    }

    void settingsStartAtR1DefaultsAndSurviveRestart() {
        {
            auto w = open();
            QVERIFY(w);
            SettingsPanel* s = w->settingsPanel();
            auto* temperature = s->findChild<QDoubleSpinBox*>("temperature");
            auto* topP = s->findChild<QDoubleSpinBox*>("topP");
            auto* system = s->findChild<QPlainTextEdit*>("systemPrompt");
            QCOMPARE(temperature->value(), 0.6);
            QCOMPARE(topP->value(), 0.95);
            QVERIFY(system->toPlainText().isEmpty());
            QCOMPARE(w->controller()->settings().temperature, 0.6);

            temperature->setFocus();
            temperature->selectAll();
            QTest::keyClicks(temperature, "0.8");
            QTest::keyClick(temperature, Qt::Key_Tab);
            QCOMPARE(temperature->value(), 0.8);
            system->setFocus();
            QTest::keyClicks(system, "Be brief.");
            s->findChild<QSpinBox*>("thinkingBudget")->setValue(512);
            s->findChild<QSpinBox*>("contextLength")->setValue(1024);
            s->findChild<QCheckBox*>("expandThinking")->setChecked(true);
            // Values that cut thoughts short are flagged beside the settings.
            auto* warnings = s->findChild<QLabel*>("settingsWarnings");
            QVERIFY(warnings->text().contains("system prompt"));
            QVERIFY(warnings->text().contains("small context"));
            QCOMPARE(w->controller()->settings().systemPrompt, QString("Be brief."));
            QVERIFY(ThinkingBlock::defaultExpanded());
            w->close();
        }
        ThinkingBlock::setDefaultExpanded(false);
        auto w = open();
        QVERIFY(w);
        SettingsPanel* s = w->settingsPanel();
        QCOMPARE(s->findChild<QDoubleSpinBox*>("temperature")->value(), 0.8);
        QCOMPARE(s->findChild<QPlainTextEdit*>("systemPrompt")->toPlainText(),
                 QString("Be brief."));
        QCOMPARE(s->findChild<QSpinBox*>("thinkingBudget")->value(), 512);
        QCOMPARE(s->findChild<QSpinBox*>("contextLength")->value(), 1024);
        QVERIFY(s->findChild<QCheckBox*>("expandThinking")->isChecked());
        QVERIFY(ThinkingBlock::defaultExpanded());
        const auto g = w->controller()->settings();
        QCOMPARE(g.temperature, 0.8);
        QCOMPARE(g.thinkingBudget, 512);
        QCOMPARE(g.systemPrompt, QString("Be brief."));
    }

    void remembersGeometryAndSplitter() {
        QList<int> sizes;
        {
            auto w = open();
            QVERIFY(w);
            w->resize(913, 611);
            QTRY_COMPARE(w->size(), QSize(913, 611));
            auto* splitter = w->findChild<QSplitter*>("mainSplitter");
            splitter->setSizes({150, 500, 0});
            sizes = splitter->sizes();
            w->close();
        }
        auto again = open();
        QVERIFY(again);
        QCOMPARE(again->size(), QSize(913, 611));
        QCOMPARE(again->findChild<QSplitter*>("mainSplitter")->sizes(), sizes);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
