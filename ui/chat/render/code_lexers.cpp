#include "chat/render/code_lexers.h"

#include <Qsci/qscilexerbash.h>
#include <Qsci/qscilexerbatch.h>
#include <Qsci/qscilexercmake.h>
#include <Qsci/qscilexercpp.h>
#include <Qsci/qscilexercsharp.h>
#include <Qsci/qscilexercss.h>
#include <Qsci/qscilexerdiff.h>
#include <Qsci/qscilexerhtml.h>
#include <Qsci/qscilexerjava.h>
#include <Qsci/qscilexerjavascript.h>
#include <Qsci/qscilexerjson.h>
#include <Qsci/qscilexerlua.h>
#include <Qsci/qscilexermakefile.h>
#include <Qsci/qscilexermarkdown.h>
#include <Qsci/qscilexerperl.h>
#include <Qsci/qscilexerpython.h>
#include <Qsci/qscilexerruby.h>
#include <Qsci/qscilexersql.h>
#include <Qsci/qscilexertex.h>
#include <Qsci/qscilexerxml.h>
#include <Qsci/qscilexeryaml.h>

#include <QFont>
#include <QHash>
#include <QPalette>

namespace rwb::ui {

QString canonicalCodeLanguage(const QString& infoString) {
    static const QHash<QString, QString> aliases = {
        {"c++", "cpp"},
        {"cxx", "cpp"},
        {"cc", "cpp"},
        {"hpp", "cpp"},
        {"h", "c"},
        {"cuda", "cpp"},
        {"cu", "cpp"},
        {"objective-c", "cpp"},
        {"py", "python"},
        {"python3", "python"},
        {"py3", "python"},
        {"js", "javascript"},
        {"jsx", "javascript"},
        {"ts", "typescript"},
        {"tsx", "typescript"},
        {"node", "javascript"},
        {"sh", "bash"},
        {"shell", "bash"},
        {"zsh", "bash"},
        {"console", "bash"},
        {"shell-session", "bash"},
        {"yml", "yaml"},
        {"htm", "html"},
        {"xhtml", "html"},
        {"svg", "xml"},
        {"md", "markdown"},
        {"cs", "csharp"},
        {"c#", "csharp"},
        {"rb", "ruby"},
        {"pl", "perl"},
        {"mk", "makefile"},
        {"make", "makefile"},
        {"bat", "batch"},
        {"cmd", "batch"},
        {"latex", "tex"},
        {"patch", "diff"},
        {"jsonc", "json"},
        {"json5", "json"},
        {"postgresql", "sql"},
        {"mysql", "sql"},
        {"sqlite", "sql"},
        {"text", ""},
        {"plaintext", ""},
        {"txt", ""},
        {"plain", ""},
    };
    const QString lang = infoString.trimmed().section(QLatin1Char(' '), 0, 0).toLower();
    return aliases.value(lang, lang);
}

QsciLexer* createCodeLexer(const QString& language, QObject* parent) {
    const QString lang = canonicalCodeLanguage(language);
    if (lang == QLatin1String("cpp") || lang == QLatin1String("c")) return new QsciLexerCPP(parent);
    if (lang == QLatin1String("python")) return new QsciLexerPython(parent);
    if (lang == QLatin1String("javascript") || lang == QLatin1String("typescript"))
        return new QsciLexerJavaScript(parent);
    if (lang == QLatin1String("json")) return new QsciLexerJSON(parent);
    if (lang == QLatin1String("bash")) return new QsciLexerBash(parent);
    if (lang == QLatin1String("sql")) return new QsciLexerSQL(parent);
    if (lang == QLatin1String("html")) return new QsciLexerHTML(parent);
    if (lang == QLatin1String("xml")) return new QsciLexerXML(parent);
    if (lang == QLatin1String("css")) return new QsciLexerCSS(parent);
    if (lang == QLatin1String("markdown")) return new QsciLexerMarkdown(parent);
    if (lang == QLatin1String("yaml")) return new QsciLexerYAML(parent);
    if (lang == QLatin1String("cmake")) return new QsciLexerCMake(parent);
    if (lang == QLatin1String("makefile")) return new QsciLexerMakefile(parent);
    if (lang == QLatin1String("java") || lang == QLatin1String("kotlin"))
        return new QsciLexerJava(parent);
    if (lang == QLatin1String("csharp")) return new QsciLexerCSharp(parent);
    if (lang == QLatin1String("lua")) return new QsciLexerLua(parent);
    if (lang == QLatin1String("perl")) return new QsciLexerPerl(parent);
    if (lang == QLatin1String("ruby")) return new QsciLexerRuby(parent);
    if (lang == QLatin1String("diff")) return new QsciLexerDiff(parent);
    if (lang == QLatin1String("batch")) return new QsciLexerBatch(parent);
    if (lang == QLatin1String("tex")) return new QsciLexerTeX(parent);
    return nullptr;
}

bool isDarkPalette(const QPalette& palette) {
    return palette.color(QPalette::Window).lightness() < 128;
}

void applyCodeTheme(QsciLexer* lexer, const QPalette& palette, const QFont& font) {
    const bool dark = isDarkPalette(palette);
    applyLexerColours(lexer, dark ? QColor(0x1e, 0x1f, 0x22) : QColor(0xf6, 0xf8, 0xfa),
                      dark ? QColor(0xd4, 0xd4, 0xd4) : QColor(0x24, 0x29, 0x2e), font);
}

void applyLexerColours(QsciLexer* lexer, const QColor& paper, const QColor& ink,
                       const QFont& font) {
    const bool dark = paper.lightness() < 128;
    lexer->setDefaultFont(font);
    lexer->setFont(font, -1);
    lexer->setDefaultPaper(paper);
    lexer->setPaper(paper, -1);
    lexer->setDefaultColor(ink);
    // Re-derive from the lexer's own defaults each time so switching themes never compounds.
    for (int style = 0; style <= QsciScintillaBase::STYLE_MAX; ++style) {
        if (lexer->description(style).isEmpty()) continue;
        QColor c = lexer->defaultColor(style);
        if (dark && c.lightness() < 140)
            c = QColor::fromHsl(c.hslHue(), c.hslSaturation(), 255 - c.lightness());
        lexer->setColor(c, style);
    }
}

} // namespace rwb::ui
