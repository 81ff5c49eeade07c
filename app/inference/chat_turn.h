// PendingTurn: the state of one ChatController turn while it is in flight (private to the
// controller). A turn waits for two things in parallel (the conversation from storage and the
// model from its worker), then stores the user prompt (send/edit), then the assistant message
// (state streaming), then generates, then stores the final text and figures.
#pragma once

#include "inference/generation_settings.h"
#include "inference/stream_types.h"
#include "records.h"

#include <QString>
#include <QVector>

namespace rwb::app {

struct PendingTurn {
    enum class Kind { Send, Regenerate, Edit };
    enum class Step {
        Loading,         // conversation + model
        AddingUser,      // addMessage(user) sent
        AddingAssistant, // beginStreaming(assistant) sent
        Generating,      // the worker runs
        Finishing,       // finishStreaming sent
    };

    Kind kind = Kind::Send;
    Step step = Step::Loading;
    quint64 tag = 0;            // the worker's tag for this turn
    quint64 storageRequest = 0; // the storage request this turn waits for (0: none)
    qint64 conversationId = 0;
    qint64 targetMessageId = 0; // regenerate: the old reply; edit: the old prompt
    QString text;               // send/edit: the prompt
    GenerationSettings settings;

    bool conversationLoaded = false;
    bool modelReady = false;
    bool stopRequested = false;
    QString systemPrompt;
    QVector<rwb::storage::Message> history; // what the model continues (ends with the prompt)
    qint64 parentOfNew = 0;                 // parent of the first message this turn stores
    QString modelName;
    QString modelPath;    // the loaded file, as the worker resolved it
    QString quantization; // the model's main weight type, for provenance
    QString backend;      // where the model runs ("cpu", "cuda", "cuda+cpu"), for provenance
    rwb::storage::Message assistant; // as stored by beginStreaming
    StreamStats lastStats;
    QString error; // a generation error, reported when the final save is done
};

} // namespace rwb::app
