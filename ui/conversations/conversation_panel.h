// ConversationPanel: the left pane. A search box (full-text search through storage), the list of
// conversations (pinned first, newest first), a context menu (rename, pin/unpin, delete), F2 to
// rename in place, Delete to delete, and an undo bar that brings a deleted conversation back.
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QModelIndex;
class QPushButton;
class QTimer;

namespace rwb::ui {

class ConversationListModel;
class ConversationTrash;
class StorageRequests;

class ConversationPanel : public QWidget {
    Q_OBJECT
public:
    explicit ConversationPanel(StorageRequests* requests, QWidget* parent = nullptr);

    ConversationListModel* model() const { return m_model; }
    ConversationTrash* trash() const { return m_trash; }
    QListView* listView() const { return m_list; }
    QLineEdit* searchBox() const { return m_search; }

    // Adds a section under the conversation list (the Compare section of stored runs).
    void addSection(QWidget* section);

    void focusSearch(); // Ctrl+F
    void refresh();
    // Marks the conversation shown in the chat (0: none); kept across refreshes.
    void setCurrentConversation(qint64 id);
    qint64 currentConversation() const { return m_current; }

    void renameCurrent();
    void deleteCurrent();
    void togglePinCurrent();
    void undoDelete();

signals:
    void conversationActivated(qint64 id);
    void conversationDeleted(qint64 id);
    void conversationRestored(qint64 id);
    void errorOccurred(const QString& error);

private:
    void showContextMenu(const QPoint& pos);
    void onCurrentRowChanged(const QModelIndex& index);
    void reselect();
    qint64 idAt(const QModelIndex& index) const;

    ConversationListModel* m_model;
    ConversationTrash* m_trash;
    QLineEdit* m_search;
    QListView* m_list;
    QTimer* m_searchDelay;
    QWidget* m_undoBar;
    QLabel* m_undoLabel;
    QPushButton* m_undoButton;
    QTimer* m_undoHide;
    qint64 m_current = 0;
    bool m_reselecting = false;
};

} // namespace rwb::ui
