// InferenceWorker: runs one chat session's generations on its own thread (see InferenceThread).
// It loads the model through the shared ModelCache, keeps one rwb::Session (so a conversation
// that continues reuses its cached prompt prefix), renders the prompt with the R1 template,
// runs Session::generate, splits thinking from answer with the engine's splitter and sends the
// text out in batches (DeltaBatcher: at most ~30 per second). All results are signals, delivered
// queued to the receiver's thread; cancel() is the only call meant for other threads.
#pragma once

#include "inference/stream_types.h"

#include "rwb/model.h"
#include "rwb/session.h"

#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>
#include <mutex>

namespace rwb::app {

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    explicit InferenceWorker(QObject* parent = nullptr);
    ~InferenceWorker() override;

    // Thread-safe, from any thread: the running generation stops at the next token (or layer
    // during prefill) and ends Interrupted; a generate() queued after it starts cancelled, until
    // clearCancel(). The caller clears before queueing a new request, so a stop() that races with
    // the queued request is never lost.
    void cancel();
    void clearCancel() {
        m_cancelled.store(false);
        m_wrapUp.store(false);
    }
    // Thread-safe: close the running thought now ("</think>" is fed after the last token) and
    // let the model answer. No effect once the answer has started. Cleared by clearCancel().
    void wrapUp() { m_wrapUp.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }

    // How the engine loads the model of `settings` (backend, GPU layers, planned context): the
    // ModelCache key, so other users of the cache get the same loaded model.
    static rwb::ModelOptions modelOptionsFor(const GenerationSettings& settings);

public slots:
    // Loads the model of `settings` (if not loaded already) and makes a session for it.
    // Answers modelReady or failed.
    void prepare(quint64 tag, rwb::app::GenerationSettings settings);
    // prepare() + one generation. Emits delta/thinkingFinished/statsUpdated while it runs and
    // always ends with exactly one finished(); an error also emits failed() just before.
    void generate(rwb::app::GenerationRequest request);

signals:
    void modelLoading(quint64 tag, const QString& path); // a load from disk starts
    // quantization: main weight type, e.g. "q4_K"; backend: "cpu", "cuda" or "cuda+cpu".
    void modelReady(quint64 tag, const QString& path, const QString& modelName,
                    const QString& quantization, const QString& backend);
    // GPU upload progress of a load, 0..100 (a CPU load memory-maps the file and sends none).
    void modelLoadProgress(quint64 tag, int percent);
    // One line when the requested GPU backend could not be used and the model runs on the CPU.
    void backendNotice(quint64 tag, const QString& notice);
    void delta(quint64 tag, const QString& thinking, const QString& answer);
    void thinkingFinished(quint64 tag, double seconds, qint64 thoughtTokens);
    // The live thought repeats itself (ThoughtLoopDetector); sent once per generation. With
    // settings.autoWrapUp the thought is then wrapped up at once.
    void thoughtLooping(quint64 tag);
    void statsUpdated(quint64 tag, const rwb::app::StreamStats& stats);
    void finished(quint64 tag, const rwb::app::GenerationOutcome& outcome);
    void failed(quint64 tag, const QString& error); // one line for the user

private:
    bool ensureSession(quint64 tag, const GenerationSettings& settings, QString* error);

    std::shared_ptr<const rwb::Model> m_model;
    QString m_modelPath;
    rwb::TokenId m_thinkClose = -1; // "</think>" in the model's vocabulary
    Backend m_modelBackend = Backend::Cpu;
    int m_modelGpuLayers = -1;
    std::unique_ptr<rwb::Session> m_session;
    int m_sessionContext = 0;
    int m_sessionThreads = -1;

    std::mutex m_sessionMutex;            // guards m_session against cancel() from other threads
    std::atomic<bool> m_cancelled{false}; // set by cancel(), cleared by clearCancel()
    std::atomic<bool> m_wrapUp{false};    // set by wrapUp(), cleared by clearCancel()
};

// The worker on its own QThread. Destruction cancels what runs and joins the thread.
class InferenceThread {
public:
    InferenceThread();
    ~InferenceThread();
    InferenceThread(const InferenceThread&) = delete;
    InferenceThread& operator=(const InferenceThread&) = delete;
    InferenceWorker* worker() const { return m_worker; }

private:
    QThread m_thread;
    InferenceWorker* m_worker;
};

} // namespace rwb::app
