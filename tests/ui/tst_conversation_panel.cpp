// The conversation list on a real history file: pinned first then newest first, full-text search
// with snippets, rename with F2 that persists, pin that persists, and delete + undo that really
// removes the rows and brings them back (messages included).
#include "conversations/conversation_list_model.h"
#include "conversations/conversation_panel.h"
#include "conversations/storage_requests.h"
#include "storage_worker.h"
#include "ui_test_util.h"

#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace rwb::storage;
using namespace rwb::ui;

namespace {

// The panel on its own StorageThread, opened on `path`.
struct Harness {
    explicit Harness(const QString& path) {
        requests = std::make_unique<StorageRequests>(thread.worker());
        panel = std::make_unique<ConversationPanel>(requests.get());
        panel->resize(320, 500);
        panel->show();
        requests->open(path, [this](int) { opened = true; });
        QTRY_VERIFY(opened);
        panel->refresh();
    }
    QStringList titles() const {
        QStringList out;
        auto* m = panel->model();
        for (int r = 0; r < m->rowCount(); ++r) out << m->index(r).data().toString();
        return out;
    }
    void clickRow(int row) {
        QListView* v = panel->listView();
        const QRect rect = v->visualRect(panel->model()->index(row));
        QTest::mouseClick(v->viewport(), Qt::LeftButton, {}, rect.center());
    }
    StorageThread thread;
    std::unique_ptr<StorageRequests> requests;
    std::unique_ptr<ConversationPanel> panel;
    bool opened = false;
};

} // namespace

