// MainWindow: the application frame. Conversation list on the left, the chat in the middle and
// the collapsible settings panel on the right (one splitter, sizes remembered), menus with the
// keyboard shortcuts (Ctrl+N new, Ctrl+F search, Ctrl+K model, Ctrl+Enter send, Esc stop) and a
// status bar naming the model. It owns the storage thread and the chat controller; the panes
// live in their own folders (conversations/, chat_view/, settings/, chat/).
#pragma once

#include <QMainWindow>
#include <memory>

class QAction;
class QLabel;
class QSplitter;

namespace rwb::storage {
class StorageThread;
}
namespace rwb::app {
class ChatController;
}

namespace rwb::ui {

class ChatView;
class ConversationPanel;
class SettingsPanel;
class StorageRequests;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The history lives in the user's data folder (MessageStore::defaultDatabasePath()).
    explicit MainWindow(QWidget* parent = nullptr);
    // The history lives in `databasePath` (tests, a second profile).
    explicit MainWindow(const QString& databasePath, QWidget* parent = nullptr);
    ~MainWindow() override;

    ConversationPanel* conversationPanel() const { return m_conversations; }
    ChatView* chatView() const { return m_chat; }
    SettingsPanel* settingsPanel() const { return m_settings; }
    rwb::app::ChatController* controller() const { return m_controller.get(); }
    QLabel* modelStatus() const { return m_statusModel; }
    bool isStorageReady() const { return m_storageReady; }

public slots:
    void newConversation();     // Ctrl+N
    void focusSearch();         // Ctrl+F
    void switchModel();         // Ctrl+K
    void toggleSettingsPanel(); // F9

signals:
    void storageReady(); // the history is open and the list is loading

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPanes();
    void buildMenus();
    void connectPanes();
    void openStorage(const QString& databasePath);
    void restoreLayout();
    void saveLayout();
    void showAbout();
    void updateModelStatus(const QString& state);

    std::unique_ptr<rwb::storage::StorageThread> m_storage;
    std::unique_ptr<rwb::app::ChatController> m_controller;
    StorageRequests* m_requests = nullptr;
    QSplitter* m_splitter = nullptr;
    ConversationPanel* m_conversations = nullptr;
    ChatView* m_chat = nullptr;
    SettingsPanel* m_settings = nullptr;
    QAction* m_stopAction = nullptr;
    QLabel* m_statusModel = nullptr;
    bool m_storageReady = false;
};

} // namespace rwb::ui
