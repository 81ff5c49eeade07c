// ConversationListModel: the conversations of the history as a list model, pinned first, then
// newest first. In search mode it holds the conversations that match the query (through
// storage's full-text search), one row per conversation, with the snippet of its best hit.
// Editing the title renames the conversation in storage.
#pragma once

#include "search.h"
#include "storage_worker.h"

#include <QAbstractListModel>
#include <QVector>

namespace rwb::ui {

class StorageRequests;

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        PinnedRole,
        UpdatedRole,
        SnippetRole, // search mode: the text around the first hit ("" in list mode)
        MessageCountRole,
    };

    struct Row {
        qint64 id = 0;
        QString title;
        QDateTime updated;
        bool pinned = false;
        qint64 messageCount = 0;
        QString snippet;
    };

    ConversationListModel(StorageRequests* requests, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // Reloads from storage (list or search, whichever is active).
    void refresh();
    // Empty text: every conversation; otherwise the search results for it.
    void setSearchText(const QString& text);
    QString searchText() const { return m_search; }
    bool searching() const { return !m_search.trimmed().isEmpty(); }

    int rowOf(qint64 conversationId) const; // -1 if not shown
    const Row* rowData(int row) const;

    void rename(qint64 conversationId, const QString& title);
    void setPinned(qint64 conversationId, bool pinned);

signals:
    void refreshed(); // the rows now reflect storage
    void errorOccurred(const QString& error);

private:
    void applyRows(QVector<Row> rows);
    static QVector<Row> rowsFromHits(const QVector<storage::SearchHit>& hits);

    StorageRequests* m_requests;
    QVector<Row> m_rows;
    QString m_search;
    quint64 m_generation = 0; // answers of an older refresh are dropped
};

} // namespace rwb::ui
