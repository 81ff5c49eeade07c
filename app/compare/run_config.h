// What a problem-set run does: the set, the models, samples per problem, seed and sampling,
// the thinking budgets of the sweep, limits, how the machine is shared and where the models run
// (backend and GPU layers, as a compare column has them). Stored as JSON with the run, so a
// paused run resumes with exactly the same settings.
#pragma once

#include "inference/generation_settings.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace rwb::compare {

struct ProblemSetConfig {
    QString setPath;          // JSONL: problem, answer, optional id, subject
    QStringList models;       // GGUF paths, in the order they are shown
    int limit = 0;            // first N problems; 0: all
    int samples = 1;          // k samples per problem (pass@k, cons@k)
    quint64 seed = 0;         // base seed (rwb::eval::sample_seed derives each sample's)
    double temperature = 0.6; // 0: greedy
    double topP = 0.95;
    QVector<int> budgets = {0}; // thinking budgets of the sweep; 0: unlimited
    int maxTokens = -1;         // per sample; -1: until the context is full
    int contextLength = 4096;
    int threads = 0;          // all models together; 0: the machine's cores
    quint64 memoryBudget = 0; // bytes the models may use at once; 0: what the machine has
    // Where the models run. The setup view starts from the app's generation settings; the
    // plain default (and a run stored before these fields existed, which ran there) is the CPU.
    rwb::app::Backend backend = rwb::app::Backend::Cpu;
    int gpuLayers = -1; // -1: all (CUDA) / as many as fit (Auto); unused on the CPU

    QString validate() const; // one line, or empty when the config can run
    QJsonObject toJson() const;
    static ProblemSetConfig fromJson(const QJsonObject& o);
};

// "256, 1k, 4096, unlimited" -> {256, 1024, 4096, 0}; empty on a bad item.
QVector<int> parseBudgets(const QString& text);
QString budgetLabel(int budget); // "unlimited", "256", "1k"

} // namespace rwb::compare
