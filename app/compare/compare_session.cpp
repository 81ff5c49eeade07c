// Live side-by-side columns (see compare_session.h).
#include "compare/compare_session.h"

#include "compare/memory_plan.h"

#include <QRandomGenerator>
#include <QSet>
#include <QSettings>

namespace rwb::compare {

QString columnStateText(ColumnState state) {
    switch (state) {
    case ColumnState::Idle:
        return QStringLiteral("idle");
    case ColumnState::WaitingForMemory:
        return QStringLiteral("waiting for memory");
    case ColumnState::Loading:
        return QStringLiteral("loading");
    case ColumnState::Thinking:
        return QStringLiteral("thinking");
    case ColumnState::Answering:
        return QStringLiteral("answering");
    case ColumnState::Finished:
        return QStringLiteral("finished");
    case ColumnState::Stopped:
        return QStringLiteral("stopped");
    case ColumnState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

CompareSession::CompareSession(QObject* parent) : QObject(parent) {
    rwb::app::registerInferenceMetaTypes();
    qRegisterMetaType<rwb::compare::ColumnState>("rwb::compare::ColumnState");
}

CompareSession::~CompareSession() {
    stopAll();
}

bool CompareSession::setModels(const QStringList& modelPaths) {
    if (modelPaths.size() < 2 || modelPaths.size() > 4) return false;
    stopAll();
    m_columns.clear();
    for (int i = 0; i < modelPaths.size(); ++i) {
        auto c = std::make_unique<Column>();
        c->result.modelPath = modelPaths[i];
        if (rwb::app::RemoteTurn::isRemoteModel(modelPaths[i])) {
            // No worker thread and no memory: the endpoint does the work.
            c->remote = c->result.remote = true;
            const QString id = modelPaths[i].mid(int(qstrlen(rwb::app::RemoteTurn::kPrefix)));
            QSettings qs;
            for (const auto& e : rwb::remote::RemoteEndpointList::load(qs))
                if (e.id == id) c->endpoint = e;
            m_columns.push_back(std::move(c));
            continue;
        }
        c->plan = planModelMemory(modelPaths[i], m_settings.contextLength);
        c->result.metrics.plannedMemoryBytes = c->plan.total();
        c->result.metrics.plannedSessionBytes = c->plan.session;
        c->result.backend = m_settings.backend;
        c->result.gpuLayers = m_settings.gpuLayers;
        c->thread = std::make_unique<rwb::app::InferenceThread>();
        auto* w = c->thread->worker();
        connect(w, &rwb::app::InferenceWorker::backendNotice, this,
                [this, i](quint64 tag, const QString& notice) {
                    Column& col = *m_columns[size_t(i)];
                    if (tag != col.tag) return;
                    col.notice = col.result.backendNotice = notice;
                    emit columnMetricsChanged(i);
                });
        connect(
            w, &rwb::app::InferenceWorker::delta, this,
            [this, i](quint64 tag, const QString& t, const QString& a) { onDelta(i, tag, t, a); });
        connect(w, &rwb::app::InferenceWorker::statsUpdated, this,
                [this, i](quint64 tag, const rwb::app::StreamStats& s) { onStats(i, tag, s); });
        connect(w, &rwb::app::InferenceWorker::thinkingFinished, this,
                [this, i](quint64 tag, double seconds, qint64 tokens) {
                    if (tag != m_columns[size_t(i)]->tag) return;
                    m_columns[size_t(i)]->result.metrics.thinkingSeconds = seconds;
                    emit columnThinkingFinished(i, seconds, tokens);
                });
        connect(w, &rwb::app::InferenceWorker::finished, this,
                [this, i](quint64 tag, const rwb::app::GenerationOutcome& o) {
                    onFinished(i, tag, o);
                });
        m_columns.push_back(std::move(c));
    }
    updateSharing();
    return true;
}

void CompareSession::setColumnBackend(int i, rwb::app::Backend backend, int gpuLayers) {
    if (i < 0 || i >= columnCount() || m_columns[size_t(i)]->remote) return;
    m_columns[size_t(i)]->result.backend = backend;
    m_columns[size_t(i)]->result.gpuLayers = gpuLayers;
    updateSharing();
}

void CompareSession::updateSharing() {
    // The ModelCache gives columns of one file, backend and GPU layers the same loaded model.
    for (int i = 0; i < columnCount(); ++i) {
        ColumnResult& a = m_columns[size_t(i)]->result;
        a.sharesWeightsWith = -1;
        for (int j = 0; j < columnCount() && !a.remote; ++j) {
            const ColumnResult& b = m_columns[size_t(j)]->result;
            if (j != i && b.modelPath == a.modelPath && b.backend == a.backend &&
                (a.backend == rwb::app::Backend::Cpu || b.gpuLayers == a.gpuLayers)) {
                a.sharesWeightsWith = j;
                break;
            }
        }
    }
}

QStringList CompareSession::models() const {
    QStringList out;
    for (const auto& c : m_columns) out.append(c->result.modelPath);
    return out;
}

void CompareSession::send(const QString& prompt, quint64 seed) {
    stopAll();
    m_prompt = prompt;
    m_seed = seed;
    const QStringList paths = models();
    for (int i = 0; i < columnCount(); ++i) {
        Column& c = *m_columns[size_t(i)];
        const ColumnMetrics plan = c.result.metrics;
        const int shares = c.result.sharesWeightsWith;
        const rwb::app::Backend backend = c.result.backend;
        const int gpuLayers = c.result.gpuLayers;
        c.result = ColumnResult();
        c.result.modelPath = paths[i];
        c.result.backend = backend;
        c.result.gpuLayers = gpuLayers;
        c.result.metrics.plannedMemoryBytes = plan.plannedMemoryBytes;
        c.result.metrics.plannedSessionBytes = plan.plannedSessionBytes;
        c.result.sharesWeightsWith = shares;
        c.result.seed = seed;
        c.started = false;
        c.result.remote = c.remote;
        c.tag = m_nextTag++;
        setState(i, ColumnState::WaitingForMemory);
    }
    for (int i = 0; i < columnCount(); ++i)
        if (m_columns[size_t(i)]->remote) startRemote(i);
    startWaiting();
}

quint64 CompareSession::sendAgain() {
    const quint64 seed = QRandomGenerator::global()->generate64() >> 1;
    send(m_prompt, seed);
    return seed;
}

void CompareSession::startWaiting() {
    bool wantsGpu = false;
    for (const auto& c : m_columns)
        wantsGpu |= !c->remote && c->result.state == ColumnState::WaitingForMemory &&
                    c->result.backend != rwb::app::Backend::Cpu;
    MachineFigures machine = probeMachineFigures(wantsGpu);
    if (m_memoryBudget) machine.ramAvailable = m_memoryBudget;
    // The probe sees the GPU memory our own loaded models hold as used; the plan counts the
    // running ones itself and a worker reuses its model, so that memory goes back in.
    QSet<QString> held;
    QVector<ColumnDemand> demands;
    int running = 0;
    for (const auto& c : m_columns) {
        ColumnDemand d;
        d.path = c->result.modelPath;
        d.backend = c->result.backend;
        d.gpuLayers = c->result.gpuLayers;
        d.plan = c->plan;
        d.waiting = !c->remote && c->result.state == ColumnState::WaitingForMemory;
        d.running =
            c->started && !c->remote &&
            (c->result.state == ColumnState::Loading || c->result.state == ColumnState::Thinking ||
             c->result.state == ColumnState::Answering);
        d.placed = c->result.placement;
        d.runAs = c->runAs;
        if (d.running) ++running;
        const QString key = d.path + QLatin1Char('|') + rwb::app::backendName(c->runAs) +
                            QLatin1Char('|') + QString::number(c->runLayers);
        if (c->heldVram > 0 && !held.contains(key)) {
            held.insert(key);
            machine.gpuFree += c->heldVram;
        }
        demands.append(d);
    }
    const QVector<ColumnStart> starts = planStarts(demands, machine);
    QVector<int> starting;
    for (const ColumnStart& st : starts) {
        Column& c = *m_columns[size_t(st.column)];
        c.result.placement = st.where;
        if (!c.ranBefore || c.runAs != st.runAs || c.runLayers != c.result.gpuLayers) {
            // The worker loads the model anew and says again what it could not use.
            c.notice.clear();
            c.heldVram = 0;
        }
        c.result.backendNotice = c.notice;
        c.result.placementNote =
            machine.gpu && c.result.backend == rwb::app::Backend::Auto && st.where == Placement::Cpu
                ? QStringLiteral("Auto: not enough free GPU memory; running on the CPU")
                : QString();
        c.runAs = st.runAs;
        c.runLayers = c.result.gpuLayers;
        c.ranBefore = true;
        starting.append(st.column);
    }
    if (starting.isEmpty()) return;
    // Threads: the running columns keep theirs (sessions cannot change mid-generation); the
    // new ones share the machine with them evenly.
    const int total = m_totalThreads > 0 ? m_totalThreads : machineThreads();
    const QVector<int> split = splitThreads(total, running + int(starting.size()));
    for (int k = 0; k < starting.size(); ++k) {
        Column& c = *m_columns[size_t(starting[k])];
        const ColumnMetrics plan = c.result.metrics;
        c.result.metrics = ColumnMetrics();
        c.result.metrics.plannedMemoryBytes = plan.plannedMemoryBytes;
        c.result.metrics.plannedSessionBytes = plan.plannedSessionBytes;
        rwb::app::GenerationSettings s = m_settings;
        s.modelPath = c.result.modelPath;
        s.backend = c.runAs;
        s.gpuLayers = c.result.gpuLayers;
        s.seed = qint64(m_seed);
        s.threads = split[running + k];
        c.result.threads = s.threads;
        c.started = true;
        c.clock.start();
        setState(starting[k], ColumnState::Loading);
        c.thread->worker()->clearCancel();
        QMetaObject::invokeMethod(c.thread->worker(), "generate", Qt::QueuedConnection,
                                  Q_ARG(rwb::app::GenerationRequest, request(c.tag, s)));
    }
}

void CompareSession::stopColumn(int i) {
    if (i < 0 || i >= columnCount()) return;
    Column& c = *m_columns[size_t(i)];
    if (c.result.state == ColumnState::WaitingForMemory) {
        setState(i, ColumnState::Stopped);
        emit columnFinished(i);
        if (!isRunning()) emit allFinished();
        return;
    }
    if (c.remote && c.result.state == ColumnState::Loading && !c.turnGenerating) {
        // Still reading the endpoint and key: nothing to cancel on the wire.
        c.tag = 0;
        setState(i, ColumnState::Stopped);
        emit columnFinished(i);
        if (!isRunning()) emit allFinished();
        return;
    }
    if (c.started &&
        (c.result.state == ColumnState::Loading || c.result.state == ColumnState::Thinking ||
         c.result.state == ColumnState::Answering)) {
        if (c.remote) {
            if (c.turn) c.turn->cancel();
        } else {
            c.thread->worker()->cancel();
        }
    }
}

void CompareSession::stopAll() {
    for (int i = 0; i < columnCount(); ++i) {
        Column& c = *m_columns[size_t(i)];
        if (c.result.state == ColumnState::WaitingForMemory) setState(i, ColumnState::Stopped);
        if (c.remote) {
            if (c.turn) c.turn->cancel();
        } else if (c.started) {
            c.thread->worker()->cancel();
        }
        c.tag = 0; // late signals of the old request are ignored
    }
}

bool CompareSession::isRunning() const {
    for (const auto& c : m_columns) switch (c->result.state) {
        case ColumnState::WaitingForMemory:
        case ColumnState::Loading:
        case ColumnState::Thinking:
        case ColumnState::Answering:
            return true;
        default:
            break;
        }
    return false;
}

void CompareSession::setState(int i, ColumnState s) {
    ColumnResult& r = m_columns[size_t(i)]->result;
    if (r.state == s) return;
    r.state = s;
    emit columnStateChanged(i, s);
}

rwb::app::GenerationRequest CompareSession::request(quint64 tag,
                                                    const rwb::app::GenerationSettings& s) const {
    rwb::app::GenerationRequest req;
    req.tag = tag;
    rwb::storage::Message user;
    user.role = rwb::storage::MessageRole::User;
    user.answer = m_prompt;
    req.history = {user};
    req.settings = s;
    return req;
}

} // namespace rwb::compare
