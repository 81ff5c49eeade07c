// Full-text search; see search.h.
#include "search.h"

#include "message_store.h"
#include "sql_util.h"

#include <QSqlQuery>

#include <algorithm>
#include <optional>

namespace rwb::storage {
namespace {

int codePoints(const QString& s) {
    return int(s.toUcs4().size());
}

QString ftsPhrase(const QString& term) {
    QString quoted = term;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString likePattern(const QString& term) {
    QString escaped = term;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('%'), QLatin1String("\\%"));
    escaped.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

struct FieldSpec {
    SearchHit::Field field;
    const char* table;  // content table
    const char* fts;    // its FTS table
    const char* column; // searched column
};

const FieldSpec kFields[] = {
    {SearchHit::Field::Title, "conversations", "conversations_fts", "title"},
    {SearchHit::Field::Answer, "messages", "messages_fts", "answer"},
    {SearchHit::Field::Reasoning, "messages", "messages_fts", "reasoning"},
};

int targetBit(SearchHit::Field f) {
    switch (f) {
    case SearchHit::Field::Title:
        return SearchTitles;
    case SearchHit::Field::Answer:
        return SearchAnswers;
    case SearchHit::Field::Reasoning:
        return SearchReasoning;
    }
    return 0;
}

} // namespace

QStringList searchTerms(const QString& text) {
    QStringList terms;
    QString current;
    bool quoted = false;
    auto flush = [&] {
        QString t = current.trimmed();
        while (t.endsWith(QLatin1Char('*'))) t.chop(1);
        if (!t.isEmpty()) terms.append(t);
        current.clear();
    };
    for (QChar c : text) {
        if (c == QLatin1Char('"')) {
            flush();
            quoted = !quoted;
        } else if (c.isSpace() && !quoted) {
            flush();
        } else {
            current += c;
        }
    }
    flush();
    return terms;
}

void makeSnippet(const QString& text, const QStringList& terms, QString* snippet,
                 QVector<QPair<int, int>>* highlights, int context) {
    int first = -1;
    for (const QString& t : terms) {
        const int at = int(text.indexOf(t, 0, Qt::CaseInsensitive));
        if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    if (first < 0) first = 0;
    int start = std::max(0, first - context);
    int end = std::min(int(text.size()), first + 2 * context + 40);
    // Never cut a surrogate pair (emoji) in half.
    if (start > 0 && text[start].isLowSurrogate()) --start;
    if (end < text.size() && end > 0 && text[end - 1].isHighSurrogate()) ++end;
    const QString lead = start > 0 ? QStringLiteral("…") : QString();
    const QString tail = end < text.size() ? QStringLiteral("…") : QString();
    *snippet =
        lead + text.mid(start, end - start).replace(QLatin1Char('\n'), QLatin1Char(' ')) + tail;

    QVector<QPair<int, int>> spans;
    for (const QString& t : terms) {
        for (qsizetype at = text.indexOf(t, start, Qt::CaseInsensitive);
             at >= 0 && at + t.size() <= end; at = text.indexOf(t, at + 1, Qt::CaseInsensitive))
            spans.append({int(at - start + lead.size()), int(t.size())});
    }
    std::sort(spans.begin(), spans.end());
    highlights->clear();
    for (const auto& s : spans) { // merge overlaps
        if (!highlights->isEmpty() &&
            s.first <= highlights->last().first + highlights->last().second) {
            auto& last = highlights->last();
            last.second = std::max(last.first + last.second, s.first + s.second) - last.first;
        } else {
            highlights->append(s);
        }
    }
}

namespace {

constexpr int kMaxExpandedTrigrams = 1000;

// The index trigrams that begin with a one- or two-character term (see migration 002: every
// character of an indexed text begins at least one trigram). Empty = the term occurs nowhere.
// nullopt = too many to list (a very common character): the caller falls back to LIKE, which
// finds enough hits quickly for such a term.
std::optional<QStringList> trigramsStartingWith(MessageStore& store, const char* fts,
                                                const QString& term, QString* error) {
    QSqlQuery q(store.database());
    q.prepare(QStringLiteral("SELECT term FROM %1_terms WHERE term >= ? AND term < ? LIMIT ?")
                  .arg(QLatin1String(fts)));
    const QString folded = term.toLower();
    q.addBindValue(folded);
    q.addBindValue(folded + QString::fromUcs4(U"\U0010FFFF", 1));
    q.addBindValue(kMaxExpandedTrigrams + 1);
    if (!sql::run(q, error)) return QStringList();
    QStringList out;
    while (q.next()) out << q.value(0).toString();
    if (out.size() > kMaxExpandedTrigrams) return std::nullopt;
    return out;
}

} // namespace

QVector<SearchHit> search(MessageStore& store, const SearchQuery& query, QString* error) {
    QVector<SearchHit> hits;
    const QStringList terms = searchTerms(query.text);
    if (terms.isEmpty() || query.limit <= 0) return hits;
    QStringList ftsTerms, shortTerms;
    for (QString t : terms) {
        t.remove(QChar(1)); // the index's end marker is never part of a query
        if (!t.isEmpty()) (codePoints(t) >= 3 ? ftsTerms : shortTerms).append(t);
    }

    for (const FieldSpec& spec : kFields) {
        if (!(query.targets & targetBit(spec.field)) || hits.size() >= query.limit) continue;
        const bool isTitle = spec.field == SearchHit::Field::Title;
        const QString col = QLatin1String(spec.column);
        QString from, order;
        QStringList where;
        QVariantList binds;
        QStringList parts; // FTS expressions, all required
        QStringList likeTerms;
        bool absent = false;
        for (const QString& t : ftsTerms) parts << ftsPhrase(t);
        for (const QString& t : shortTerms) {
            QString why;
            const auto trigrams = trigramsStartingWith(store, spec.fts, t, &why);
            if (!why.isEmpty()) {
                if (error) *error = why;
                return {};
            }
            if (!trigrams) {
                likeTerms << t;
            } else if (trigrams->isEmpty()) {
                absent = true;
            } else {
                QStringList any;
                for (const QString& g : *trigrams) any << ftsPhrase(g);
                parts << QLatin1Char('(') + any.join(QLatin1String(" OR ")) + QLatin1Char(')');
            }
        }
        if (absent) continue;
        if (!parts.isEmpty()) {
            from = QStringLiteral("%1 f JOIN %2 t ON t.id = f.rowid")
                       .arg(QLatin1String(spec.fts), QLatin1String(spec.table));
            where << QStringLiteral("%1 MATCH ?").arg(QLatin1String(spec.fts));
            binds << QStringLiteral("%1 : (%2)").arg(col, parts.join(QLatin1String(" AND ")));
            // Newest first: lets FTS5 stop after `limit` rows. Ranking by bm25 would score every
            // match, hundreds of ms for common words in 100k messages.
            order = QStringLiteral("f.rowid DESC");
        } else {
            from = QStringLiteral("%1 t").arg(QLatin1String(spec.table));
            order = QStringLiteral("t.id DESC");
        }
        for (const QString& t : likeTerms) {
            where << QStringLiteral("t.%1 LIKE ? ESCAPE '\\'").arg(col);
            binds << likePattern(t);
        }
        if (query.conversationId > 0) {
            where << (isTitle ? QStringLiteral("t.id = ?")
                              : QStringLiteral("t.conversation_id = ?"));
            binds << query.conversationId;
        }
        const QString select =
            isTitle ? QStringLiteral("t.id, 0, t.title, t.title, t.updated")
                    : QStringLiteral("t.conversation_id, t.id, t.%1, "
                                     "(SELECT title FROM conversations c WHERE c.id = "
                                     "t.conversation_id), t.created")
                          .arg(col);
        QSqlQuery q(store.database());
        q.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE %3 ORDER BY %4 LIMIT ?")
                      .arg(select, from, where.join(QLatin1String(" AND ")), order));
        for (const QVariant& v : binds) q.addBindValue(v);
        q.addBindValue(query.limit - int(hits.size()));
        if (!sql::run(q, error)) return {};
        while (q.next()) {
            SearchHit hit;
            hit.field = spec.field;
            hit.conversationId = q.value(0).toLongLong();
            hit.messageId = q.value(1).toLongLong();
            hit.conversationTitle = q.value(3).toString();
            hit.created = sql::fromMs(q.value(4).toLongLong());
            makeSnippet(q.value(2).toString(), terms, &hit.snippet, &hit.highlights);
            hits.append(hit);
        }
    }
    return hits;
}

} // namespace rwb::storage
