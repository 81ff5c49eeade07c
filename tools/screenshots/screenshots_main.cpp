// rwb_screenshots: takes the README screenshots from the real application window.
//   rwb_screenshots [OUTPUT_DIR]   (default docs/screenshots; scripts/screenshots.sh runs it under
//   Xvfb)
// It uses a throw-away profile (XDG folders in a temporary directory, so the user's history and
// settings are never touched), stores one conversation with a code block, opens the real
// MainWindow with the bundled demo model, types a prompt with QTest and grabs the window:
// thinking live, the thought collapsed with its answer, the code block, the same in the dark theme.
#include "chat/message_widget.h"
#include "chat/prompt_editor.h"
#include "chat/thinking_block.h"
#include "chat_view/chat_view.h"
#include "conversations/conversation_panel.h"
#include "demo_history.h"
#include "inference/chat_controller.h"
#include "main/main_window.h"
#include "theme/theme.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>

namespace {

using rwb::ui::MainWindow;
using rwb::ui::ThinkingBlock;

int fail(const QString& what) {
    std::fprintf(stderr, "rwb_screenshots: %s\n", what.toUtf8().constData());
    return 1;
}

rwb::ui::MessageWidget* lastMessage(MainWindow& w) {
    const auto widgets = w.chatView()->messageWidgets();
    return widgets.isEmpty() ? nullptr : widgets.last();
}

bool save(MainWindow& w, const QString& dir, const QString& name) {
    QTest::qWait(250); // let queued repaints (header clock, layout) land first
    const QString path = QDir(dir).filePath(name);
    const bool ok = w.grab().save(path, "PNG", 9);
    std::fprintf(stdout, "%s %s\n", ok ? "wrote" : "FAILED", path.toUtf8().constData());
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    // A temporary profile before anything reads QStandardPaths or QSettings.
    QTemporaryDir profile;
    if (!profile.isValid()) return fail(QStringLiteral("cannot create a temporary profile"));
    for (const char* var :
         {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"}) {
        const QString dir = profile.filePath(QString::fromLatin1(var));
        QDir().mkpath(dir);
        qputenv(var, dir.toLocal8Bit());
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ReasoningWorkbench"));
    QApplication::setApplicationName(QStringLiteral("reasoning-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("Reasoning Workbench"));
    rwb::ui::applyTheme(app, rwb::ui::Theme::Light); // the same look on every machine
    const QStringList args = QApplication::arguments();
    const QString outDir = args.size() > 1 ? args.at(1) : QStringLiteral("docs/screenshots");
    if (!QDir().mkpath(outDir)) return fail(QStringLiteral("cannot create ") + outDir);

    const QString db = profile.filePath(QStringLiteral("history.sqlite"));
    QString error;
    const qint64 codeConversation = rwb::tools::storeCodeBlockConversation(db, &error);
    if (codeConversation == 0)
        return fail(QStringLiteral("cannot store the demo conversation: ") + error);

    MainWindow w(db);
    w.resize(1360, 860);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w)) return fail(QStringLiteral("the window was not shown"));
    if (!QTest::qWaitFor([&] { return w.isStorageReady(); }, 10000))
        return fail(QStringLiteral("the history did not open"));

    // (a) thinking live, (b) the thought collapsed with its answer. The demo model thinks fast,
    // so the live grab is taken the moment enough thought has streamed and kept only if the
    // thought was still live afterwards; otherwise the prompt is sent again in a new chat.
    const auto thinking = [&] {
        rwb::ui::MessageWidget* m = lastMessage(w);
        return m && m->thinkingBlock() ? m->thinkingBlock() : nullptr;
    };
    bool caught = false;
    for (int attempt = 0; attempt < 20 && !caught; ++attempt) {
        if (!QTest::qWaitFor([&] { return !w.controller()->isAnyBusy(); }, 300000))
            return fail(QStringLiteral("a previous answer did not finish"));
        w.newConversation();
        rwb::ui::PromptEditor* editor = w.chatView()->promptEditor();
        editor->setFocus();
        QTest::keyClicks(editor, QStringLiteral("What is 348 + 475?"));
        QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
        if (!QTest::qWaitFor(
                [&] {
                    ThinkingBlock* t = thinking();
                    return t && (t->state() == ThinkingBlock::State::Finished ||
                                 (t->state() == ThinkingBlock::State::Live &&
                                  t->thinkingText().size() > 120));
                },
                120000))
            return fail(QStringLiteral("the model did not start thinking"));
        if (thinking()->state() != ThinkingBlock::State::Live) continue;
        // Let the queued layout of the streamed text land, then grab.
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        const QPixmap live = w.grab();
        if (thinking()->state() != ThinkingBlock::State::Live) continue;
        const QString path = QDir(outDir).filePath(QStringLiteral("chat-thinking-live.png"));
        if (!live.save(path, "PNG", 9)) return fail(QStringLiteral("cannot write ") + path);
        std::fprintf(stdout, "wrote %s (attempt %d)\n", path.toUtf8().constData(), attempt + 1);
        caught = true;
    }
    if (!caught)
        return fail(QStringLiteral("the thought always finished before it could be grabbed"));
    if (!QTest::qWaitFor([&] { return !w.controller()->isAnyBusy(); }, 300000))
        return fail(QStringLiteral("the answer did not finish"));
    ThinkingBlock* thought = thinking();
    if (!thought || thought->state() != ThinkingBlock::State::Finished)
        return fail(QStringLiteral("the thought did not finish"));
    if (!save(w, outDir, QStringLiteral("chat-thought-collapsed.png"))) return 1;

    // (c) a stored answer with a fenced code block.
    w.conversationPanel()->setCurrentConversation(codeConversation);
    w.chatView()->showConversation(codeConversation);
    if (!QTest::qWaitFor(
            [&] {
                rwb::ui::MessageWidget* m = lastMessage(w);
                return m && m->thinkingBlock() &&
                       m->thinkingBlock()->thinkingText().contains("closed form");
            },
            10000))
        return fail(QStringLiteral("the stored conversation did not open"));
    if (!save(w, outDir, QStringLiteral("chat-code-block.png"))) return 1;

    // (d) the same in the dark theme, chosen as the settings panel's Appearance combo does it.
    if (auto* picker = w.findChild<QComboBox*>(QStringLiteral("themePicker")))
        picker->setCurrentIndex(picker->findData(rwb::ui::themeName(rwb::ui::Theme::Dark)));
    rwb::ui::applyTheme(app, rwb::ui::Theme::Dark);
    if (!save(w, outDir, QStringLiteral("chat-dark-theme.png"))) return 1;
    return 0;
}
