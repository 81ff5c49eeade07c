// Value types that travel between the InferenceWorker (its own thread), the ChatController (UI
// thread) and the widgets through queued signals. Registered with registerInferenceMetaTypes().
#pragma once

#include "inference/generation_settings.h"
#include "records.h" // rwb::storage::Message

#include <QMetaType>
#include <QString>
#include <QVector>

namespace rwb::app {

// Live and final figures of one assistant reply: what the stats line under an answer shows.
struct StreamStats {
    QString modelName; // general.name of the GGUF, else its file name
    QString modelPath;
    qint64 promptTokens = 0;
    qint64 reusedPromptTokens = 0; // prompt tokens taken from the session's cache
    qint64 thinkingTokens = 0;
    qint64 answerTokens = 0;
    double timeToFirstTokenMs = 0; // from the start of the request (prefill included)
    double thinkingSeconds = 0;    // first token to "</think>" (0 while no thought ended)
    double tokensPerSecond = 0;    // generated tokens / seconds since the first token
    bool thinking = false;         // the model is still in its thought
    // Measured memory (local models; 0 for remote ones), sampled on the worker's thread a few
    // times a second and at the end: the largest weights + session seen in this generation and
    // its two parts at that moment. Weights: the model file's pages in RAM plus the engine's
    // float copies (shared by every session on the model); session: the KV cache pages written
    // plus the buffers. vramBytes: the model's weights and buffers on the GPU, if any.
    quint64 peakMemoryBytes = 0;
    quint64 peakWeightsBytes = 0;
    quint64 peakSessionBytes = 0;
    quint64 vramBytes = 0;
};

// What the worker is asked to do: continue `history` (the visible path, ending with the user
// prompt) as a new assistant turn. `tag` is the caller's, echoed in every signal.
struct GenerationRequest {
    quint64 tag = 0;
    QVector<rwb::storage::Message> history;
    QString systemPrompt; // empty: none
    GenerationSettings settings;
};

// How a generation ended.
enum class GenerationEnd {
    Complete,    // end of generation token, max tokens or a full context
    Interrupted, // stop() / cancel(): the text so far is kept
    Failed,      // an error; `error` says it in one line
};

struct GenerationOutcome {
    GenerationEnd end = GenerationEnd::Complete;
    QString finishReason; // engine's stop reason: "eog", "max_tokens", "context_full",
                          // "cancelled", or "error"
    QString error;        // one line, for Failed
    QString answer;       // the full texts (equal to the concatenated deltas)
    QString reasoning;
    StreamStats stats;
    quint64 seed = 0;              // the seed actually used
    QString quantization;          // the model's main weight type, e.g. "q4_K"
    bool forcedThinkClose = false; // the thinking budget closed the thought
};

void registerInferenceMetaTypes();

} // namespace rwb::app

Q_DECLARE_METATYPE(rwb::app::StreamStats)
Q_DECLARE_METATYPE(rwb::app::GenerationRequest)
Q_DECLARE_METATYPE(rwb::app::GenerationOutcome)
