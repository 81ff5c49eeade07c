// Full-text search over conversation titles, answers and reasoning (FTS5, trigram tokenizer).
// Query words of three or more characters go through the FTS index (substring match, so
// "reas" finds "reasoning" and 中文模 finds Chinese text); shorter words (two Chinese
// characters, one emoji) become the set of indexed trigrams that begin with them (LIKE only
// for a character so common that the set is huge). A trailing '*' is
// accepted and means the same. Every word must occur. Hits come newest first, titles, then
// answers, then reasoning. Snippets and highlight offsets are taken
// from the original text, in QString (UTF-16) positions.
#pragma once

#include <QDateTime>
#include <QPair>
#include <QString>
#include <QVector>

namespace rwb::storage {

class MessageStore;

enum SearchTarget { SearchTitles = 1, SearchAnswers = 2, SearchReasoning = 4, SearchAll = 7 };

struct SearchQuery {
    QString text;
    int targets = SearchAll;
    int limit = 50;
    qint64 conversationId = 0; // 0 = every conversation
};

struct SearchHit {
    enum class Field { Title, Answer, Reasoning };
    Field field = Field::Answer;
    qint64 conversationId = 0;
    qint64 messageId = 0; // 0 for a title hit
    QString conversationTitle;
    QString snippet;
    QVector<QPair<int, int>> highlights; // (offset, length) in snippet
    QDateTime created;
};

// Splits a query into words (double quotes keep a phrase together; a trailing '*' is dropped).
QStringList searchTerms(const QString& text);

// Builds the snippet of `text` around the first occurrence of any term, with highlights.
void makeSnippet(const QString& text, const QStringList& terms, QString* snippet,
                 QVector<QPair<int, int>>* highlights, int context = 60);

// Runs the query; on error returns nothing and sets *error.
QVector<SearchHit> search(MessageStore& store, const SearchQuery& query, QString* error = nullptr);

} // namespace rwb::storage
