// Background problem-set runs (see problem_set_runner.h).
#include "compare/problem_set_runner.h"

#include "compare/memory_plan.h"
#include "inference/inference_worker.h"
#include "inference/model_cache.h"

#include "rwb/eval_runner.h"
#include "rwb/model.h"
#include "rwb/problem_set.h"

#include <QElapsedTimer>
#include <condition_variable>
#include <deque>
#include <thread>

namespace rwb::compare {
namespace {

struct Task {
    int budget = 0;
    int problem = 0;
    int sample = 0;
};

// What the model threads hand to the runner's thread (which alone touches the database).
struct Mailbox {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<SampleRecord> records;
    std::deque<std::pair<QString, QString>> states;  // model, state
    std::deque<std::pair<QString, QString>> notices; // model, backend notice
    int running = 0;                                 // model threads not finished yet
};

} // namespace

// One model's share of a wave: its tasks, run on a std::thread with its own session.
struct ModelJob {
    ProblemSetRunner* runner = nullptr;
    QString model;
    std::vector<Task> tasks;
    const std::vector<rwb::eval::Problem>* problems = nullptr;
    const ProblemSetConfig* config = nullptr;
    int threads = 1;
    Mailbox* mailbox = nullptr;

    void post_state(const QString& state) {
        std::lock_guard lock(mailbox->mutex);
        mailbox->states.emplace_back(model, state);
        mailbox->ready.notify_all();
    }

    void run() {
        run_tasks();
        std::lock_guard lock(mailbox->mutex);
        --mailbox->running;
        mailbox->ready.notify_all();
    }

