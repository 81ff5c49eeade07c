// CompareSession: one prompt answered by 2 to 4 models at once, in columns. Each column has its
// own InferenceWorker (its own thread and session; models come from the shared ModelCache);
// the CPU threads are split evenly between the columns that run together. Columns whose models
// do not fit in memory next to the running ones wait ("waiting for memory") and start as
// running columns finish. Each column can be stopped alone; send() again with a new seed
// re-asks all of them. Per column it measures what the metrics table shows: time to first
// token and to first answer token, thinking time and tokens, answer tokens, tokens per second
// for each phase, the model's peak memory (measured by its worker: the weights' pages in RAM plus
// the session's KV cache pages and buffers) and the final answer (\boxed{} or last number), and
// whether the answers agree. Scheduling decides before anything is loaded, so it uses an
// estimate (file + KV cache for the whole context + buffers), kept beside the measured figure.
//
// A column can also be a remote endpoint ("remote:<endpoint id>", as saved by
// RemoteEndpointList in the default QSettings): it streams through RemoteTurn/RemoteChatClient
// with the same per-column signals, takes no part in memory scheduling or the thread split (it
// uses no local memory or cores) and its cost is its token usage at the endpoint's prices.
//
// Each local column has its own backend (CPU, CUDA, Auto) and GPU layers, by default those of
// the shared settings, so two columns may run one file on different backends. Columns on CUDA
// or Auto are planned against free GPU memory as well as RAM (planStarts in memory_plan.h).
#pragma once

#include "compare/memory_plan.h"
#include "inference/inference_worker.h"
#include "inference/remote_turn.h"
#include "remote/remote_endpoint.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QVector>
#include <memory>

namespace rwb::compare {

enum class ColumnState {
    Idle,
    WaitingForMemory,
    Loading,
    Thinking,
    Answering,
    Finished,
    Stopped,
    Failed
};
QString columnStateText(ColumnState state); // "waiting for memory", "thinking", ...

struct ColumnMetrics {
    double ttftMs = -1;         // request start to first token (prefill included)
    double firstAnswerMs = -1;  // request start to the first answer text
    double thinkingSeconds = 0; // first token to </think>
    qint64 thinkingTokens = 0;
    qint64 answerTokens = 0;
    double thinkingTokensPerSecond = 0;
    double answerTokensPerSecond = 0;
    // Planned: the estimate the memory scheduling uses (estimateModelBytes), known before loading.
    // A column whose model file another running column has loaded needs only the session part.
    quint64 plannedMemoryBytes = 0;
    quint64 plannedSessionBytes = 0;
    // Measured during the run (0 until the first sample): the largest weights + session seen,
    // and its parts at that moment. Weights are the model's, shared by every session on it.
    quint64 peakMemoryBytes = 0;
    quint64 peakWeightsBytes = 0;
    quint64 peakSessionBytes = 0;
    quint64 vramBytes = 0;   // weights and buffers on the GPU (not in the peak)
    QString extractedAnswer; // "" = none yet
    qint64 promptTokens = 0;
    double cost = -1; // remote columns: tokens at the endpoint's prices; -1 = not priced
};

struct ColumnResult {
    QString modelPath;
    ColumnState state = ColumnState::Idle;
    QString thinking, answer;
    ColumnMetrics metrics;
    QString error;
    quint64 seed = 0;
    bool remote = false; // a "remote:<id>" endpoint
    int threads = 0;     // local columns: the CPU threads its worker was given (0: not started)
    // Local columns: the first other column running the same model file (its weights are
    // mapped once and counted in both peaks); -1: none.
    int sharesWeightsWith = -1;
    // Local columns: the backend and GPU layers the user chose for this column, where the
    // scheduling placed it, and the engine's one line when a GPU backend was not usable
    // ("CUDA backend unavailable: ...; running on the CPU"; empty: none).
    rwb::app::Backend backend = rwb::app::Backend::Auto;
    int gpuLayers = -1;
    Placement placement = Placement::Waiting;
    QString backendNotice;
    // Local columns: why the plan put an Auto column on the CPU though there is a GPU.
    QString placementNote;
};

class CompareSession : public QObject {
    Q_OBJECT
public:
    explicit CompareSession(QObject* parent = nullptr);
    ~CompareSession() override;

