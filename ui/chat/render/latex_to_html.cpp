// A small recursive-descent reader of TeX math that writes HTML and plain text side by side
// (the plain form decides grouping: "\frac{x+1}{2}" needs parentheses, "\frac{1}{2}" not).
#include "chat/render/latex_to_html.h"

#include "chat/render/latex_symbols.h"

#include <QRegularExpression>

namespace rwb::ui {

namespace {

struct Piece {
    QString html;
    QString plain;
    void add(const Piece& p) {
        // TeX ignores spaces in math; here they are kept for readability, but never doubled.
        if (plain.endsWith(QLatin1Char(' ')) && p.plain.startsWith(QLatin1Char(' '))) {
            plain += p.plain.mid(1);
            html += p.html.startsWith(QLatin1Char(' ')) ? p.html.mid(1) : p.html;
            return;
        }
        html += p.html;
        plain += p.plain;
    }
    void addText(const QString& text, const QString& htmlText) {
        plain += text;
        html += htmlText;
    }
    void addText(const QString& text) { addText(text, text.toHtmlEscaped()); }
};

// Deeper nesting than this is read as text: bounded recursion whatever the input.
constexpr int kMaxDepth = 48;

bool isSimpleAtom(const QString& plain) {
    static const QRegularExpression number(QStringLiteral("^[0-9]+([.,][0-9]+)?$"));
    return plain.size() <= 1 || number.match(plain).hasMatch();
}

bool needsParensAsNumerator(const QString& plain) {
    static const QRegularExpression ops(QStringLiteral("[\\s+\\-−±∓=<>≤≥≠,/÷]"));
    return ops.match(plain).hasMatch();
}

QString wrap(const QString& text, bool parens) {
    return parens ? QLatin1Char('(') + text + QLatin1Char(')') : text;
}

class TexReader {
public:
    explicit TexReader(const QString& tex) : s_(tex) {}

    Piece readAll() {
        Piece out;
        while (pos_ < s_.size()) {
            if (s_.at(pos_) == QLatin1Char('}')) { // stray closer: skip
                ++pos_;
                continue;
            }
            out.add(readItem(0));
        }
        return out;
    }

private:
    // Items until the closing brace of the current group (consumed) or the end.
    Piece readGroup(int depth) {
        Piece out;
        while (pos_ < s_.size()) {
            if (s_.at(pos_) == QLatin1Char('}')) {
                ++pos_;
                break;
            }
            out.add(readItem(depth));
        }
        return out;
    }

    // One argument: {group}, \command or a single character.
    Piece readArgument(int depth) {
        while (pos_ < s_.size() && s_.at(pos_).isSpace()) ++pos_;
        if (pos_ >= s_.size()) return {};
        const QChar c = s_.at(pos_);
        if (c == QLatin1Char('{')) {
            ++pos_;
            return depth >= kMaxDepth ? rawGroup() : readGroup(depth + 1);
        }
        if (c == QLatin1Char('\\')) return readCommand(depth);
        ++pos_;
        Piece p;
        p.addText(QString(c));
        return p;
    }

    // Optional [..] argument (\sqrt[3]{x}).
    QString readOptional() {
        if (pos_ < s_.size() && s_.at(pos_) == QLatin1Char('[')) {
            const qsizetype end = s_.indexOf(QLatin1Char(']'), pos_);
            if (end > pos_) {
                const QString inner = s_.mid(pos_ + 1, end - pos_ - 1);
                pos_ = end + 1;
                return inner;
            }
        }
        return {};
    }

    Piece rawGroup() { // too deep: the rest of the group as text, braces balanced
        int level = 1;
        const qsizetype start = pos_;
        while (pos_ < s_.size() && level > 0) {
            if (s_.at(pos_) == QLatin1Char('{')) ++level;
            if (s_.at(pos_) == QLatin1Char('}')) --level;
            ++pos_;
        }
        Piece p;
        p.addText(s_.mid(start, pos_ - start - (level == 0 ? 1 : 0)).remove(QLatin1Char('\\')));
        return p;
    }

    Piece readItem(int depth) {
        const QChar c = s_.at(pos_);
        Piece p;
        if (c == QLatin1Char('\\')) return readCommand(depth);
        if (c == QLatin1Char('{')) {
            ++pos_;
            return depth >= kMaxDepth ? rawGroup() : readGroup(depth + 1);
        }
        if (c == QLatin1Char('^') || c == QLatin1Char('_')) {
            ++pos_;
            const Piece arg = readArgument(depth + 1);
            return script(arg, c == QLatin1Char('^'));
        }
        ++pos_;
        if (c.isSpace()) {
            while (pos_ < s_.size() && s_.at(pos_).isSpace()) ++pos_;
            p.addText(QStringLiteral(" "));
        } else if (c == QLatin1Char('&')) { // alignment tab
            p.addText(QStringLiteral(" "));
        } else if (c == QLatin1Char('~')) {
            p.addText(QStringLiteral(" "), QStringLiteral("&nbsp;"));
        } else if (c == QLatin1Char('-') && textDepth_ == 0) {
            p.addText(QStringLiteral("-"), QStringLiteral("−"));
        } else if (c == QLatin1Char('\'')) {
            p.addText(QStringLiteral("′"));
        } else {
            p.addText(QString(c));
        }
        return p;
    }

