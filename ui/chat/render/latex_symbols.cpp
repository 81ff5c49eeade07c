#include "chat/render/latex_symbols.h"

#include <QHash>
#include <QSet>

namespace rwb::ui::latex {

namespace {

const QHash<QString, QString>& symbolTable() {
    static const QHash<QString, QString> table = {
        // Greek
        {"alpha", "α"},
        {"beta", "β"},
        {"gamma", "γ"},
        {"delta", "δ"},
        {"epsilon", "ϵ"},
        {"varepsilon", "ε"},
        {"zeta", "ζ"},
        {"eta", "η"},
        {"theta", "θ"},
        {"vartheta", "ϑ"},
        {"iota", "ι"},
        {"kappa", "κ"},
        {"lambda", "λ"},
        {"mu", "μ"},
        {"nu", "ν"},
        {"xi", "ξ"},
        {"omicron", "ο"},
        {"pi", "π"},
        {"varpi", "ϖ"},
        {"rho", "ρ"},
        {"varrho", "ϱ"},
        {"sigma", "σ"},
        {"varsigma", "ς"},
        {"tau", "τ"},
        {"upsilon", "υ"},
        {"phi", "ϕ"},
        {"varphi", "φ"},
        {"chi", "χ"},
        {"psi", "ψ"},
        {"omega", "ω"},
        {"Gamma", "Γ"},
        {"Delta", "Δ"},
        {"Theta", "Θ"},
        {"Lambda", "Λ"},
        {"Xi", "Ξ"},
        {"Pi", "Π"},
        {"Sigma", "Σ"},
        {"Upsilon", "Υ"},
        {"Phi", "Φ"},
        {"Psi", "Ψ"},
        {"Omega", "Ω"},
        // operators and relations
        {"cdot", "·"},
        {"times", "×"},
        {"div", "÷"},
        {"pm", "±"},
        {"mp", "∓"},
        {"ast", "∗"},
        {"star", "⋆"},
        {"circ", "∘"},
        {"bullet", "•"},
        {"oplus", "⊕"},
        {"otimes", "⊗"},
        {"le", "≤"},
        {"leq", "≤"},
        {"leqslant", "≤"},
        {"ge", "≥"},
        {"geq", "≥"},
        {"geqslant", "≥"},
        {"neq", "≠"},
        {"ne", "≠"},
        {"approx", "≈"},
        {"equiv", "≡"},
        {"sim", "∼"},
        {"simeq", "≃"},
        {"cong", "≅"},
        {"propto", "∝"},
        {"ll", "≪"},
        {"gg", "≫"},
        {"lt", "<"},
        {"gt", ">"},
        {"mid", "∣"},
        {"parallel", "∥"},
        {"perp", "⊥"},
        {"in", "∈"},
        {"notin", "∉"},
        {"ni", "∋"},
        {"subset", "⊂"},
        {"subseteq", "⊆"},
        {"supset", "⊃"},
        {"supseteq", "⊇"},
        {"cup", "∪"},
        {"cap", "∩"},
        {"setminus", "∖"},
        {"emptyset", "∅"},
        {"varnothing", "∅"},
        {"forall", "∀"},
        {"exists", "∃"},
        {"neg", "¬"},
        {"lnot", "¬"},
        {"land", "∧"},
        {"wedge", "∧"},
        {"lor", "∨"},
        {"vee", "∨"},
        {"infty", "∞"},
        {"partial", "∂"},
        {"nabla", "∇"},
        {"sum", "∑"},
        {"prod", "∏"},
        {"coprod", "∐"},
        {"int", "∫"},
        {"iint", "∬"},
        {"oint", "∮"},
        {"angle", "∠"},
        {"triangle", "△"},
        {"degree", "°"},
        {"prime", "′"},
        {"hbar", "ℏ"},
        {"ell", "ℓ"},
        {"Re", "ℜ"},
        {"Im", "ℑ"},
        {"aleph", "ℵ"},
        // arrows
        {"to", "→"},
        {"rightarrow", "→"},
        {"leftarrow", "←"},
        {"gets", "←"},
        {"leftrightarrow", "↔"},
        {"Rightarrow", "⇒"},
        {"Leftarrow", "⇐"},
        {"Leftrightarrow", "⇔"},
        {"iff", "⟺"},
        {"implies", "⟹"},
        {"impliedby", "⟸"},
        {"mapsto", "↦"},
        {"uparrow", "↑"},
        {"downarrow", "↓"},
        {"longrightarrow", "⟶"},
        {"longleftarrow", "⟵"},
        // dots and delimiters
        {"cdots", "⋯"},
        {"ldots", "…"},
        {"dots", "…"},
        {"dotsc", "…"},
        {"dotsb", "⋯"},
        {"vdots", "⋮"},
        {"ddots", "⋱"},
        {"langle", "⟨"},
        {"rangle", "⟩"},
        {"lfloor", "⌊"},
        {"rfloor", "⌋"},
        {"lceil", "⌈"},
        {"rceil", "⌉"},
        {"vert", "|"},
        {"Vert", "‖"},
        {"lvert", "|"},
        {"rvert", "|"},
        {"lVert", "‖"},
        {"rVert", "‖"},
        {"backslash", "∖"},
        {"{", "{"},
        {"}", "}"},
        {"lbrace", "{"},
        {"rbrace", "}"},
        {"%", "%"},
        {"$", "$"},
        {"&", "&"},
        {"#", "#"},
        {"_", "_"},
        {"|", "‖"},
        // spacing
        {",", "\u2009"},
        {":", "\u2005"},
        {";", "\u2004"},
        {"!", ""},
        {" ", " "},
        {"quad", "\u2003"},
        {"qquad", "\u2003\u2003"},
        {"enspace", "\u2002"},
        // ignored modifiers
        {"left", ""},
        {"right", ""},
        {"big", ""},
        {"Big", ""},
        {"bigg", ""},
        {"Bigg", ""},
        {"bigl", ""},
        {"bigr", ""},
        {"Bigl", ""},
        {"Bigr", ""},
        {"biggl", ""},
        {"biggr", ""},
        {"middle", ""},
        {"displaystyle", ""},
        {"textstyle", ""},
        {"scriptstyle", ""},
        {"limits", ""},
        {"nolimits", ""},
        {"nonumber", ""},
        {"notag", ""},
    };
    return table;
}

} // namespace

QString symbol(const QString& name) {
    return symbolTable().value(name);
}

bool isFunctionName(const QString& name) {
    static const QSet<QString> names = {
        "sin",  "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
        "tanh", "log", "ln",  "lg",  "exp", "lim", "liminf", "limsup", "max",    "min",  "sup",
        "inf",  "gcd", "lcm", "det", "dim", "ker", "deg",    "arg",    "Pr",     "mod",  "hom"};
    return names.contains(name);
}

namespace {

QString mapChars(const QString& text, const QString& from, const QString& to) {
    if (text.isEmpty()) return {};
    QString out;
    for (QChar c : text) {
        const int at = from.indexOf(c);
        if (at < 0) return {};
        out += to.at(at);
    }
    return out;
}

} // namespace

QString toSuperscript(const QString& text) {
    return mapChars(text, QStringLiteral("0123456789+-=()ni"), QStringLiteral("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ"));
}

QString toSubscript(const QString& text) {
    return mapChars(text, QStringLiteral("0123456789+-=()aeoxhklmnpst"),
                    QStringLiteral("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ"));
}

} // namespace rwb::ui::latex
