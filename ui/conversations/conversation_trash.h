// ConversationTrash: deletes conversations for real and can bring them back. Before a delete it
// exports the conversation (every branch, figures, provenance) to a JSON file in a private
// temporary folder; undo imports that file again, which restores the same rows (same uuids,
// texts, branches and current leaf) under a new id. The files go when the trash is destroyed.
#pragma once

#include <QObject>
#include <QSet>
#include <QTemporaryDir>
#include <QVector>

namespace rwb::ui {

class StorageRequests;

class ConversationTrash : public QObject {
    Q_OBJECT
public:
    explicit ConversationTrash(StorageRequests* requests, QObject* parent = nullptr);

    void remove(qint64 conversationId, const QString& title);
    bool canUndo() const { return !m_entries.isEmpty(); }
    QString lastTitle() const { return m_entries.isEmpty() ? QString() : m_entries.last().title; }
    // Restores the most recently deleted conversation.
    void undo();

signals:
    void removed(qint64 conversationId, const QString& title);
    void restored(qint64 newConversationId, const QString& title);
    void failed(const QString& error);

private:
    struct Entry {
        qint64 oldId = 0;
        QString title;
        QString path;
    };
    StorageRequests* m_requests;
    QTemporaryDir m_dir;
    QVector<Entry> m_entries;
    int m_serial = 0;
};

} // namespace rwb::ui
