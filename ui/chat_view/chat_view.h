// ChatView: the middle pane. The messages of the conversation's visible branch (MessageColumn),
// then the model-loading indicator, the one-line error banner, and the PromptEditor with its
// Send/Stop button. It talks to the ChatController (send, regenerate, edit and resend, stop)
// and shows what the controller streams back; reading the history and switching branches go
// through StorageRequests. A new conversation is created in storage on its first send.
// Keys: Ctrl+Enter sends (the PromptEditor); the window's Esc action calls stop().
#pragma once

#include "records.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QPushButton;

namespace rwb::app {
class ChatController;
struct StreamStats;
} // namespace rwb::app

namespace rwb::ui {

class ErrorBanner;
class LoadingIndicator;
class MessageColumn;
class MessageWidget;
class PromptEditor;
class StorageRequests;

class ChatView : public QWidget {
    Q_OBJECT
public:
    ChatView(rwb::app::ChatController* controller, StorageRequests* requests,
             QWidget* parent = nullptr);

    qint64 conversationId() const { return m_conversationId; }
    void showConversation(qint64 id); // loads its visible branch from storage
    void newConversation();           // an empty chat; stored on the first send
    void reload();

    PromptEditor* promptEditor() const { return m_editor; }
    QPushButton* sendButton() const { return m_send; }
    MessageColumn* column() const { return m_column; }
    QList<MessageWidget*> messageWidgets() const;
    ErrorBanner* errorBanner() const { return m_error; }
    LoadingIndicator* loadingIndicator() const { return m_loading; }
    bool isBusy() const;

    // The empty-chat hint: where to get a model when none is configured.
    void setModelAvailable(bool available, const QString& why = {});

public slots:
    void send(); // the editor's text
    void stop();
    void showError(const QString& error);

signals:
    void conversationCreated(qint64 id);
    void conversationChanged(qint64 id);   // new messages or a branch switch: list order changes
    void conversationDiscarded(qint64 id); // created for a first send that wrote nothing
    void modelReady(const QString& modelName);

private:
    void connectController();
    void sendText(const QString& text);
    void rebuild(const QVector<rwb::storage::Message>& path);
    void loadBranches();
    void updateBranchInfo();
    MessageWidget* addWidget(const rwb::storage::Message& message);
    void switchBranch(qint64 messageId, int step);
    void deleteMessage(qint64 messageId);
    void updateSendButton();
    QVector<qint64> siblingsOf(qint64 messageId) const;

    void onMessageCreated(const rwb::storage::Message& message);
    void onThinkingDelta(qint64 conversationId, qint64 messageId, const QString& text);
    void onThinkingFinished(qint64 conversationId, qint64 messageId, double seconds, qint64 tokens);
    void onAnswerDelta(qint64 conversationId, qint64 messageId, const QString& text);
    void onStats(qint64 conversationId, qint64 messageId, const rwb::app::StreamStats& stats);
    void onEnded(const rwb::storage::Message& message, bool interrupted);
    void onFailed(qint64 conversationId, qint64 messageId, const QString& error);

    // Text of replies still streaming (of any conversation), so switching away and back shows
    // everything even before storage has saved it.
    struct Live {
        QString thinking;
        QString answer;
        bool thinkingEnded = false;
        double thinkingSeconds = 0;
        qint64 thinkingTokens = 0;
    };

    QPointer<rwb::app::ChatController> m_controller;
    StorageRequests* m_requests;
    MessageColumn* m_column;
    LoadingIndicator* m_loading;
    ErrorBanner* m_error;
    PromptEditor* m_editor;
    QPushButton* m_send;

    qint64 m_conversationId = 0;
    bool m_creating = false;              // a new conversation is being stored
    qint64 m_fresh = 0;                   // created by the last send, no message stored yet
    QString m_lastSent;                   // given back to the editor when nothing was written
    quint64 m_loadGeneration = 0;         // answers to an older load are dropped
    QVector<rwb::storage::Message> m_all; // every branch of the shown conversation
    QHash<qint64, Live> m_live;
    QHash<qint64, bool> m_expanded;      // thinking block state chosen per message
    QHash<qint64, QString> m_modelNames; // model of each reply seen streaming
};

} // namespace rwb::ui
