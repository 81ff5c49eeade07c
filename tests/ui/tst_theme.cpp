// Theme (ui/theme): choosing Dark gives the application a dark palette at once, is saved under
// "ui/theme", and chat widgets created afterwards (a code block) are dark too; the settings
// panel's Appearance combo does the same; System goes back to the starting look.
#include "chat/code_block_widget.h"
#include "chat/message_widget.h"
#include "settings/settings_panel.h"
#include "theme/theme.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QSettings>
#include <QStandardPaths>
#include <Qsci/qscilexer.h>
#include <Qsci/qsciscintilla.h>
#include <QtTest>

using namespace rwb::ui;

namespace {
QColor codePaper(CodeBlockWidget& block) {
    auto* editor = block.findChild<QsciScintilla*>();
    if (!editor) return {};
    if (QsciLexer* lexer = editor->lexer()) return lexer->paper(0);
    return editor->paper();
}
} // namespace

class TstTheme : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("rwb-tests");
        QApplication::setApplicationName("tst_theme");
        QSettings().clear();
    }
    void cleanup() {
        applyTheme(*qApp, Theme::System);
        QSettings().clear();
    }

    void namesRoundTrip() {
        for (Theme t : {Theme::System, Theme::Light, Theme::Dark})
            QCOMPARE(themeFromName(themeName(t)), t);
        QCOMPARE(themeFromName("no-such-theme"), Theme::System);
        QCOMPARE(savedTheme(), Theme::System); // nothing saved yet
    }

    void darkPaletteAndCodeBlocks() {
        applyTheme(*qApp, Theme::Light);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() >= 128);
        CodeBlockWidget light;
        light.setLanguage("python");
        light.setCode("print(1)\n");
        QVERIFY2(codePaper(light).lightness() >= 128, qPrintable(codePaper(light).name()));

        MessageWidget message(MessageWidget::Role::Assistant);
        auto* stats = message.findChild<QLabel*>("statsLine");
        QVERIFY(stats);
        const QColor lightStats = stats->palette().color(QPalette::WindowText);

        saveTheme(Theme::Dark);
        applySavedTheme(*qApp);
        const QPalette p = QApplication::palette();
        QVERIFY2(p.color(QPalette::Window).lightness() < 128,
                 qPrintable(p.color(QPalette::Window).name()));
        QVERIFY(p.color(QPalette::Base).lightness() < 128);
        QVERIFY(p.color(QPalette::Text).lightness() > 160); // readable on the dark base
        QVERIFY(p.color(QPalette::Disabled, QPalette::Text) !=
                p.color(QPalette::Active, QPalette::Text));
        QCOMPARE(QApplication::style()->name().toLower(), QString("fusion"));
        QCOMPARE(QSettings().value(kThemeSettingsKey).toString(), QString("dark"));

        CodeBlockWidget dark;
        dark.setLanguage("python");
        dark.setCode("print(1)\n");
        QVERIFY2(codePaper(dark).lightness() < 128, qPrintable(codePaper(dark).name()));
        // The muted stats line of a message that existed before follows the new palette.
        QTRY_COMPARE(stats->palette().color(QPalette::WindowText),
                     QApplication::palette().color(QPalette::PlaceholderText));
        QVERIFY(stats->palette().color(QPalette::WindowText) != lightStats);
        // A block that existed before re-themes on the palette change.
        QTRY_VERIFY2(codePaper(light).lightness() < 128, qPrintable(codePaper(light).name()));
    }

    void settingsPanelComboAppliesAndSaves() {
        SettingsPanel panel;
        auto* picker = panel.findChild<QComboBox*>("themePicker");
        QVERIFY(picker);
        QCOMPARE(picker->currentData().toString(), QString("system"));
        const int dark = picker->findData("dark");
        QVERIFY(dark >= 0);
        picker->setCurrentIndex(dark);
        emit picker->activated(dark);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 128);
        QCOMPARE(savedTheme(), Theme::Dark);
        SettingsPanel again; // a new panel shows the saved choice
        QCOMPARE(again.findChild<QComboBox*>("themePicker")->currentData().toString(),
                 QString("dark"));

        const int system = picker->findData("system");
        picker->setCurrentIndex(system);
        emit picker->activated(system);
        QCOMPARE(savedTheme(), Theme::System);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() >=
                128); // offscreen's own palette
    }
};

QTEST_MAIN(TstTheme)
#include "tst_theme.moc"
