// A MainWindow on a real history file in a temporary folder, with generation settings written to
// QSettings first (as a previous run would have left them), plus helpers to type and send a prompt
// the way a user does and to read what the chat shows.
#pragma once

#include "chat/answer_view.h"
#include "chat/message_widget.h"
#include "chat/prompt_editor.h"
#include "chat/thinking_block.h"
#include "chat_view/chat_view.h"
#include "inference/generation_settings.h"
#include "main/main_window.h"

#include <QSettings>
#include <QtTest>
#include <memory>

namespace rwb::ui::test {

inline std::unique_ptr<MainWindow> openWindow(const QString& databasePath) {
    auto w = std::make_unique<MainWindow>(databasePath);
    w->show();
    w->activateWindow();
    if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
    // The history opens on the storage thread.
    if (!QTest::qWaitFor([&] { return w->isStorageReady(); }, 10000)) return nullptr;
    return w;
}

inline void saveGenerationSettings(const rwb::app::GenerationSettings& g) {
    QSettings qs;
    g.save(qs);
    qs.sync();
}

// Types `text` into the prompt editor and presses Ctrl+Enter.
inline void typeAndSend(MainWindow& w, const QString& text) {
    PromptEditor* editor = w.chatView()->promptEditor();
    editor->setFocus();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
}

inline MessageWidget* lastMessage(MainWindow& w) {
    const auto widgets = w.chatView()->messageWidgets();
    return widgets.isEmpty() ? nullptr : widgets.last();
}

inline QString shownAnswer(MessageWidget* m) {
    m->answerView()->flush();
    return m->answerView()->renderedText();
}

} // namespace rwb::ui::test
