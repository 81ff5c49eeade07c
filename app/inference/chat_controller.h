// ChatController: the UI-thread API of chatting (what the main window and ChatView call).
// It never blocks: storage work goes to the StorageWorker (its own thread), generation to one
// InferenceWorker per conversation (its own thread), and everything comes back as signals.
//
// A turn: send() -> the model is loaded (modelLoading/modelReady, or generationFailed and
// NOTHING is written) -> the user message is stored (messageCreated) -> the assistant message
// is stored with state streaming (messageCreated) -> thinkingDelta.../thinkingFinished ->
// answerDelta... (batched, at most ~30 per second; statsUpdated with them) -> the final text,
// state and figures are stored -> generationFinished(message) or, after stop(),
// generationInterrupted(message) (the partial text kept, state Interrupted). Errors after the
// messages exist: generationFailed(conversationId, messageId, line) with the message saved as
// state Error. Text streams into storage as it arrives (StreamingWriter: at most every 500 ms and
// at the thinking/answer boundary), so a crash loses under a second and the message comes back
// as interrupted on the next start.
//
// Branches: regenerate() adds a new assistant reply as a sibling of the old one (same user
// prompt); editAndResend() adds the edited prompt as a sibling of the original user message and
// answers it. The new branch becomes the conversation's visible one.
//
// Request ids: the controller calls the shared StorageWorker with request ids of its own range
// (bit 62 set: ChatController::isControllerRequest()); other callers of the same worker should
// use small ids and ignore replies they did not ask for.
#pragma once

#include "inference/generation_settings.h"
#include "inference/stream_types.h"
#include "records.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <map>
#include <memory>

namespace rwb::storage {
class StorageWorker;
}

namespace rwb::app {

class InferenceThread;
class RemoteTurn;   // a turn through an OpenAI-compatible endpoint (remote_turn.h)
struct PendingTurn; // one turn in flight (chat_turn.h)

class ChatController : public QObject {
    Q_OBJECT
public:
    // `storage` lives on its own thread (StorageThread) and must have been opened; it must
    // outlive the controller.
    explicit ChatController(rwb::storage::StorageWorker* storage, QObject* parent = nullptr);
    ~ChatController() override; // cancels running generations and joins their threads

    // Used by the next turn (a running one keeps what it started with).
    void setSettings(const GenerationSettings& settings);
    GenerationSettings settings() const { return m_settings; }

    bool isBusy(qint64 conversationId) const; // a turn of this conversation is in flight
    bool isAnyBusy() const;

    // Each conversation that generates gets its own worker thread and engine session (its KV
    // cache, so a continued conversation reuses its prompt). Idle ones beyond this many are
    // released, least recently used first, so memory stays bounded.
    static constexpr int kMaxIdleWorkers = 3;
    int workerCount() const { return int(m_workers.size()); }