    static Piece script(const Piece& arg, bool super) {
        Piece p;
        const QString tag = super ? QStringLiteral("sup") : QStringLiteral("sub");
        p.html = QStringLiteral("<%1>%2</%1>").arg(tag, arg.html);
        const QString uni = super ? latex::toSuperscript(arg.plain) : latex::toSubscript(arg.plain);
        if (!uni.isNull())
            p.plain = uni;
        else
            p.plain = (super ? QStringLiteral("^") : QStringLiteral("_")) +
                      wrap(arg.plain, arg.plain.size() > 1);
        return p;
    }

    static Piece accent(const Piece& arg, QChar combining, const QString& cssDecoration) {
        Piece p;
        if (arg.plain.size() == 1) {
            p.addText(arg.plain + combining);
        } else {
            p.plain = arg.plain;
            p.html = cssDecoration.isEmpty()
                         ? arg.html + QString(combining)
                         : QStringLiteral("<span style=\"text-decoration: %1\">%2</span>")
                               .arg(cssDecoration, arg.html);
        }
        return p;
    }

    Piece readCommand(int depth) {
        ++pos_; // backslash
        Piece p;
        if (pos_ >= s_.size()) return p; // a lone trailing backslash (still streaming)
        QString name;
        if (s_.at(pos_).isLetter()) {
            while (pos_ < s_.size() && s_.at(pos_).isLetter()) name += s_.at(pos_++);
        } else {
            name = s_.at(pos_++);
        }
        if (name == QLatin1String("\\")) { // line break
            p.addText(QStringLiteral("\n"), QStringLiteral("<br/>"));
            return p;
        }
        if (name == QLatin1String("frac") || name == QLatin1String("dfrac") ||
            name == QLatin1String("tfrac") || name == QLatin1String("cfrac")) {
            const Piece num = readArgument(depth + 1);
            const Piece den = readArgument(depth + 1);
            const bool pn = needsParensAsNumerator(num.plain);
            const bool pd = !isSimpleAtom(den.plain);
            p.plain = wrap(num.plain, pn) + QLatin1Char('/') + wrap(den.plain, pd);
            p.html = wrap(num.html, pn) + QStringLiteral("/") + wrap(den.html, pd);
            return p;
        }
        if (name == QLatin1String("binom") || name == QLatin1String("dbinom") ||
            name == QLatin1String("tbinom")) {
            const Piece n = readArgument(depth + 1);
            const Piece k = readArgument(depth + 1);
            p.plain = QStringLiteral("C(%1, %2)").arg(n.plain, k.plain);
            p.html = QStringLiteral("C(%1, %2)").arg(n.html, k.html);
            return p;
        }
        if (name == QLatin1String("sqrt")) {
            const QString index = readOptional();
            const Piece arg = readArgument(depth + 1);
            const bool parens = !isSimpleAtom(arg.plain);
            const QString idxPlain = latex::toSuperscript(index);
            p.plain = (idxPlain.isNull() ? index : idxPlain) + QStringLiteral("√") +
                      wrap(arg.plain, parens);
            p.html =
                (index.isEmpty() ? QString()
                                 : QStringLiteral("<sup>%1</sup>").arg(index.toHtmlEscaped())) +
                QStringLiteral("√") + wrap(arg.html, parens);
            return p;
        }
        if (name == QLatin1String("boxed") || name == QLatin1String("fbox")) {
            const Piece arg = readArgument(depth + 1);
            p.plain = QLatin1Char('[') + arg.plain + QLatin1Char(']');
            p.html = QStringLiteral("<span style=\"font-weight:700; background-color:#fde68a; "
                                    "color:#111111;\">&#8201;%1&#8201;</span>")
                         .arg(arg.html);
            return p;
        }
        if (name == QLatin1String("text") || name == QLatin1String("textrm") ||
            name == QLatin1String("mathrm") || name == QLatin1String("operatorname") ||
            name == QLatin1String("mbox") || name == QLatin1String("textnormal") ||
            name == QLatin1String("mathcal") || name == QLatin1String("mathsf") ||
            name == QLatin1String("texttt") || name == QLatin1String("mathtt")) {
            ++textDepth_;
            p = readArgument(depth + 1);
            --textDepth_;
            return p;
        }
        if (name == QLatin1String("textbf") || name == QLatin1String("mathbf") ||
            name == QLatin1String("bm") || name == QLatin1String("boldsymbol")) {
            const Piece arg = readArgument(depth + 1);
            p.plain = arg.plain;
            p.html = QStringLiteral("<b>%1</b>").arg(arg.html);
            return p;
        }
        if (name == QLatin1String("textit") || name == QLatin1String("mathit") ||
            name == QLatin1String("emph")) {
            const Piece arg = readArgument(depth + 1);
            p.plain = arg.plain;
            p.html = QStringLiteral("<i>%1</i>").arg(arg.html);
            return p;
        }
        if (name == QLatin1String("mathbb")) {
            const Piece arg = readArgument(depth + 1);
            static const QString from = QStringLiteral("RNZQCPE");
            static const QString to = QStringLiteral("ℝℕℤℚℂℙ𝔼");
            const qsizetype at = arg.plain.size() == 1 ? from.indexOf(arg.plain.at(0)) : -1;
            if (at >= 0 && at < 6)
                p.addText(QString(to.at(at)));
            else
                p = arg;
            return p;
        }
        if (name == QLatin1String("overline") || name == QLatin1String("bar"))
            return accent(readArgument(depth + 1), QChar(0x0304), QStringLiteral("overline"));
        if (name == QLatin1String("underline"))
            return accent(readArgument(depth + 1), QChar(0x0332), QStringLiteral("underline"));
        if (name == QLatin1String("hat") || name == QLatin1String("widehat"))
            return accent(readArgument(depth + 1), QChar(0x0302), {});
        if (name == QLatin1String("tilde") || name == QLatin1String("widetilde"))
            return accent(readArgument(depth + 1), QChar(0x0303), {});
        if (name == QLatin1String("vec") || name == QLatin1String("overrightarrow"))
            return accent(readArgument(depth + 1), QChar(0x20D7), {});
        if (name == QLatin1String("dot")) return accent(readArgument(depth + 1), QChar(0x0307), {});
        if (name == QLatin1String("ddot"))
            return accent(readArgument(depth + 1), QChar(0x0308), {});
        if (name == QLatin1String("not")) {
            const Piece arg = readArgument(depth + 1);
            if (arg.plain == QLatin1String("="))
                p.addText(QStringLiteral("≠"));
            else
                p.addText(arg.plain + QChar(0x0338));
            return p;
        }
        if (name == QLatin1String("pmod")) {
            const Piece arg = readArgument(depth + 1);
            p.plain = QStringLiteral(" (mod ") + arg.plain + QLatin1Char(')');
            p.html = QStringLiteral(" (mod ") + arg.html + QLatin1Char(')');
            return p;
        }
        if (name == QLatin1String("bmod")) {
            p.addText(QStringLiteral(" mod "));
            return p;
        }
        if (name == QLatin1String("begin") || name == QLatin1String("end")) {
            readArgument(depth + 1); // environment name: layout only
            if (name == QLatin1String("begin") && pos_ < s_.size() &&
                s_.at(pos_) == QLatin1Char('{'))
                readArgument(depth + 1); // column spec of array/tabular
            return p;
        }
        if (name == QLatin1String("color") || name == QLatin1String("label") ||
            name == QLatin1String("tag")) {
            readArgument(depth + 1);
            return p;
        }
        if (latex::isFunctionName(name)) {
            p.addText(name);
            return p;
        }
        const QString sym = latex::symbol(name);
        if (sym.isEmpty() && !sym.isNull() && pos_ < s_.size() && s_.at(pos_) == QLatin1Char('.'))
            ++pos_; // "\left." / "\right.": an invisible delimiter
        if (!sym.isNull()) {
            p.addText(sym);
            return p;
        }
        p.addText(name); // unknown command: its name, never a raw backslash
        return p;
    }

