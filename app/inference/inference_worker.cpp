// InferenceWorker and InferenceThread; see inference_worker.h.
#include "inference/inference_worker.h"

#include "inference/delta_batcher.h"
#include "inference/loop_detector.h"
#include "inference/model_cache.h"
#include "inference/prompt_builder.h"
#include "models/model_locator.h"
#include "rwb/chat.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <random>

namespace rwb::app {

namespace {

QString finishReasonName(rwb::StopReason stop) {
    switch (stop) {
    case rwb::StopReason::EndOfGeneration:
        return QStringLiteral("eog");
    case rwb::StopReason::MaxTokens:
        return QStringLiteral("max_tokens");
    case rwb::StopReason::ContextFull:
        return QStringLiteral("context_full");
    case rwb::StopReason::Callback:
    case rwb::StopReason::Cancelled:
        break;
    }
    return QStringLiteral("cancelled");
}

QString modelDisplayName(const rwb::Model& model) {
    const auto& info = model.info();
    if (!info.name.empty()) return QString::fromStdString(info.name);
    return QFileInfo(QString::fromStdString(info.path)).completeBaseName();
}

quint64 freshSeed() {
    std::random_device rd;
    return (quint64(rd()) << 32) ^ quint64(rd());
}

} // namespace

InferenceWorker::InferenceWorker(QObject* parent) : QObject(parent) {
    registerInferenceMetaTypes();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::cancel() {
    m_cancelled.store(true);
    std::lock_guard lock(m_sessionMutex);
    if (m_session) m_session->cancel();
}

rwb::ModelOptions InferenceWorker::modelOptionsFor(const GenerationSettings& settings) {
    rwb::ModelOptions options;
    options.backend = settings.backend == Backend::Cpu    ? rwb::Backend::Cpu
                      : settings.backend == Backend::Cuda ? rwb::Backend::Cuda
                                                          : rwb::Backend::Auto;
    options.gpu_layers = settings.gpuLayers;
    options.plan_n_ctx = settings.contextLength;
    return options;
}

bool InferenceWorker::ensureSession(quint64 tag, const GenerationSettings& settings,
                                    QString* error) {
    if (const QString bad = settings.validate(); !bad.isEmpty()) {
        *error = bad;
        return false;
    }
    const QString path = ModelLocator::resolve(settings, error);
    if (path.isEmpty()) return false;

    if (!m_model || path != m_modelPath || settings.backend != m_modelBackend ||
        settings.gpuLayers != m_modelGpuLayers) {
        emit modelLoading(tag, path);
        rwb::ModelOptions options = modelOptionsFor(settings);
        options.on_progress = [this, tag](double done) {
            emit modelLoadProgress(tag, int(done * 100));
            return true;
        };
        auto loaded = ModelCache::instance().acquire(path.toStdString(), options);
        if (!loaded) {
            *error = QStringLiteral("Cannot load the model: %1")
                         .arg(QString::fromStdString(loaded.message()));
            return false;
        }
        if (!(*loaded)->tokenizer()) {
            *error = QStringLiteral("The model has no usable tokenizer: %1")
                         .arg(QString::fromStdString((*loaded)->tokenizer_status().message()));
            return false;
        }
        auto special = rwb::find_r1_special_tokens(*(*loaded)->tokenizer());
        if (!special) {
            *error = QStringLiteral("Not an R1 chat model (%1)")
                         .arg(QString::fromStdString(special.message()));
            return false;
        }
        m_thinkClose = special->think_close;
        std::lock_guard lock(m_sessionMutex);
        m_session.reset(); // it holds the old model
        m_model = *loaded;
        m_modelPath = path;
        m_modelBackend = settings.backend;
        m_modelGpuLayers = settings.gpuLayers;
        if (!m_model->backend_notice().empty())
            emit backendNotice(tag, QString::fromStdString(m_model->backend_notice()));
    }
    const int ctx = int(std::min<int64_t>(settings.contextLength, m_model->info().n_ctx_train));
    if (!m_session || ctx != m_sessionContext || settings.threads != m_sessionThreads) {
        rwb::SessionOptions options;
        options.n_ctx = ctx;
        options.n_threads = settings.threads;
        auto session = rwb::Session::create(m_model, options);
        if (!session) {
            *error = QStringLiteral("Cannot start a session: %1")
                         .arg(QString::fromStdString(session.message()));
            return false;
        }
        std::lock_guard lock(m_sessionMutex);
        m_session = std::move(*session);
        m_sessionContext = ctx;
        m_sessionThreads = settings.threads;
    }
    return true;
}

void InferenceWorker::prepare(quint64 tag, GenerationSettings settings) {
    QString error;
    if (!ensureSession(tag, settings, &error)) return emit failed(tag, error);
    emit modelReady(tag, m_modelPath, modelDisplayName(*m_model),
                    QString::fromStdString(m_model->info().file_type),
                    QString::fromStdString(m_model->info().backend));
}

void InferenceWorker::generate(GenerationRequest request) {
    QElapsedTimer clock;
    clock.start();
    GenerationOutcome outcome;
    const auto fail = [&](const QString& error) {
        outcome.end = GenerationEnd::Failed;
        outcome.finishReason = QStringLiteral("error");
        outcome.error = error;
        emit failed(request.tag, error);
        emit finished(request.tag, outcome);
    };

    QString error;
    if (!ensureSession(request.tag, request.settings, &error)) return fail(error);
    outcome.stats.modelName = modelDisplayName(*m_model);
    outcome.stats.modelPath = m_modelPath;
    outcome.quantization = QString::fromStdString(m_model->info().file_type);

    const auto messages = chatMessagesFor(request.history, request.systemPrompt);
    auto prompt = rwb::tokenize_r1_chat(*m_model->tokenizer(), messages);
    if (!prompt) return fail(QString::fromStdString(prompt.message()));
    if (qint64(prompt->size()) >= m_session->n_ctx())
        return fail(QStringLiteral("The conversation (%1 tokens) does not fit the context of %2 "
                                   "tokens: start a new conversation or raise the context length")
                        .arg(prompt->size())
                        .arg(m_session->n_ctx()));

    rwb::GenerationParams params;
    params.sampler.temperature = float(request.settings.temperature);
    params.sampler.top_p = float(request.settings.topP);
    params.sampler.top_k = request.settings.topK;
    outcome.seed = request.settings.seed >= 0 ? quint64(request.settings.seed) : freshSeed();
    params.sampler.seed = outcome.seed;
    params.max_tokens = request.settings.maxTokens > 0 ? request.settings.maxTokens : -1;
    params.thinking_budget = request.settings.thinkingBudget;
    params.start_in_thought = true;

    StreamStats& stats = outcome.stats;
    stats.promptTokens = qint64(prompt->size());
    stats.thinking = true;
    DeltaBatcher batcher;
    ThoughtLoopDetector loop;
    QElapsedTimer sinceFirst;
    bool thoughtEnded = false;
    rwb::TokenId lastId = -1;
    const quint64 tag = request.tag;
    const bool autoWrapUp = request.settings.autoWrapUp;
    stats.vramBytes = m_model->memory().vram_bytes;
    // Measured memory: a page-table walk over the mapping and the KV cache. Cheap for a small
    // model, tens of ms for one of many GB, so it takes at most 1% of the generation's time
    // (every 200 ms, or 100 times its own cost if that is longer), and once at the end (`force`).
    QElapsedTimer sinceSample;
    qint64 sampleCostNs = 0;
    const auto sampleMemory = [&](bool force) {
        if (!force && sinceSample.isValid() &&
            sinceSample.nsecsElapsed() < std::max<qint64>(200'000'000, 100 * sampleCostNs))
            return;
        sinceSample.start();
        const quint64 weights = m_model->resident_weight_bytes();
        const quint64 session = m_session->resident_bytes();
        sampleCostNs = sinceSample.nsecsElapsed();
        if (weights + session >= stats.peakMemoryBytes) {
            stats.peakMemoryBytes = weights + session;
            stats.peakWeightsBytes = weights;
            stats.peakSessionBytes = session;
        }
    };

    const auto sendBatch = [&](TextDelta d) {
        if (d.isEmpty()) return;
        stats.tokensPerSecond = sinceFirst.isValid() && sinceFirst.nsecsElapsed() > 0
                                    ? double(stats.thinkingTokens + stats.answerTokens) * 1e9 /
                                          double(sinceFirst.nsecsElapsed())
                                    : 0;
        sampleMemory(false);
        emit delta(tag, d.thinking, d.answer);
        emit statsUpdated(tag, stats);
        if (!thoughtEnded && loop.add(d.thinking)) {
            emit thoughtLooping(tag);
            if (autoWrapUp) m_wrapUp.store(true);
        }
    };
    const auto endThought = [&] {
        // The thought so far goes out before the phase change, at once.
        stats.thinking = false;
        thoughtEnded = true;
        stats.thinkingSeconds = sinceFirst.isValid() ? double(sinceFirst.nsecsElapsed()) / 1e9 : 0;
        sendBatch(batcher.take());
        emit thinkingFinished(tag, stats.thinkingSeconds, stats.thinkingTokens);
    };

    const auto onToken = [&](const rwb::GeneratedToken& g) -> bool {
        if (g.id >= 0) {
            if (!sinceFirst.isValid()) {
                sinceFirst.start();
                stats.timeToFirstTokenMs = double(clock.nsecsElapsed()) / 1e6;
            }
            (g.thinking ? stats.thinkingTokens : stats.answerTokens)++;
            lastId = g.id;
        }
        for (const rwb::ReasoningChunk& c : g.chunks) {
            const QString text = QString::fromStdString(c.text);
            switch (c.kind) {
            case rwb::ReasoningChunk::Kind::Thinking:
                batcher.addThinking(text);
                outcome.reasoning += text;
                break;
            case rwb::ReasoningChunk::Kind::Answer:
                batcher.addAnswer(text);
                outcome.answer += text;
                break;
            case rwb::ReasoningChunk::Kind::ThinkingStarted:
                break;
            case rwb::ReasoningChunk::Kind::ThinkingEnded:
                endThought();
                break;
            }
        }
        sendBatch(batcher.takeIfDue());
        if (!thoughtEnded && m_wrapUp.load(std::memory_order_relaxed)) return false;
        return !m_cancelled.load(std::memory_order_relaxed);
    };

    // A stop() that came before this point: nothing is generated.
    if (m_cancelled.load()) {
        outcome.end = GenerationEnd::Interrupted;
        outcome.finishReason = QStringLiteral("cancelled");
        return emit finished(tag, outcome);
    }
    auto result = m_session->generate(*prompt, params, onToken);
    sendBatch(batcher.take());
    if (!result) return fail(QString::fromStdString(result.message()));
    rwb::GenerationStats st = *result;

    // Wrap up: the loop stopped inside the thought; feed "</think>" after the last token and
    // generate the answer from there (the cache keeps everything before, so this costs one step).
    if (st.stop == rwb::StopReason::Callback && !thoughtEnded && m_wrapUp.load() &&
        !m_cancelled.load()) {
        std::vector<rwb::TokenId> more = m_session->tokens();
        if (lastId >= 0) more.push_back(lastId);
        more.push_back(m_thinkClose);
        endThought();
        if (qint64(more.size()) < m_session->n_ctx()) {
            rwb::GenerationParams answer = params;
            answer.start_in_thought = false;
            answer.thinking_budget = 0;
            if (params.max_tokens >= 0)
                answer.max_tokens = std::max<int64_t>(0, params.max_tokens - st.generated_tokens);
            auto rest = m_session->generate(more, answer, onToken);
            sendBatch(batcher.take());
            if (!rest) return fail(QString::fromStdString(rest.message()));
            st.generated_tokens += rest->generated_tokens;
            st.answer_tokens += rest->answer_tokens;
            st.thinking_tokens += rest->thinking_tokens;
            st.generation_seconds += rest->prompt_seconds + rest->generation_seconds;
            st.stop = rest->stop;
        } else {
            st.stop = rwb::StopReason::ContextFull;
        }
        st.forced_think_close = true;
    }
    stats.reusedPromptTokens = st.reused_tokens;
    stats.thinkingTokens = st.thinking_tokens;
    stats.answerTokens = st.answer_tokens;
    if (st.generation_seconds > 0)
        stats.tokensPerSecond = double(st.generated_tokens) / st.generation_seconds;
    if (!thoughtEnded && stats.thinkingSeconds == 0 && stats.thinking && sinceFirst.isValid())
        stats.thinkingSeconds = double(sinceFirst.nsecsElapsed()) / 1e9; // thought left open
    outcome.forcedThinkClose = st.forced_think_close;
    outcome.finishReason = finishReasonName(st.stop);
    const bool stopped = st.stop == rwb::StopReason::Cancelled ||
                         st.stop == rwb::StopReason::Callback || m_cancelled.load();
    outcome.end = stopped ? GenerationEnd::Interrupted : GenerationEnd::Complete;
    if (stopped) outcome.finishReason = QStringLiteral("cancelled");
    sampleMemory(true);
    emit statsUpdated(tag, stats);
    emit finished(tag, outcome);
}

InferenceThread::InferenceThread() : m_worker(new InferenceWorker) {
    m_thread.setObjectName(QStringLiteral("inference"));
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

InferenceThread::~InferenceThread() {
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

} // namespace rwb::app
