// bench_storage: bulk figures for docs/performance.md (Storage). Not a test: it times
//   - inserting 100,000 messages (in batches of 1,000 per transaction, and one message per
//     transaction as the app saves them),
//   - searching them (rare and common words, a prefix, two Chinese characters, reasoning only),
//   - opening a conversation of 2,000 messages and listing conversations, and opening the file.
// Usage: bench_storage [database path [--reuse]]   (default: a temporary folder; the file is
// rebuilt unless --reuse is given, which times the searches on a database built before)
// Prints the median and the 90th percentile of each figure in milliseconds of wall time, and
// the median CPU time of the calling thread (less disturbed on a busy shared machine).
#include "message_store.h"
#include "search.h"
#include "sql_util.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>

using namespace rwb::storage;

namespace {

const char* const kWords[] = {
    "the",       "model",    "answer",     "reasoning",   "step",   "prime",  "factor",  "because",
    "therefore", "we",       "check",      "divide",      "number", "result", "sum",     "product",
    "equation",  "solve",    "value",      "first",       "second", "then",   "so",      "is",
    "not",       "wait",     "let",        "me",          "think",  "again",  "integer", "square",
    "root",      "function", "derivative", "probability", "matrix", "vector", "思考",    "答案",
    "因为",      "所以",     "我们",       "计算",        "模型",   "推理",   "😀",       "🤔"};

QString prose(QRandomGenerator& rng, int words) {
    QString s;
    for (int i = 0; i < words; ++i) {
        s += QLatin1String(i ? " " : "");
        s += QString::fromUtf8(kWords[rng.bounded(int(std::size(kWords)))]);
        if (rng.bounded(40) == 0) s += QStringLiteral(" zebra%1").arg(rng.bounded(100000));
    }
    return s;
}

struct Figure {
    double median = 0, p90 = 0, cpuMedian = 0;
};

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

Figure timeIt(int repeats, const std::function<void()>& f) {
    std::vector<double> ms, cpu;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer t;
        t.start();
        const double c0 = threadCpuMs();
        f();
        cpu.push_back(threadCpuMs() - c0);
        ms.push_back(t.nsecsElapsed() / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)],
            cpu[cpu.size() / 2]};
}

void report(const char* what, const Figure& f, const QString& extra = {}) {
    std::printf("%-46s median %8.3f ms  p90 %8.3f ms  cpu %8.3f ms  %s\n", what, f.median, f.p90,
                f.cpuMedian, qPrintable(extra));
    std::fflush(stdout);
}