    void run_tasks() {
        post_state(QStringLiteral("loading"));
        // Through the app's cache with the chat's mapping of backend, GPU layers and planned
        // context to the engine's options: a chat or column on the same file and placement
        // shares these weights (and, on a GPU, its decode steps can be batched with ours).
        rwb::app::GenerationSettings placement;
        placement.backend = config->backend;
        placement.gpuLayers = config->gpuLayers;
        placement.contextLength = config->contextLength;
        auto model_ptr = rwb::app::ModelCache::instance().acquire(
            model.toStdString(), rwb::app::InferenceWorker::modelOptionsFor(placement));
        if (!model_ptr) return post_state(QString::fromStdString(model_ptr.message()));
        if (!(*model_ptr)->backend_notice().empty()) {
            std::lock_guard lock(mailbox->mutex);
            mailbox->notices.emplace_back(model,
                                          QString::fromStdString((*model_ptr)->backend_notice()));
            mailbox->ready.notify_all();
        }
        rwb::SessionOptions so;
        so.n_ctx = std::min<int64_t>(config->contextLength, (*model_ptr)->info().n_ctx_train);
        so.n_threads = threads;
        auto session = rwb::Session::create(*model_ptr, so);
        if (!session) return post_state(QString::fromStdString(session.message()));
        {
            std::lock_guard lock(runner->m_sessionsMutex);
            runner->m_sessions.push_back(session->get());
        }
        post_state(QStringLiteral("running"));
        for (const Task& t : tasks) {
            if (runner->m_paused.load()) break;
            const rwb::eval::Problem& p = (*problems)[size_t(t.problem)];
            rwb::GenerationParams gp;
            gp.sampler.temperature = float(config->temperature);
            gp.sampler.top_p = float(config->topP);
            gp.sampler.seed =
                rwb::eval::sample_seed(config->seed, uint64_t(t.problem), uint64_t(t.sample));
            gp.thinking_budget = t.budget;
            gp.max_tokens = config->maxTokens;
            auto run = rwb::eval::run_sample(**session, p, gp);
            if (!run) {
                post_state(QString::fromStdString(run.message()));
                break;
            }
            if (run->stats.stop == rwb::StopReason::Cancelled) break; // paused: re-run later
            SampleRecord r;
            r.model = model;
            r.budget = t.budget;
            r.problemIndex = t.problem;
            r.sample = t.sample;
            r.problemId = QString::fromStdString(p.id);
            r.reference = QString::fromStdString(p.answer);
            r.extracted = QString::fromStdString(run->extracted);
            r.correct = run->correct;
            r.thinkingTokens = run->stats.thinking_tokens;
            r.answerTokens = run->stats.answer_tokens;
            r.generatedTokens = run->stats.generated_tokens;
            r.generationSeconds = run->stats.generation_seconds;
            r.wallSeconds = run->wall_seconds;
            r.thinking = QString::fromStdString(run->thinking);
            r.answer = QString::fromStdString(run->answer);
            r.backend = QString::fromStdString((*model_ptr)->info().backend);
            std::lock_guard lock(mailbox->mutex);
            mailbox->records.push_back(std::move(r));
            mailbox->ready.notify_all();
        }
        {
            std::lock_guard lock(runner->m_sessionsMutex);
            std::erase(runner->m_sessions, session->get());
        }
        if (!runner->m_paused.load()) post_state(QStringLiteral("done"));
    }
};

ProblemSetRunner::ProblemSetRunner(QObject* parent) : QObject(parent) {
    registerCompareMetaTypes();
}

void ProblemSetRunner::pause() {
    m_paused.store(true);
    std::lock_guard lock(m_sessionsMutex);
    for (rwb::Session* s : m_sessions) s->cancel();
}

void ProblemSetRunner::start(const QString& databasePath, qint64 runId) {
    m_paused.store(false);
    ProblemSetStore store(databasePath);
    if (!store.isOpen()) return emit failed(runId, store.error());
    const auto info = store.run(runId);
    if (!info) return emit failed(runId, QStringLiteral("no problem-set run %1").arg(runId));
    const ProblemSetConfig& cfg = info->config;
    if (const QString bad = cfg.validate(); !bad.isEmpty()) return emit failed(runId, bad);
    auto loaded = rwb::eval::read_problem_set(cfg.setPath.toStdString());
    if (!loaded) return emit failed(runId, QString::fromStdString(loaded.message()));
    std::vector<rwb::eval::Problem> problems = std::move(*loaded);
    if (cfg.limit > 0 && size_t(cfg.limit) < problems.size()) problems.resize(size_t(cfg.limit));

    // The tasks still missing, per model.
    const QSet<QString> done = store.finishedKeys(runId);
    const int total = cfg.models.size() * cfg.budgets.size() * int(problems.size()) * cfg.samples;
    std::vector<std::vector<Task>> todo(size_t(cfg.models.size()));
    for (int m = 0; m < cfg.models.size(); ++m)
        for (int budget : cfg.budgets)
            for (int p = 0; p < int(problems.size()); ++p)
                for (int k = 0; k < cfg.samples; ++k) {
                    SampleRecord key;
                    key.model = cfg.models[m];
                    key.budget = budget;
                    key.problemIndex = p;
                    key.sample = k;
                    if (!done.contains(key.key())) todo[size_t(m)].push_back({budget, p, k});
                }
    int finished_count = int(done.size());
    emit progress(runId, finished_count, total, -1);

    // A GPU run is planned against the GPU's free memory (probing it only then: its first call
    // creates a CUDA context).
    const MachineFigures machine =
        cfg.backend != rwb::app::Backend::Cpu ? probeMachineFigures(true) : MachineFigures{};
    const WaveNeeds needs =
        problemSetWaveNeeds(cfg.models, cfg.contextLength, cfg.backend, cfg.gpuLayers, machine,
                            cfg.memoryBudget ? cfg.memoryBudget : availableMemoryBytes());
    const QVector<QVector<int>> waves = planWaves(needs.bytes, needs.budget);
    for (int w = 1; w < waves.size(); ++w)
        for (int m : waves[w]) emit modelState(runId, cfg.models[m], "waiting for memory");

    QElapsedTimer clock;
    clock.start();
    int finished_here = 0;
    const int total_threads = cfg.threads > 0 ? cfg.threads : machineThreads();
    for (const QVector<int>& wave : waves) {
        if (m_paused.load()) break;
        Mailbox mailbox;
        std::vector<ModelJob> jobs;
        QVector<int> active;
        for (int m : wave)
            if (!todo[size_t(m)].empty())
                active.append(m);
            else
                emit modelState(runId, cfg.models[m], "done");
        const QVector<int> threads = splitThreads(total_threads, int(active.size()));
        for (int i = 0; i < active.size(); ++i) {
            ModelJob job;
            job.runner = this;
            job.model = cfg.models[active[i]];
            job.tasks = todo[size_t(active[i])];
            job.problems = &problems;
            job.config = &cfg;
            job.threads = threads[i];
            job.mailbox = &mailbox;
            jobs.push_back(std::move(job));
        }
        mailbox.running = int(jobs.size());
        std::vector<std::thread> workers;
        for (ModelJob& job : jobs) workers.emplace_back([&job] { job.run(); });
        for (;;) {
            std::unique_lock lock(mailbox.mutex);
            mailbox.ready.wait(lock, [&] {
                return !mailbox.records.empty() || !mailbox.states.empty() ||
                       !mailbox.notices.empty() || mailbox.running == 0;
            });
            auto records = std::move(mailbox.records);
            auto states = std::move(mailbox.states);
            auto notices = std::move(mailbox.notices);
            mailbox.records.clear();
            mailbox.states.clear();
            mailbox.notices.clear();
            const bool all_done = mailbox.running == 0;
            lock.unlock();
            for (const auto& [model, notice] : notices) emit backendNotice(runId, model, notice);
            for (const auto& [model, state] : states) emit modelState(runId, model, state);
            for (const SampleRecord& r : records) {
                if (!store.saveSample(runId, r)) {
                    pause();
                    emit failed(runId, QStringLiteral("cannot save a result"));
                }
                ++finished_count;
                ++finished_here;
                const double per = clock.elapsed() / 1000.0 / finished_here;
                emit sampleFinished(runId, r);
                emit progress(runId, finished_count, total, per * (total - finished_count));
            }
            if (all_done) break;
        }
        for (std::thread& t : workers) t.join();
    }
    const bool complete = store.finishedKeys(runId).size() == total;
    store.setComplete(runId, complete);
    emit finished(runId, complete);
}

ProblemSetThread::ProblemSetThread() : m_runner(new ProblemSetRunner) {
    m_thread.setObjectName(QStringLiteral("rwb-problem-set"));
    m_runner->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
    m_thread.start();
}

ProblemSetThread::~ProblemSetThread() {
    m_runner->pause();
    m_thread.quit();
    m_thread.wait();
}

void registerCompareMetaTypes() {
    static const bool once = [] {
        qRegisterMetaType<rwb::compare::SampleRecord>("rwb::compare::SampleRecord");
        return true;
    }();
    (void)once;
}

} // namespace rwb::compare