class TestConversationPanel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_path;
    test::SeededConversation m_old, m_middle, m_new;

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        m_path =
            m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(QTest::currentTestFunction()));
        MessageStore store;
        QVERIFY2(store.open(m_path), qPrintable(store.lastError()));
        m_old = test::seedConversation(store, "Oldest about primes", "Is 97 prime?",
                                       "Yes, 97 is prime.", "Check divisors up to 9.");
        m_middle = test::seedConversation(store, "Middle about animals", "Name a striped animal",
                                          "The zebra has stripes.", "Horses, tigers, zebras.");
        m_new = test::seedConversation(store, "Newest about colours", "Sky colour?", "It is blue.");
        QVERIFY(m_old.assistantId && m_middle.assistantId && m_new.assistantId);
        QVERIFY(store.setPinned(m_old.id, true));
    }

    void listsPinnedFirstThenNewest() {
        Harness h(m_path);
        QTRY_COMPARE(h.titles(), (QStringList{"Oldest about primes", "Newest about colours",
                                              "Middle about animals"}));
        QVERIFY(h.panel->model()->index(0).data(ConversationListModel::PinnedRole).toBool());
        QVERIFY(!h.panel->model()->index(1).data(ConversationListModel::PinnedRole).toBool());
    }

    void pinMovesToTopAndPersists() {
        {
            Harness h(m_path);
            QTRY_COMPARE(h.titles().size(), 3);
            h.clickRow(2); // "Middle about animals"
            QCOMPARE(h.panel->currentConversation(), m_middle.id);
            h.panel->togglePinCurrent();
            QTRY_COMPARE(h.titles().value(0), QString("Middle about animals"));
            QCOMPARE(h.titles().value(1), QString("Oldest about primes"));
            // Unpinning the old one puts it among the others by date (the change made it the
            // most recently updated).
            h.clickRow(1);
            h.panel->togglePinCurrent();
            QTRY_VERIFY(!h.panel->model()
                             ->index(h.panel->model()->rowOf(m_old.id))
                             .data(ConversationListModel::PinnedRole)
                             .toBool());
            QCOMPARE(h.titles(), (QStringList{"Middle about animals", "Oldest about primes",
                                              "Newest about colours"}));
        }
        MessageStore store;
        QVERIFY(store.open(m_path));
        QVERIFY(store.conversation(m_middle.id)->pinned);
        QVERIFY(!store.conversation(m_old.id)->pinned);
    }

    void searchFindsAnswersAndShowsSnippet() {
        Harness h(m_path);
        QTRY_COMPARE(h.titles().size(), 3);
        h.panel->searchBox()->setFocus();
        QTest::keyClicks(h.panel->searchBox(), "zebra");
        QTRY_COMPARE(h.titles(), QStringList{"Middle about animals"});
        const QString snippet =
            h.panel->model()->index(0).data(ConversationListModel::SnippetRole).toString();
        QVERIFY2(snippet.contains("zebra", Qt::CaseInsensitive), qPrintable(snippet));
        // A title word finds the conversation by its title.
        h.panel->searchBox()->clear();
        QTest::keyClicks(h.panel->searchBox(), "colours");
        QTRY_COMPARE(h.titles(), QStringList{"Newest about colours"});
        // Nothing matches: an empty list, not the old results.
        h.panel->searchBox()->clear();
        QTest::keyClicks(h.panel->searchBox(), "xylophone");
        QTRY_COMPARE(h.titles(), QStringList{});
        h.panel->searchBox()->clear();
        QTRY_COMPARE(h.titles().size(), 3);
    }

    void renameWithF2Persists() {
        {
            Harness h(m_path);
            QTRY_COMPARE(h.titles().size(), 3);
            h.clickRow(1); // "Newest about colours"
            QListView* v = h.panel->listView();
            v->setFocus();
            QTest::keyClick(v, Qt::Key_F2);
            auto* editor = qobject_cast<QLineEdit*>(QApplication::focusWidget());
            QVERIFY(editor);
            QCOMPARE(editor->text(), QString("Newest about colours"));
            editor->selectAll();
            QTest::keyClicks(editor, "Sky questions");
            QSignalSpy refreshed(h.panel->model(), &ConversationListModel::refreshed);
            QTest::keyClick(editor, Qt::Key_Return); // the delegate commits queued
            QTRY_VERIFY(h.titles().contains("Sky questions"));
            QTRY_VERIFY(refreshed.count() > 0); // storage confirmed and the list reloaded
            QVERIFY(h.titles().contains("Sky questions"));
        }
        MessageStore store;
        QVERIFY(store.open(m_path));
        QCOMPARE(store.conversation(m_new.id)->title, QString("Sky questions"));
        QCOMPARE(store.visiblePath(m_new.id).size(), 2); // the messages are untouched
    }

    void deleteThenUndoRestoresEverything() {
        Harness h(m_path);
        QTRY_COMPARE(h.titles().size(), 3);
        QSignalSpy deleted(h.panel.get(), &ConversationPanel::conversationDeleted);
        QSignalSpy restored(h.panel.get(), &ConversationPanel::conversationRestored);
        h.clickRow(2); // "Middle about animals"
        h.panel->listView()->setFocus();
        QTest::keyClick(h.panel->listView(), Qt::Key_Delete);
        QTRY_COMPARE(deleted.count(), 1);
        QCOMPARE(deleted.at(0).at(0).toLongLong(), m_middle.id);
        QTRY_COMPARE(h.titles(), (QStringList{"Oldest about primes", "Newest about colours"}));
        auto* bar = h.panel->findChild<QWidget*>("undoBar");
        QVERIFY(bar && bar->isVisible());
        QVERIFY(h.panel->findChild<QLabel*>("undoLabel")->text().contains("Middle about animals"));

        // Really gone: storage's search no longer finds its answer.
        bool searched = false;
        int hits = -1;
        SearchQuery q;
        q.text = "zebra";
        h.requests->search(q, [&](const QVector<SearchHit>& found) {
            hits = int(found.size());
            searched = true;
        });
        QTRY_VERIFY(searched);
        QCOMPARE(hits, 0);

        QTest::mouseClick(h.panel->findChild<QPushButton*>("undoButton"), Qt::LeftButton);
        QTRY_COMPARE(restored.count(), 1);
        const qint64 newId = restored.at(0).at(0).toLongLong();
        QVERIFY(newId > 0);
        QTRY_COMPARE(h.titles(), (QStringList{"Oldest about primes", "Newest about colours",
                                              "Middle about animals"}));
        QVERIFY(!bar->isVisible());

        bool loaded = false;
        QVector<Message> path;
        h.requests->loadConversation(newId, [&](const Conversation& c, const QVector<Message>& p) {
            QCOMPARE(c.title, QString("Middle about animals"));
            path = p;
            loaded = true;
        });
        QTRY_VERIFY(loaded);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].answer, QString("Name a striped animal"));
        QCOMPARE(path[1].answer, QString("The zebra has stripes."));
        QCOMPARE(path[1].reasoning, QString("Horses, tigers, zebras."));
    }
};

QTEST_MAIN(TestConversationPanel)
#include "tst_conversation_panel.moc"
