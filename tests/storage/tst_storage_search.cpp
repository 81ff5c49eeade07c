// Full-text search on a real database: answers, reasoning and titles searched separately or
// together, Chinese and emoji text, prefix queries, snippets with highlight offsets that point
// at the matched text, and the FTS index kept in step by triggers through updates and deletes.
#include "message_store.h"
#include "search.h"
#include "storage_test_util.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace rwb::storage;

namespace {

qint64 addMessage(MessageStore& store, qint64 cid, MessageRole role, const QString& answer,
                  const QString& reasoning = {}) {
    Message m;
    m.conversationId = cid;
    m.role = role;
    m.answer = answer;
    m.reasoning = reasoning;
    return store.addMessage(m);
}

// Every highlight covers text equal (ignoring case) to one of the terms.
void verifyHighlights(const SearchHit& hit, const QStringList& terms) {
    QVERIFY(!hit.highlights.isEmpty());
    for (const auto& [at, len] : hit.highlights) {
        QVERIFY(at >= 0 && at + len <= hit.snippet.size());
        const QString marked = hit.snippet.mid(at, len);
        bool matches = false;
        for (const QString& t : terms)
            matches = matches || marked.compare(t, Qt::CaseInsensitive) == 0 ||
                      marked.contains(t, Qt::CaseInsensitive);
        QVERIFY2(matches, qPrintable(marked));
    }
}

bool ftsConsistent(MessageStore& store) {
    QSqlQuery q(store.database());
    return q.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')") &&
           q.exec("INSERT INTO conversations_fts(conversations_fts) VALUES ('integrity-check')");
}

} // namespace

