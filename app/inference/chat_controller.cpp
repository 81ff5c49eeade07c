// ChatController: the public calls and the inference worker's side of a turn. The storage side is
// in chat_controller_storage.cpp.
#include "inference/chat_controller.h"

#include "inference/chat_turn.h"
#include "inference/inference_worker.h"
#include "inference/remote_turn.h"
#include "storage_worker.h"

#include <random>

namespace rwb::app {

ChatController::ChatController(rwb::storage::StorageWorker* storage, QObject* parent)
    : QObject(parent), m_storage(storage) {
    registerInferenceMetaTypes();
    rwb::storage::registerStorageMetaTypes();
    connectStorage();
}

ChatController::~ChatController() {
    m_remote.clear(); // closes their streams
    for (auto& [id, thread] : m_workers) thread->worker()->cancel();
    m_workers.clear(); // joins the threads (each stops within a token)
    m_turns.clear();
}

void ChatController::setSettings(const GenerationSettings& settings) {
    m_settings = settings;
}

bool ChatController::isBusy(qint64 conversationId) const {
    for (const auto& [tag, turn] : m_turns)
        if (turn->conversationId == conversationId) return true;
    return false;
}

bool ChatController::isAnyBusy() const {
    return !m_turns.empty();
}

bool ChatController::send(qint64 conversationId, const QString& text) {
    auto turn = std::make_unique<PendingTurn>();
    turn->kind = PendingTurn::Kind::Send;
    turn->conversationId = conversationId;
    turn->text = text;
    if (text.trimmed().isEmpty()) {
        emit generationFailed(conversationId, 0, tr("The message is empty"));
        return false;
    }
    return startTurn(std::move(turn));
}

bool ChatController::regenerate(qint64 conversationId, qint64 assistantMessageId) {
    auto turn = std::make_unique<PendingTurn>();
    turn->kind = PendingTurn::Kind::Regenerate;
    turn->conversationId = conversationId;
    turn->targetMessageId = assistantMessageId;
    return startTurn(std::move(turn));
}

bool ChatController::editAndResend(qint64 conversationId, qint64 userMessageId,
                                   const QString& newText) {
    auto turn = std::make_unique<PendingTurn>();
    turn->kind = PendingTurn::Kind::Edit;
    turn->conversationId = conversationId;
    turn->targetMessageId = userMessageId;
    turn->text = newText;
    if (newText.trimmed().isEmpty()) {
        emit generationFailed(conversationId, 0, tr("The message is empty"));
        return false;
    }
    return startTurn(std::move(turn));
}

bool ChatController::startTurn(std::unique_ptr<PendingTurn> turn) {
    const qint64 conversationId = turn->conversationId;
    if (!m_storage) {
        emit generationFailed(conversationId, 0, tr("The history database is not available"));
        return false;
    }
    if (conversationId <= 0) {
        emit generationFailed(conversationId, 0, tr("No conversation is selected"));
        return false;
    }
    if (isBusy(conversationId)) {
        emit generationFailed(conversationId, 0,
                              tr("A reply is already being written in this conversation"));
        return false;
    }
    turn->settings = m_settings;
    if (turn->settings.seed < 0) { // a fixed seed per turn, stored so the reply can be redone
        std::random_device rd;
        turn->settings.seed = qint64(((quint64(rd()) << 32) ^ rd()) >> 1);
    }
    turn->tag = nextRequestId();
    turn->storageRequest = nextRequestId();
    if (RemoteTurn::isRemoteModel(turn->settings.modelPath)) {
        startRemote(*turn);
        PendingTurn& t = *turn;
        m_turns[t.tag] = std::move(turn);
        emit busyChanged(conversationId, true);
        QMetaObject::invokeMethod(
            m_storage, [storage = m_storage, request = t.storageRequest, conversationId] {
                storage->loadConversation(request, conversationId);
            });
        m_remote[t.tag]->prepare();
        return true;
    }
    InferenceThread& thread = workerFor(conversationId);
    thread.worker()->clearCancel();

    PendingTurn& t = *turn;
    m_turns[t.tag] = std::move(turn);
    emit busyChanged(conversationId, true);
    const quint64 request = t.storageRequest;
    QMetaObject::invokeMethod(m_storage, [storage = m_storage, request, conversationId] {
        storage->loadConversation(request, conversationId);
    });
    InferenceWorker* worker = thread.worker();
    QMetaObject::invokeMethod(
        worker, [worker, tag = t.tag, settings = t.settings] { worker->prepare(tag, settings); });
    return true;
}

void ChatController::stop(qint64 conversationId) {
    std::vector<quint64> endNow;
    for (auto& [tag, turn] : m_turns) {
        if (conversationId != 0 && turn->conversationId != conversationId) continue;
        turn->stopRequested = true;
        if (RemoteTurn* remote = remoteTurn(tag)) remote->cancel();
        auto it = m_workers.find(turn->conversationId);
        if (it != m_workers.end()) it->second->worker()->cancel();
        if (turn->step == PendingTurn::Step::Loading) endNow.push_back(tag); // nothing written
    }
    for (quint64 tag : endNow) endTurn(tag);
}

void ChatController::wrapUp(qint64 conversationId) {
    auto it = m_workers.find(conversationId);
    if (it != m_workers.end() && isBusy(conversationId)) it->second->worker()->wrapUp();
}

void ChatController::preloadModel(qint64 conversationId) {
    if (RemoteTurn::isRemoteModel(m_settings.modelPath)) return; // nothing to load here
    InferenceWorker* worker = workerFor(conversationId).worker();
    QMetaObject::invokeMethod(worker, [worker, tag = nextRequestId(), settings = m_settings] {
        worker->prepare(tag, settings);
    });
}

void ChatController::releaseConversation(qint64 conversationId) {
    stop(conversationId);
    std::vector<quint64> tags;
    for (auto& [tag, turn] : m_turns)
        if (turn->conversationId == conversationId) tags.push_back(tag);
    for (quint64 tag : tags) endTurn(tag);
    m_workers.erase(conversationId);
    m_workerUse.erase(conversationId);
}

InferenceThread& ChatController::workerFor(qint64 conversationId) {
    m_workerUse[conversationId] = ++m_useClock;
    auto& slot = m_workers[conversationId];
    if (!slot) {
        slot = std::make_unique<InferenceThread>();
        connectWorker(conversationId, *slot);
        releaseIdleWorkers(conversationId);
    }
    return *m_workers[conversationId];
}

void ChatController::releaseIdleWorkers(qint64 keep) {
    for (;;) {
        qint64 oldest = 0;
        quint64 oldestUse = ~quint64(0);
        int idle = 0;
        for (const auto& [id, thread] : m_workers) {
            if (id == keep || isBusy(id)) continue;
            ++idle;
            if (m_workerUse[id] < oldestUse) oldestUse = m_workerUse[id], oldest = id;
        }
        if (idle < kMaxIdleWorkers) return; // plus `keep`, about to be used
        m_workers.erase(oldest);            // idle: its thread joins at once
        m_workerUse.erase(oldest);
    }
}

PendingTurn* ChatController::turnByTag(quint64 tag) {
    auto it = m_turns.find(tag);
    return it == m_turns.end() ? nullptr : it->second.get();
}

PendingTurn* ChatController::turnByRequest(quint64 requestId) {
    if (requestId == 0) return nullptr;
    for (auto& [tag, turn] : m_turns)
        if (turn->storageRequest == requestId) return turn.get();
    return nullptr;
}

void ChatController::connectWorker(qint64 conversationId, InferenceThread& thread) {
    InferenceWorker* w = thread.worker();
    connect(w, &InferenceWorker::modelLoading, this,
            [this, conversationId](quint64, const QString& path) {
                emit modelLoading(conversationId, path);
                emit modelLoadProgress(conversationId, -1);
            });
    connect(w, &InferenceWorker::modelReady, this,
            [this, conversationId](quint64 tag, const QString& path, const QString& name,
                                   const QString& quantization, const QString& backend) {
                emit modelLoadProgress(conversationId, 100);
                emit modelReady(conversationId, path, name);
                if (PendingTurn* turn = turnByTag(tag)) turn->modelPath = path; // for the catalogue
                onModelReady(tag, name, quantization, backend);
            });
    connect(w, &InferenceWorker::modelLoadProgress, this,
            [this, conversationId](quint64, int percent) {
                emit modelLoadProgress(conversationId, percent);
            });
    connect(w, &InferenceWorker::backendNotice, this,
            [this, conversationId](quint64, const QString& notice) {
                emit backendNotice(conversationId, notice);
            });
    connect(w, &InferenceWorker::failed, this, &ChatController::onWorkerFailed);
    connect(w, &InferenceWorker::delta, this, &ChatController::onDelta);
    connect(w, &InferenceWorker::thinkingFinished, this, &ChatController::onThinkingFinished);
    connect(w, &InferenceWorker::statsUpdated, this, &ChatController::onStats);
    connect(w, &InferenceWorker::thoughtLooping, this, [this](quint64 tag) {
        PendingTurn* turn = turnByTag(tag);
        if (turn && turn->step == PendingTurn::Step::Generating)
            emit thoughtLooping(turn->conversationId, turn->assistant.id);
    });
    connect(w, &InferenceWorker::finished, this, &ChatController::onFinished);
}

void ChatController::onModelReady(quint64 tag, const QString& modelName,
                                  const QString& quantization, const QString& backend) {
    PendingTurn* turn = turnByTag(tag);
    if (!turn || turn->step != PendingTurn::Step::Loading) return;
    turn->modelReady = true;
    turn->modelName = modelName;
    turn->quantization = quantization;
    turn->backend = backend;
    advance(*turn);
}

void ChatController::onWorkerFailed(quint64 tag, const QString& error) {
    PendingTurn* turn = turnByTag(tag);
    if (!turn) return;
    if (turn->step == PendingTurn::Step::Loading) return fail(*turn, error); // nothing written
    turn->error = error; // finished() follows and saves the message as an error
}

void ChatController::onDelta(quint64 tag, const QString& thinking, const QString& answer) {
    PendingTurn* turn = turnByTag(tag);
    if (!turn || turn->step != PendingTurn::Step::Generating) return;
    const qint64 conv = turn->conversationId, id = turn->assistant.id;
    auto* storage = m_storage.data();
    if (!thinking.isEmpty()) {
        emit thinkingDelta(conv, id, thinking);
        if (storage)
            QMetaObject::invokeMethod(storage, [storage, id, thinking] {
                storage->appendStreaming(id, int(rwb::storage::StreamPhase::Thinking), thinking);
            });
    }
    if (!answer.isEmpty()) {
        emit answerDelta(conv, id, answer);
        if (storage)
            QMetaObject::invokeMethod(storage, [storage, id, answer] {
                storage->appendStreaming(id, int(rwb::storage::StreamPhase::Answering), answer);
            });
    }
}

void ChatController::onThinkingFinished(quint64 tag, double seconds, qint64 tokens) {
    PendingTurn* turn = turnByTag(tag);
    if (!turn || turn->step != PendingTurn::Step::Generating) return;
    emit thinkingFinished(turn->conversationId, turn->assistant.id, seconds, tokens);
}

void ChatController::onStats(quint64 tag, const StreamStats& stats) {
    PendingTurn* turn = turnByTag(tag);
    if (!turn || turn->step != PendingTurn::Step::Generating) return;
    turn->lastStats = stats;
    emit statsUpdated(turn->conversationId, turn->assistant.id, stats);
}

void ChatController::onFinished(quint64 tag, const GenerationOutcome& outcome) {
    PendingTurn* turn = turnByTag(tag);
    if (!turn || turn->step != PendingTurn::Step::Generating) return;
    rwb::storage::MessageOutcome o;
    switch (outcome.end) {
    case GenerationEnd::Complete:
        o.state = rwb::storage::MessageState::Complete;
        break;
    case GenerationEnd::Interrupted:
        o.state = rwb::storage::MessageState::Interrupted;
        break;
    case GenerationEnd::Failed:
        o.state = rwb::storage::MessageState::Error;
        turn->error = outcome.error;
        break;
    }
    const StreamStats& s = outcome.stats;
    turn->lastStats = s;
    o.promptTokens = s.promptTokens;
    o.thinkingTokens = s.thinkingTokens;
    o.answerTokens = s.answerTokens;
    o.timeToFirstTokenMs = s.timeToFirstTokenMs;
    o.thinkingSeconds = s.thinkingSeconds;
    o.tokensPerSecond = s.tokensPerSecond;
    o.finishReason = outcome.finishReason;
    o.errorText = outcome.error;
    turn->step = PendingTurn::Step::Finishing;
    turn->storageRequest = nextRequestId();
    auto* storage = m_storage.data();
    if (!storage) return endTurn(tag);
    QMetaObject::invokeMethod(storage,
                              [storage, request = turn->storageRequest, id = turn->assistant.id,
                               o] { storage->finishStreaming(request, id, o); });
}

void ChatController::fail(PendingTurn& turn, const QString& error) {
    const qint64 messageId = turn.step >= PendingTurn::Step::Generating ? turn.assistant.id : 0;
    const qint64 conversationId = turn.conversationId;
    const QString line = error.section(QLatin1Char('\n'), 0, 0);
    endTurn(turn.tag);
    emit generationFailed(conversationId, messageId, line);
}

void ChatController::endTurn(quint64 tag) {
    auto it = m_turns.find(tag);
    if (it == m_turns.end()) return;
    const qint64 conversationId = it->second->conversationId;
    m_turns.erase(it);
    if (auto r = m_remote.find(tag); r != m_remote.end()) {
        // Possibly inside one of its own signals: delete it once that returns.
        r->second.release()->deleteLater();
        m_remote.erase(r);
    }
    if (!isBusy(conversationId)) emit busyChanged(conversationId, false);
}

RemoteTurn* ChatController::remoteTurn(quint64 tag) {
    auto it = m_remote.find(tag);
    return it == m_remote.end() ? nullptr : it->second.get();
}

void ChatController::startRemote(PendingTurn& turn) {
    auto remote = std::make_unique<RemoteTurn>(turn.tag, turn.settings.modelPath);
    RemoteTurn* r = remote.get();
    const qint64 conversationId = turn.conversationId;
    connect(r, &RemoteTurn::modelReady, this,
            [this, conversationId](quint64 tag, const QString& name, const QString& quantization,
                                   const QString& backend) {
                emit modelReady(conversationId, QString(), name);
                // As onModelReady, without a file: no model catalogue entry for a remote one.
                PendingTurn* t = turnByTag(tag);
                if (!t || t->step != PendingTurn::Step::Loading) return;
                t->modelReady = true;
                t->modelName = name;
                t->quantization = quantization;
                t->backend = backend;
                advance(*t);
            });
    connect(r, &RemoteTurn::failed, this, &ChatController::onWorkerFailed);
    connect(r, &RemoteTurn::delta, this, &ChatController::onDelta);
    connect(r, &RemoteTurn::thinkingFinished, this, &ChatController::onThinkingFinished);
    connect(r, &RemoteTurn::statsUpdated, this, &ChatController::onStats);
    connect(r, &RemoteTurn::finished, this, &ChatController::onFinished);
    m_remote[turn.tag] = std::move(remote);
}

} // namespace rwb::app