    static constexpr quint64 kRequestBit = quint64(1) << 62;
    static bool isControllerRequest(quint64 requestId) { return requestId & kRequestBit; }

public slots:
    // Each returns false (and emits generationFailed) when the conversation is already busy or
    // the arguments are unusable (empty text, unknown conversation or message).
    bool send(qint64 conversationId, const QString& text);
    // `assistantMessageId`: an assistant message on the conversation's visible branch.
    bool regenerate(qint64 conversationId, qint64 assistantMessageId);
    // `userMessageId`: a user message on the conversation's visible branch.
    bool editAndResend(qint64 conversationId, qint64 userMessageId, const QString& newText);
    // Stops the conversation's turn (0: every turn). The generation ends within a token or so
    // (well under 100 ms on the bundled models); its text is kept and marked interrupted.
    void stop(qint64 conversationId = 0);
    // Closes the conversation's live thought now and makes the model answer (the loop guard's
    // "Wrap up"); no effect once the answer has started.
    void wrapUp(qint64 conversationId);
    // Loads the configured model ahead of the first send (e.g. after a model switch).
    void preloadModel(qint64 conversationId = 0);
    // Drops the conversation's worker and session (e.g. when it is deleted); stops it first.
    void releaseConversation(qint64 conversationId);

signals:
    // Every stored message of a turn, as stored: the user prompt, then the assistant reply
    // (state Streaming, empty texts). parentId tells where it hangs in the branch tree.
    void messageCreated(const rwb::storage::Message& message);
    void thinkingDelta(qint64 conversationId, qint64 messageId, const QString& text);
    void thinkingFinished(qint64 conversationId, qint64 messageId, double seconds,
                          qint64 thoughtTokens);
    // The live thought keeps repeating itself (once per reply). With settings().autoWrapUp it
    // is wrapped up at once; otherwise the UI may offer wrapUp().
    void thoughtLooping(qint64 conversationId, qint64 messageId);
    void answerDelta(qint64 conversationId, qint64 messageId, const QString& text);
    void statsUpdated(qint64 conversationId, qint64 messageId, const rwb::app::StreamStats& stats);
    // The reply as stored at the end (texts, state, figures).
    void generationFinished(const rwb::storage::Message& message);
    void generationInterrupted(const rwb::storage::Message& message);
    // One line. messageId: the assistant message that was saved as state Error, or 0 when
    // nothing was written (bad model, busy conversation, storage error before the messages).
    void generationFailed(qint64 conversationId, qint64 messageId, const QString& error);
    // Model loading for a conversation's worker. `percent` is -1 while the engine reports no
    // progress (it memory-maps the file, so loads are short and indeterminate).
    void modelLoading(qint64 conversationId, const QString& path);
    void modelLoadProgress(qint64 conversationId, int percent);
    void modelReady(qint64 conversationId, const QString& path, const QString& modelName);
    // One line when the chosen GPU backend could not be used ("... running on the CPU").
    void backendNotice(qint64 conversationId, const QString& notice);
    // A conversation started or ended a turn (for the Send/Stop button).
    void busyChanged(qint64 conversationId, bool busy);

private:
    // (chat_controller.cpp / chat_controller_storage.cpp)
    bool startTurn(std::unique_ptr<PendingTurn> turn);
    InferenceThread& workerFor(qint64 conversationId);
    void releaseIdleWorkers(qint64 keep);
    PendingTurn* turnByRequest(quint64 requestId);
    PendingTurn* turnByTag(quint64 tag);
    quint64 nextRequestId() { return kRequestBit | ++m_lastRequest; }
    void connectStorage();
    void connectWorker(qint64 conversationId, InferenceThread& thread);
    void onConversationLoaded(quint64 requestId, const rwb::storage::Conversation& conversation,
                              const QVector<rwb::storage::Message>& path);
    void onMessageAdded(quint64 requestId, const rwb::storage::Message& message);
    void onStorageFailed(quint64 requestId, const QString& error);
    void onModelReady(quint64 tag, const QString& modelName, const QString& quantization,
                      const QString& backend);
    void onWorkerFailed(quint64 tag, const QString& error);
    void onDelta(quint64 tag, const QString& thinking, const QString& answer);
    void onThinkingFinished(quint64 tag, double seconds, qint64 tokens);
    void onStats(quint64 tag, const rwb::app::StreamStats& stats);
    void onFinished(quint64 tag, const rwb::app::GenerationOutcome& outcome);
    void advance(PendingTurn& turn);
    void fail(PendingTurn& turn, const QString& error);
    void endTurn(quint64 tag);
    RemoteTurn* remoteTurn(quint64 tag);
    void startRemote(PendingTurn& turn);

    QPointer<rwb::storage::StorageWorker> m_storage;
    GenerationSettings m_settings;
    std::map<qint64, std::unique_ptr<InferenceThread>> m_workers; // by conversation
    std::map<quint64, std::unique_ptr<PendingTurn>> m_turns;      // by tag
    std::map<quint64, std::unique_ptr<RemoteTurn>> m_remote;      // by tag: remote turns
    std::map<qint64, quint64> m_workerUse; // conversation -> last use (m_useClock)
    quint64 m_useClock = 0;
    quint64 m_lastRequest = 0;
    std::map<QString, qint64> m_modelIds; // model path -> its id in the storage catalogue
};

} // namespace rwb::app