class TestStorageSearch : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    MessageStore m_store;
    qint64 m_en = 0, m_zh = 0;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_store.open(m_dir.filePath("search.sqlite")));
        Conversation en;
        en.title = QStringLiteral("Prime factorisation");
        QVERIFY(m_store.createConversation(en) > 0);
        m_en = en.id;
        addMessage(m_store, m_en, MessageRole::User, QStringLiteral("Factor 391 please"));
        addMessage(m_store, m_en, MessageRole::Assistant, QStringLiteral("391 = 17 × 23"),
                   QStringLiteral("Let me think. Reasoning step: try dividing by small primes."));
        addMessage(m_store, m_en, MessageRole::Assistant,
                   QStringLiteral("The Reasoning Workbench says hello"),
                   QStringLiteral("nothing here"));
        Conversation zh;
        zh.title = QStringLiteral("中文对话 🚀 火箭");
        QVERIFY(m_store.createConversation(zh) > 0);
        m_zh = zh.id;
        addMessage(m_store, m_zh, MessageRole::User, QStringLiteral("请解释一下量子计算"));
        addMessage(m_store, m_zh, MessageRole::Assistant,
                   QStringLiteral("量子计算利用叠加态。😀 好的"),
                   QStringLiteral("用户想了解量子计算的基础 🤔"));
        addMessage(m_store, m_zh, MessageRole::User, QStringLiteral("结尾是中文"));
        addMessage(m_store, m_zh, MessageRole::User, QStringLiteral("猫"));
    }

    void answersAndReasoningSeparately() {
        SearchQuery q;
        q.text = QStringLiteral("reasoning");
        q.targets = SearchAnswers;
        auto hits = search(m_store, q);
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits[0].field, SearchHit::Field::Answer);
        QVERIFY(hits[0].snippet.contains(QLatin1String("Workbench")));
        q.targets = SearchReasoning;
        hits = search(m_store, q);
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits[0].field, SearchHit::Field::Reasoning);
        QVERIFY(hits[0].snippet.contains(QLatin1String("small primes")));
        QCOMPARE(hits[0].conversationTitle, QStringLiteral("Prime factorisation"));
        q.targets = SearchAll;
        QCOMPARE(search(m_store, q).size(), 2);
        verifyHighlights(hits[0], {QStringLiteral("reasoning")});
    }

    void titles() {
        SearchQuery q;
        q.text = QStringLiteral("factoris");
        q.targets = SearchTitles;
        auto hits = search(m_store, q);
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits[0].field, SearchHit::Field::Title);
        QCOMPARE(hits[0].conversationId, m_en);
        QCOMPARE(hits[0].messageId, 0);
    }

    void prefixQueries() {
        SearchQuery q;
        q.text = QStringLiteral("Reas*");
        auto hits = search(m_store, q);
        QCOMPARE(hits.size(), 2);
        for (const auto& h : hits) verifyHighlights(h, {QStringLiteral("reas")});
        q.text = QStringLiteral("fact* 391");
        q.targets = SearchAnswers;
        hits = search(m_store, q);
        QCOMPARE(hits.size(), 1); // both words must occur
        QVERIFY(hits[0].snippet.startsWith(QLatin1String("Factor 391")));
        q.text = QStringLiteral("zzzq*");
        QCOMPARE(search(m_store, q).size(), 0);
    }

    void chinese() {
        SearchQuery q;
        q.text = QStringLiteral("量子计算"); // inside a longer run of Chinese text
        q.targets = SearchAnswers;
        auto hits = search(m_store, q);
        QCOMPARE(hits.size(), 2); // the question and the answer
        for (const auto& h : hits) {
            QCOMPARE(h.conversationId, m_zh);
            verifyHighlights(h, {q.text});
        }
        q.text = QStringLiteral("叠加"); // two characters: below the trigram size
        hits = search(m_store, q);
        QCOMPARE(hits.size(), 1);
        verifyHighlights(hits[0], {q.text});
        q.text = QStringLiteral("中文"); // at the very end of a text
        hits = search(m_store, q);
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits[0].snippet, QStringLiteral("结尾是中文"));
        QCOMPARE(hits[0].highlights, (QVector<QPair<int, int>>{{3, 2}}));
        q.text = QStringLiteral("猫"); // a whole message of one character
        QCOMPARE(search(m_store, q).size(), 1);
        q.text = QStringLiteral("基础");
        q.targets = SearchReasoning;
        QCOMPARE(search(m_store, q).size(), 1);
        q.targets = SearchAnswers;
        QCOMPARE(search(m_store, q).size(), 0);
        q.text = QStringLiteral("中文对话");
        q.targets = SearchTitles;
        QCOMPARE(search(m_store, q).size(), 1);
    }

    void emoji() {
        SearchQuery q;
        q.text = QStringLiteral("😀");
        auto hits = search(m_store, q);
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits[0].field, SearchHit::Field::Answer);
        verifyHighlights(hits[0], {q.text});
        QCOMPARE(hits[0].highlights[0].second, 2); // one emoji = a surrogate pair
        q.text = QStringLiteral("🚀 火箭");
        q.targets = SearchTitles;
        QCOMPARE(search(m_store, q).size(), 1);
        q.text = QStringLiteral("🤔");
        q.targets = SearchReasoning;
        QCOMPARE(search(m_store, q).size(), 1);
    }

    void snippetOfLongTextIsCentredOnTheMatch() {
        QString longText;
        for (int i = 0; i < 200; ++i) longText += QStringLiteral("filler%1 ").arg(i);
        longText += QStringLiteral("NEEDLEWORD ");
        for (int i = 0; i < 200; ++i) longText += QStringLiteral("after%1 ").arg(i);
        QString snippet;
        QVector<QPair<int, int>> hl;
        makeSnippet(longText, {QStringLiteral("needleword")}, &snippet, &hl);
        QVERIFY(snippet.size() < 300);
        QVERIFY(snippet.startsWith(QStringLiteral("…")) && snippet.endsWith(QStringLiteral("…")));
        QCOMPARE(hl.size(), 1);
        QCOMPARE(snippet.mid(hl[0].first, hl[0].second), QStringLiteral("NEEDLEWORD"));
    }

    void quotesAndOperatorsAreText() {
        SearchQuery q;
        q.text = QStringLiteral("\"17 × 23\"");
        QCOMPARE(search(m_store, q).size(), 1);
        q.text = QStringLiteral("AND OR NOT ( ) : ^ \"\"\"");
        QString error;
        search(m_store, q, &error); // must not be an FTS syntax error
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void restrictedToOneConversation() {
        SearchQuery q;
        q.text = QStringLiteral("391");
        q.conversationId = m_zh;
        QCOMPARE(search(m_store, q).size(), 0);
        q.conversationId = m_en;
        QVERIFY(search(m_store, q).size() >= 2);
    }

    void triggersFollowUpdatesAndDeletes() {
        Conversation c;
        c.title = QStringLiteral("temporary");
        QVERIFY(m_store.createConversation(c) > 0);
        const qint64 root =
            addMessage(m_store, c.id, MessageRole::User, QStringLiteral("wobbleflux"));
        Message child;
        child.conversationId = c.id;
        child.parentId = root;
        child.role = MessageRole::Assistant;
        child.state = MessageState::Streaming;
        QVERIFY(m_store.addMessage(child) > 0);
        QVERIFY(m_store.saveStreamingText(child.id, QStringLiteral("grumbleflux"),
                                          QStringLiteral("thinkflux")));
        SearchQuery q;
        q.text = QStringLiteral("grumbleflux");
        QCOMPARE(search(m_store, q).size(), 1);
        QVERIFY(m_store.saveStreamingText(child.id, QStringLiteral("changed"), {}));
        QCOMPARE(search(m_store, q).size(), 0);
        QVERIFY(m_store.renameConversation(c.id, QStringLiteral("wobble renamed")));
        q.text = QStringLiteral("wobble");
        q.targets = SearchTitles;
        QCOMPARE(search(m_store, q).size(), 1);
        QVERIFY(ftsConsistent(m_store));
        QVERIFY(m_store.deleteMessage(root)); // the child goes by cascade
        q.targets = SearchAll;
        q.text = QStringLiteral("flux");
        QCOMPARE(search(m_store, q).size(), 0);
        QVERIFY(m_store.deleteConversation(c.id));
        q.text = QStringLiteral("wobble");
        QCOMPARE(search(m_store, q).size(), 0);
        QVERIFY(ftsConsistent(m_store));
    }
};

QTEST_GUILESS_MAIN(TestStorageSearch)
#include "tst_storage_search.moc"