    const QString& s_;
    qsizetype pos_ = 0;
    int textDepth_ = 0;
};

// True when the whole formula is one \boxed{...} (the usual "final answer" display).
bool isWhollyBoxed(const QString& tex) {
    static const QRegularExpression re(QStringLiteral("^\\s*\\\\boxed\\s*\\{"));
    const auto m = re.match(tex);
    if (!m.hasMatch()) return false;
    int level = 1;
    qsizetype i = m.capturedEnd();
    for (; i < tex.size() && level > 0; ++i) {
        if (tex.at(i) == QLatin1Char('{')) ++level;
        if (tex.at(i) == QLatin1Char('}')) --level;
    }
    return level == 0 && tex.mid(i).trimmed().isEmpty();
}

} // namespace

QString latexToHtml(const QString& tex, bool display) {
    if (display && isWhollyBoxed(tex)) {
        const QString inner =
            tex.trimmed().mid(tex.trimmed().indexOf(QLatin1Char('{')) + 1).chopped(1);
        const QString html = TexReader(inner).readAll().html;
        return QStringLiteral(
                   "<table border=\"1\" cellspacing=\"0\" cellpadding=\"6\" "
                   "align=\"center\" style=\"border-style:solid; border-color:#b08900;\">"
                   "<tr><td><b>%1</b></td></tr></table>")
            .arg(html);
    }
    return TexReader(tex).readAll().html;
}

QString latexToPlainText(const QString& tex) {
    return TexReader(tex).readAll().plain;
}

} // namespace rwb::ui
