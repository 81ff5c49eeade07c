// ConversationTrash; see conversation_trash.h.
#include "conversations/conversation_trash.h"

#include "conversations/storage_requests.h"

#include <QFile>

namespace rwb::ui {

using namespace rwb::storage;

namespace {
constexpr int kAllConversations = 1 << 20;

QSet<qint64> idsOf(const QVector<ConversationSummary>& list) {
    QSet<qint64> ids;
    for (const auto& s : list) ids.insert(s.id);
    return ids;
}
} // namespace

ConversationTrash::ConversationTrash(StorageRequests* requests, QObject* parent)
    : QObject(parent), m_requests(requests) {}

void ConversationTrash::remove(qint64 conversationId, const QString& title) {
    if (!m_dir.isValid()) {
        emit failed(
            tr("Cannot delete: no temporary folder for undo (%1)").arg(m_dir.errorString()));
        return;
    }
    Entry entry{conversationId, title,
                m_dir.filePath(QStringLiteral("deleted-%1.json").arg(++m_serial))};
    auto fail = [this](const QString& e) { emit failed(tr("Cannot delete: %1").arg(e)); };
    // Delete only once the copy for undo is safely on disk.
    m_requests->exportJsonFile(
        {conversationId}, entry.path,
        [this, entry, fail] {
            m_requests->deleteConversation(
                entry.oldId,
                [this, entry] {
                    m_entries.push_back(entry);
                    emit removed(entry.oldId, entry.title);
                },
                fail);
        },
        fail);
}

void ConversationTrash::undo() {
    if (m_entries.isEmpty()) return;
    const Entry entry = m_entries.takeLast();
    auto fail = [this, entry](const QString& e) {
        m_entries.push_back(entry); // still deleted: undo can be tried again
        emit failed(tr("Cannot restore \"%1\": %2").arg(entry.title, e));
    };
    // The import gives the conversation a new id: it is the one that was not there before.
    m_requests->listConversations(
        kAllConversations,
        [this, entry, fail](const QVector<ConversationSummary>& before) {
            const QSet<qint64> known = idsOf(before);
            m_requests->importJsonFile(
                entry.path,
                [this, entry, known, fail] {
                    m_requests->listConversations(
                        kAllConversations,
                        [this, entry, known](const QVector<ConversationSummary>& after) {
                            qint64 newId = 0;
                            for (const auto& s : after)
                                if (!known.contains(s.id)) newId = s.id;
                            QFile::remove(entry.path);
                            emit restored(newId, entry.title);
                        },
                        fail);
                },
                fail);
        },
        fail);
}

} // namespace rwb::ui
