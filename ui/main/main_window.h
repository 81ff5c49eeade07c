// MainWindow: the application frame. Conversation list on the left, the chat in the middle and
// the collapsible settings panel on the right (one splitter, sizes remembered), menus with the
// keyboard shortcuts (Ctrl+N new, Ctrl+F search, Ctrl+K model, Ctrl+Enter send, Esc stop) and a
// status bar naming the model. It owns the storage thread and the chat controller; the panes
// live in their own folders (conversations/, chat_view/, settings/, chat/). The Models menu opens
// the Library (its chosen model goes to the settings panel), the Compare menu the comparison
// window (compare view, problem sets); a compare column continued in chat becomes a stored
// conversation shown here.
#pragma once

#include <QMainWindow>
#include <memory>

class QAction;
class QIcon;
class QLabel;
class QSplitter;

namespace rwb::storage {
class StorageThread;
}
namespace rwb::app {
class ChatController;
}

namespace rwb::ui::compare {
class CompareRunsList;
}

namespace rwb::ui {

class ChatView;
class ComparisonWindow;
class ConversationImport;
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
    // Null until "Compare models…" or "Problem sets…" first opens it.
    ComparisonWindow* comparisonWindow() const { return m_comparison; }
    // The conversation list's "Compare" section: stored comparisons and problem-set runs.
    compare::CompareRunsList* compareRuns() const { return m_compareRuns; }
    // The window icon: the theme's, else the bundled SVG.
    static QIcon appIcon();

public slots:
    void newConversation();     // Ctrl+N
    void focusSearch();         // Ctrl+F
    void switchModel();         // Ctrl+K
    void toggleSettingsPanel(); // F9
    void openLibrary();         // Models > Model library…
    void openCompare();         // Compare > Compare models…
    void openProblemSets();     // Compare > Problem sets…
    // Selects this GGUF file in the settings panel (a file named on the command line, a model
    // chosen in the Library): the next send uses it.
    void openModelFile(const QString& path);
    // Stores a compare column's reply as a new conversation and shows it in the chat.
    void continueInChat(const QString& modelPath, const QString& prompt, const QString& thinking,
                        const QString& answer);

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
    ComparisonWindow* ensureComparisonWindow();
    QStringList knownModels() const;

    std::unique_ptr<rwb::storage::StorageThread> m_storage;
    std::unique_ptr<rwb::app::ChatController> m_controller;
    StorageRequests* m_requests = nullptr;
    QSplitter* m_splitter = nullptr;
    ConversationPanel* m_conversations = nullptr;
    ChatView* m_chat = nullptr;
    SettingsPanel* m_settings = nullptr;
    ComparisonWindow* m_comparison = nullptr;
    compare::CompareRunsList* m_compareRuns = nullptr;
    ConversationImport* m_import = nullptr;
    QAction* m_stopAction = nullptr;
    QLabel* m_statusModel = nullptr;
    bool m_storageReady = false;
};

} // namespace rwb::ui
