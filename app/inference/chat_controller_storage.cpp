// ChatController: the storage side of a turn (conversation loaded, messages stored, final save).
#include "inference/chat_controller.h"

#include "inference/chat_turn.h"
#include "inference/inference_worker.h"
#include "inference/remote_turn.h"
#include "rwb/chat.h"
#include "rwb/version.h"
#include "storage_worker.h"

#include <QFileInfo>

namespace rwb::app {

using rwb::storage::Message;
using rwb::storage::MessageRole;
using rwb::storage::MessageState;

void ChatController::connectStorage() {
    if (!m_storage) return;
    connect(m_storage, &rwb::storage::StorageWorker::conversationLoaded, this,
            &ChatController::onConversationLoaded);
    connect(m_storage, &rwb::storage::StorageWorker::messageAdded, this,
            &ChatController::onMessageAdded);
    connect(m_storage, &rwb::storage::StorageWorker::failed, this,
            &ChatController::onStorageFailed);
}

void ChatController::onConversationLoaded(quint64 requestId,
                                          const rwb::storage::Conversation& conversation,
                                          const QVector<Message>& path) {
    PendingTurn* turn = turnByRequest(requestId);
    if (!turn || turn->step != PendingTurn::Step::Loading) return;
    turn->storageRequest = 0;
    turn->systemPrompt = !conversation.systemPrompt.isEmpty() ? conversation.systemPrompt
                                                              : turn->settings.systemPrompt;
    const auto indexOf = [&](qint64 id, MessageRole role) {
        for (int i = 0; i < path.size(); ++i)
            if (path[i].id == id && path[i].role == role) return i;
        return -1;
    };
    switch (turn->kind) {
    case PendingTurn::Kind::Send:
        turn->history = path;
        turn->parentOfNew = path.isEmpty() ? 0 : path.last().id;
        break;
    case PendingTurn::Kind::Regenerate: {
        const int i = indexOf(turn->targetMessageId, MessageRole::Assistant);
        if (i < 0)
            return fail(*turn, tr("Message %1 is not a reply on this conversation's current branch")
                                   .arg(turn->targetMessageId));
        turn->history = path.mid(0, i);
        turn->parentOfNew = path[i].parentId;
        break;
    }
    case PendingTurn::Kind::Edit: {
        const int i = indexOf(turn->targetMessageId, MessageRole::User);
        if (i < 0)
            return fail(*turn,
                        tr("Message %1 is not a prompt on this conversation's current branch")
                            .arg(turn->targetMessageId));
        turn->history = path.mid(0, i);
        turn->parentOfNew = path[i].parentId;
        break;
    }
    }
    if (turn->kind == PendingTurn::Kind::Regenerate &&
        (turn->history.isEmpty() || turn->history.last().role != MessageRole::User))
        return fail(*turn, tr("There is no prompt to answer again"));
    turn->conversationLoaded = true;
    advance(*turn);
}

void ChatController::advance(PendingTurn& turn) {
    if (turn.step != PendingTurn::Step::Loading || !turn.conversationLoaded || !turn.modelReady)
        return;
    if (turn.stopRequested) return endTurn(turn.tag);
    auto* storage = m_storage.data();
    if (!storage) return fail(turn, tr("The history database is not available"));
    turn.storageRequest = nextRequestId();
    if (turn.kind == PendingTurn::Kind::Regenerate) {
        turn.step = PendingTurn::Step::AddingAssistant;
        Message m;
        m.conversationId = turn.conversationId;
        m.parentId = turn.parentOfNew;
        m.role = MessageRole::Assistant;
        m.provenance.quantization = turn.quantization;
        m.provenance.chatTemplateVersion = QString::fromUtf8(rwb::kR1ChatTemplateVersion);
        m.provenance.sampling = turn.settings.samplingJson();
        m.provenance.seed = turn.settings.seed;
        if (turn.settings.thinkingBudget > 0)
            m.provenance.thinkingBudget = turn.settings.thinkingBudget;
        m.provenance.engineVersion = QString::fromUtf8(rwb::version_string());
        m.provenance.backend = turn.backend;
        // The model goes into the catalogue once (the first reply from it); its id then goes
        // with every reply, so a reopened conversation can name the model of each.
        rwb::storage::ModelRecord model;
        if (auto it = m_modelIds.find(turn.modelPath); it != m_modelIds.end())
            m.modelId = it->second;
        else if (!turn.modelPath.isEmpty()) {
            const QFileInfo file(turn.modelPath);
            model.path = file.absoluteFilePath();
            model.name = !turn.modelName.isEmpty() ? turn.modelName : file.completeBaseName();
            model.quantization = turn.quantization;
            model.sizeBytes = file.size();
        }
        // A request id no turn waits for: a catalogue failure leaves the reply without a model.
        QMetaObject::invokeMethod(storage, [storage, request = turn.storageRequest,
                                            modelRequest = nextRequestId(), m, model]() mutable {
            if (!model.path.isEmpty()) m.modelId = storage->registerModel(modelRequest, model);
            storage->beginStreaming(request, m);
        });
        return;
    }
    turn.step = PendingTurn::Step::AddingUser;
    Message m;
    m.conversationId = turn.conversationId;
    m.parentId = turn.parentOfNew;
    m.role = MessageRole::User;
    m.answer = turn.text;
    QMetaObject::invokeMethod(
        storage, [storage, request = turn.storageRequest, m] { storage->addMessage(request, m); });
}

void ChatController::onMessageAdded(quint64 requestId, const Message& message) {
    PendingTurn* turn = turnByRequest(requestId);
    if (!turn) return;
    turn->storageRequest = 0;
    auto* storage = m_storage.data();
    switch (turn->step) {
    case PendingTurn::Step::AddingUser: {
        emit messageCreated(message);
        turn->history.append(message);
        if (turn->stopRequested || !storage) return endTurn(turn->tag);
        turn->parentOfNew = message.id;
        // The reply hangs under the new prompt: reuse the regenerate path of advance().
        turn->kind = PendingTurn::Kind::Regenerate;
        turn->step = PendingTurn::Step::Loading;
        return advance(*turn);
    }
    case PendingTurn::Step::AddingAssistant: {
        turn->assistant = message;
        if (message.modelId > 0) m_modelIds[turn->modelPath] = message.modelId;
        emit messageCreated(message);
        turn->step = PendingTurn::Step::Generating;
        if (RemoteTurn* remote = remoteTurn(turn->tag)) {
            GenerationRequest request{turn->tag, turn->history, turn->systemPrompt, turn->settings};
            if (turn->stopRequested) { // stopped while the messages were stored
                GenerationOutcome outcome;
                outcome.end = GenerationEnd::Interrupted;
                outcome.finishReason = QStringLiteral("cancelled");
                return onFinished(turn->tag, outcome);
            }
            return remote->generate(request);
        }
        auto it = m_workers.find(turn->conversationId);
        if (it == m_workers.end()) return fail(*turn, tr("The conversation was closed"));
        GenerationRequest request;
        request.tag = turn->tag;
        request.history = turn->history;
        request.systemPrompt = turn->systemPrompt;
        request.settings = turn->settings;
        InferenceWorker* worker = it->second->worker();
        // A stop() pressed meanwhile has cancelled the worker already: it ends at once.
        QMetaObject::invokeMethod(worker, [worker, request] { worker->generate(request); });
        return;
    }
    case PendingTurn::Step::Finishing: {
        const QString error = turn->error;
        const qint64 conversationId = turn->conversationId;
        endTurn(turn->tag);
        if (message.state == MessageState::Interrupted)
            emit generationInterrupted(message);
        else if (message.state == MessageState::Error)
            emit generationFailed(conversationId, message.id,
                                  error.isEmpty() ? message.errorText : error);
        else
            emit generationFinished(message);
        return;
    }
    case PendingTurn::Step::Loading:
    case PendingTurn::Step::Generating:
        return;
    }
}

void ChatController::onStorageFailed(quint64 requestId, const QString& error) {
    PendingTurn* turn = turnByRequest(requestId);
    if (!turn) return;
    QString line = error;
    if (line.isEmpty() && turn->step == PendingTurn::Step::Loading)
        line = tr("Conversation %1 was not found").arg(turn->conversationId);
    if (line.isEmpty()) line = tr("Saving the message failed");
    fail(*turn, line);
}

} // namespace rwb::app