Message makeMessage(QRandomGenerator& rng, qint64 cid, qint64 parent, bool assistant) {
    Message m;
    m.conversationId = cid;
    m.parentId = parent;
    m.role = assistant ? MessageRole::Assistant : MessageRole::User;
    m.answer = prose(rng, assistant ? 80 : 20);
    if (assistant) {
        m.reasoning = prose(rng, 160);
        m.answerTokens = 100;
        m.thinkingTokens = 200;
        m.tokensPerSecond = 20;
    }
    return m;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString path = argc > 1 ? QString::fromLocal8Bit(argv[1]) : tmp.filePath("bench.sqlite");
    const bool reuse = argc > 2 && qstrcmp(argv[2], "--reuse") == 0;
    if (!reuse)
        for (const char* s : {"", "-wal", "-shm"}) QFile::remove(path + QLatin1String(s));
    QRandomGenerator rng(42);
    MessageStore store;
    if (!store.open(path)) {
        std::fprintf(stderr, "bench_storage: %s\n", qPrintable(store.lastError()));
        return 1;
    }
    constexpr int kTotal = 100000, kLong = 2000, kPerConversation = 98;
    std::printf("bench_storage: %d messages (%d in one conversation), database %s\n", kTotal, kLong,
                qPrintable(path));

    // 1. Bulk insert: the long conversation, then conversations of 98 messages.
    int inserted = 0;
    qint64 longId = 0;
    QElapsedTimer bulk;
    bulk.start();
    std::vector<double> batchMs;
    if (reuse) {
        inserted = kTotal;
        longId = 1;
    }
    while (inserted < kTotal) {
        QElapsedTimer batch;
        batch.start();
        sql::Transaction t(store.database());
        for (int done = 0; done < 1000 && inserted < kTotal;) {
            Conversation c;
            c.title = prose(rng, 5);
            store.createConversation(c);
            if (!longId) longId = c.id;
            const int n = c.id == longId ? kLong : kPerConversation;
            qint64 parent = 0;
            for (int i = 0; i < n && inserted < kTotal; ++i, ++inserted, ++done) {
                Message m = makeMessage(rng, c.id, parent, i % 2 == 1);
                if (store.addMessage(m) <= 0) {
                    std::fprintf(stderr, "bench_storage: %s\n", qPrintable(store.lastError()));
                    return 1;
                }
                parent = m.id;
            }
        }
        QString error;
        if (!t.commit(&error)) {
            std::fprintf(stderr, "bench_storage: %s\n", qPrintable(error));
            return 1;
        }
        batchMs.push_back(batch.nsecsElapsed() / 1e6);
    }
    const double bulkS = bulk.elapsed() / 1000.0;
    std::sort(batchMs.begin(), batchMs.end());
    if (!reuse)
        std::printf("insert %d messages, 1000 per transaction: %.1f s total (%.0f messages/s), "
                    "median %.1f ms per 1000\n",
                    kTotal, bulkS, kTotal / bulkS, batchMs[batchMs.size() / 2]);
    std::printf("database size: %.1f MB\n", QFileInfo(path).size() / 1e6);

    // 2. One message per transaction, as the app saves them (WAL, synchronous=NORMAL).
    Conversation extra;
    extra.title = QStringLiteral("single inserts");
    store.createConversation(extra);
    qint64 parent = 0;
    report("insert one message (own transaction)", timeIt(500, [&] {
               Message m = makeMessage(rng, extra.id, parent, true);
               store.addMessage(m);
               parent = m.id;
           }));
    report("streaming save (1.2k chars, own transaction)",
           timeIt(200, [&] { store.saveStreamingText(parent, prose(rng, 80), prose(rng, 160)); }));

    // 3. Search.
    struct Q {
        const char* name;
        const char* text;
        int targets;
    };
    const Q queries[] = {
        {"search rare word (zebra123)", "zebra123", SearchAll},
        {"search common word (probability)", "probability", SearchAll},
        {"search two words (prime factor)", "prime factor", SearchAll},
        {"search prefix (deriv*)", "deriv*", SearchAll},
        {"search reasoning only (derivative)", "derivative", SearchReasoning},
        {"search Chinese, 4 chars (推理模型)", "推理 模型", SearchAll},
        {"search Chinese, 2 chars (推理)", "推理", SearchAll},
        {"search rare emoji, 1 char (🦄)", "🦄", SearchAll},
        {"search no match (qqqzzz)", "qqqzzz", SearchAll},
    };
    for (const Q& q : queries) {
        SearchQuery sq;
        sq.text = QString::fromUtf8(q.text);
        sq.targets = q.targets;
        int hits = 0;
        const Figure f = timeIt(15, [&] { hits = int(search(store, sq).size()); }); // sets hits
        report(q.name, f, QStringLiteral("(%1 hits, limit 50)").arg(hits));
    }

    // 4. Opening a conversation of 2,000 messages, listing, opening the file.
    int shown = 0;
    const Figure open = timeIt(20, [&] { shown = int(store.visiblePath(longId).size()); });
    report("open conversation of 2,000 messages", open, QStringLiteral("(%1 messages)").arg(shown));
    report("list 200 conversations", timeIt(20, [&] { store.listConversations(200); }));
    store.close();
    report("open the database file", timeIt(10, [&] {
               MessageStore s;
               if (!s.open(path)) std::fprintf(stderr, "%s\n", qPrintable(s.lastError()));
           }));
    return 0;
}
