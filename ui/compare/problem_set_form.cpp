// ProblemSetView's form: the models and settings of a run, read into a ProblemSetConfig and
// filled from one (a reopened run). See problem_set_view.h.
#include "compare/backend_controls.h"
#include "compare/problem_set_view.h"
#include "compare/result_charts.h"

#include <algorithm>

#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QSpinBox>

namespace rwb::ui::compare {

void ProblemSetView::setAvailableModels(const QStringList& paths) {
    m_models->clear();
    for (const QString& p : paths) {
        auto* item = new QListWidgetItem(modelLabel(p), m_models);
        item->setData(Qt::UserRole, p);
        item->setToolTip(p);
        item->setCheckState(Qt::Checked);
    }
}

void ProblemSetView::setSetPath(const QString& path) {
    m_set->setText(path);
}

void ProblemSetView::setExtraSettings(int threads, int maxTokens, int contextLength) {
    m_extraThreads = threads;
    m_extraMaxTokens = maxTokens;
    m_extraContext = contextLength;
}

rwb::compare::ProblemSetConfig ProblemSetView::config() const {
    rwb::compare::ProblemSetConfig c;
    c.setPath = m_set->text().trimmed();
    for (int i = 0; i < m_models->count(); ++i)
        if (m_models->item(i)->checkState() == Qt::Checked)
            c.models.append(m_models->item(i)->data(Qt::UserRole).toString());
    c.samples = m_samplesSpin->value();
    c.seed = quint64(m_seed->value());
    c.limit = m_limit->value();
    c.budgets = rwb::compare::parseBudgets(m_budgets->text());
    c.threads = m_extraThreads;
    c.maxTokens = m_extraMaxTokens;
    c.contextLength = m_extraContext;
    c.backend = chosenBackend(m_backend);
    c.gpuLayers = m_gpuLayers->value();
    return c;
}

void ProblemSetView::showConfig(const rwb::compare::ProblemSetConfig& c) {
    m_set->setText(c.setPath);
    QStringList missing = c.models;
    for (int i = 0; i < m_models->count(); ++i) {
        QListWidgetItem* item = m_models->item(i);
        const bool in = missing.removeAll(item->data(Qt::UserRole).toString()) > 0;
        item->setCheckState(in ? Qt::Checked : Qt::Unchecked);
    }
    for (const QString& p : missing) { // a model of the run this list does not offer
        auto* item = new QListWidgetItem(modelLabel(p), m_models);
        item->setData(Qt::UserRole, p);
        item->setToolTip(p);
        item->setCheckState(Qt::Checked);
    }
    m_samplesSpin->setValue(c.samples);
    m_seed->setValue(int(std::min<quint64>(c.seed, quint64(m_seed->maximum()))));
    m_limit->setValue(c.limit);
    QStringList budgets;
    for (int b : c.budgets) budgets << rwb::compare::budgetLabel(b);
    m_budgets->setText(budgets.join(QStringLiteral(", ")));
    chooseBackend(m_backend, c.backend);
    m_gpuLayers->setValue(c.gpuLayers);
    setExtraSettings(c.threads, c.maxTokens, c.contextLength);
}

} // namespace rwb::ui::compare