    // 2..4 models (fewer or more is refused: returns false). Drops any previous columns.
    bool setModels(const QStringList& modelPaths);
    QStringList models() const;
    int columnCount() const { return int(m_columns.size()); }
    const ColumnResult& column(int i) const { return m_columns[size_t(i)]->result; }

    // Sampling and limits shared by all columns (the model path is set per column).
    // A column's own backend and GPU layers come from them when setModels() makes it.
    void setSettings(const rwb::app::GenerationSettings& settings) { m_settings = settings; }
    const rwb::app::GenerationSettings& settings() const { return m_settings; }
    void setTotalThreads(int threads) { m_totalThreads = threads; } // 0: the machine's cores
    int totalThreads() const { return m_totalThreads; }
    void setMemoryBudget(quint64 bytes) { m_memoryBudget = bytes; } // 0: what is available
    // Column i's backend and GPU layers (-1: all / as many as fit) for the next send().
    void setColumnBackend(int i, rwb::app::Backend backend, int gpuLayers);

    // Sends `prompt` to every column with `seed` (the same for all columns).
    void send(const QString& prompt, quint64 seed);
    // The last prompt again with a new random seed (returned).
    quint64 sendAgain();
    void stopColumn(int i);
    void stopAll();
    bool isRunning() const;
    QString prompt() const { return m_prompt; }

    // True when every finished column has the same final answer (normalised), and at least
    // two have one.
    bool answersAgree() const;

signals:
    void columnStateChanged(int column, rwb::compare::ColumnState state);
    void columnDelta(int column, const QString& thinking, const QString& answer);
    void columnThinkingFinished(int column, double seconds, qint64 tokens);
    void columnMetricsChanged(int column);
    void columnFinished(int column);
    void allFinished();

private:
    struct Column {
        ColumnResult result;
        std::unique_ptr<rwb::app::InferenceThread> thread;
        QElapsedTimer clock;
        quint64 tag = 0;
        bool started = false;
        bool remote = false;
        rwb::remote::RemoteEndpoint endpoint; // remote columns: for the prices
        std::unique_ptr<rwb::app::RemoteTurn> turn;
        bool turnGenerating = false;
        PlannedMemory plan;
        // What its worker was last given: the worker keeps that model loaded (and its notice
        // is only sent when it loads), and its measured VRAM is still held.
        rwb::app::Backend runAs = rwb::app::Backend::Cpu;
        int runLayers = -1;
        bool ranBefore = false;
        QString notice;
        quint64 heldVram = 0;
    };
    void updateSharing();
    void startRemote(int i);
    void connectRemote(int i, rwb::app::RemoteTurn* turn);
    // The prompt as a one-message conversation, for a local worker or a remote turn alike.
    rwb::app::GenerationRequest request(quint64 tag, const rwb::app::GenerationSettings& s) const;
    void startColumn(int i);
    void startWaiting();
    void setState(int i, ColumnState s);
    void onDelta(int i, quint64 tag, const QString& thinking, const QString& answer);
    void onStats(int i, quint64 tag, const rwb::app::StreamStats& stats);
    void onFinished(int i, quint64 tag, const rwb::app::GenerationOutcome& outcome);
    static void takeMemory(ColumnMetrics& m, const rwb::app::StreamStats& s); // keeps the peak

    std::vector<std::unique_ptr<Column>> m_columns;
    rwb::app::GenerationSettings m_settings;
    int m_totalThreads = 0;
    quint64 m_memoryBudget = 0;
    QString m_prompt;
    quint64 m_seed = 0;
    quint64 m_nextTag = 1;
};

} // namespace rwb::compare

Q_DECLARE_METATYPE(rwb::compare::ColumnState)
