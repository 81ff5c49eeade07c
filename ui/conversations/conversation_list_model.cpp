// ConversationListModel; see conversation_list_model.h.
#include "conversations/conversation_list_model.h"

#include "conversations/storage_requests.h"

#include <QSet>
#include <algorithm>

namespace rwb::ui {

using namespace rwb::storage;

namespace {
constexpr int kListLimit = 1000;
constexpr int kSearchLimit = 200;

// Pinned first, then the most recently updated (storage sorts the same way; search hits do not).
void sortRows(QVector<ConversationListModel::Row>& rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        if (a.pinned != b.pinned) return a.pinned;
        return a.updated > b.updated;
    });
}
} // namespace

ConversationListModel::ConversationListModel(StorageRequests* requests, QObject* parent)
    : QAbstractListModel(parent), m_requests(requests) {}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    const Row* r = rowData(index.row());
    if (!r || index.parent().isValid()) return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return r->title.isEmpty() ? tr("New conversation") : r->title;
    case Qt::ToolTipRole:
        return r->snippet.isEmpty() ? r->title : r->snippet;
    case IdRole:
        return r->id;
    case PinnedRole:
        return r->pinned;
    case UpdatedRole:
        return r->updated;
    case SnippetRole:
        return r->snippet;
    case MessageCountRole:
        return r->messageCount;
    default:
        return {};
    }
}

bool ConversationListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    const Row* r = rowData(index.row());
    if (!r || role != Qt::EditRole) return false;
    const QString title = value.toString().simplified();
    if (title.isEmpty() || title == r->title) return false; // an empty title is refused
    rename(r->id, title);
    return true;
}

Qt::ItemFlags ConversationListModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

const ConversationListModel::Row* ConversationListModel::rowData(int row) const {
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int ConversationListModel::rowOf(qint64 conversationId) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == conversationId) return i;
    return -1;
}

void ConversationListModel::setSearchText(const QString& text) {
    if (text == m_search) return;
    m_search = text;
    refresh();
}

void ConversationListModel::refresh() {
    const quint64 generation = ++m_generation;
    auto fail = [this, generation](const QString& e) {
        if (generation == m_generation) emit errorOccurred(e);
    };
    if (!searching()) {
        m_requests->listConversations(
            kListLimit,
            [this, generation](const QVector<ConversationSummary>& list) {
                if (generation != m_generation) return;
                QVector<Row> rows;
                rows.reserve(list.size());
                for (const auto& s : list)
                    rows.push_back({s.id, s.title, s.updated, s.pinned, s.messageCount, {}});
                sortRows(rows);
                applyRows(std::move(rows));
            },
            fail);
        return;
    }
    SearchQuery query;
    query.text = m_search.trimmed();
    query.limit = kSearchLimit;
    m_requests->search(
        query,
        [this, generation](const QVector<SearchHit>& hits) {
            if (generation != m_generation) return;
            applyRows(rowsFromHits(hits));
        },
        fail);
}

QVector<ConversationListModel::Row>
ConversationListModel::rowsFromHits(const QVector<SearchHit>& hits) {
    // Hits come best first (titles, then answers, then reasoning); keep each conversation's first.
    QVector<Row> rows;
    QSet<qint64> seen;
    for (const SearchHit& h : hits) {
        if (seen.contains(h.conversationId)) continue;
        seen.insert(h.conversationId);
        Row r;
        r.id = h.conversationId;
        r.title = h.conversationTitle;
        r.updated = h.created;
        r.snippet = h.field == SearchHit::Field::Title ? QString() : h.snippet.simplified();
        rows.push_back(r);
    }
    return rows;
}

void ConversationListModel::applyRows(QVector<Row> rows) {
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    emit refreshed();
}

void ConversationListModel::rename(qint64 conversationId, const QString& title) {
    const int row = rowOf(conversationId);
    if (row >= 0) { // show it at once; storage confirms below
        m_rows[row].title = title;
        emit dataChanged(index(row), index(row));
    }
    m_requests->modifyConversation(
        conversationId, [title](Conversation& c) { c.title = title; },
        [this](const Conversation&) { refresh(); },
        [this](const QString& e) {
            emit errorOccurred(e);
            refresh();
        });
}

void ConversationListModel::setPinned(qint64 conversationId, bool pinned) {
    m_requests->modifyConversation(
        conversationId, [pinned](Conversation& c) { c.pinned = pinned; },
        [this](const Conversation&) { refresh(); },
        [this](const QString& e) {
            emit errorOccurred(e);
            refresh();
        });
}

} // namespace rwb::ui
