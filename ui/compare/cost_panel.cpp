// Cost panel (see cost_panel.h).
#include "compare/cost_panel.h"

#include "remote/remote_endpoint.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rwb::ui::compare {
namespace {
QDoubleSpinBox* spin(QWidget* parent, double max, double value, int decimals) {
    auto* s = new QDoubleSpinBox(parent);
    s->setRange(0, max);
    s->setDecimals(decimals);
    s->setValue(value);
    return s;
}
QString money(double v) {
    return QString::number(v, 'f', v < 1 ? 4 : 2);
}
} // namespace

CostPanel::CostPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* inputs = new QHBoxLayout;
    auto* local = new QFormLayout;
    m_price = spin(this, 1e7, 2000, 2);
    m_years = spin(this, 20, 3, 1);
    m_years->setMinimum(0.1);
    m_hours = spin(this, 24, 8, 1);
    m_hours->setMinimum(0.1);
    m_watts = spin(this, 1e5, 300, 0);
    m_kwh = spin(this, 100, 0.30, 3);
    m_promptTokens = spin(this, 1e6, 100, 0);
    local->addRow(tr("Hardware price"), m_price);
    local->addRow(tr("Written off over (years)"), m_years);
    local->addRow(tr("Use per day (hours)"), m_hours);
    local->addRow(tr("Power draw (W)"), m_watts);
    local->addRow(tr("Electricity (per kWh)"), m_kwh);
    local->addRow(tr("Prompt tokens per answer"), m_promptTokens);
    auto* api = new QFormLayout;
    m_api = new QComboBox(this);
    m_apiIn = spin(this, 1e4, 0, 3);
    m_apiOut = spin(this, 1e4, 0, 3);
    m_apiDate = new QLabel(this);
    api->addRow(tr("API"), m_api);
    api->addRow(tr("Input per 1M tokens"), m_apiIn);
    api->addRow(tr("Output per 1M tokens"), m_apiOut);
    api->addRow(tr("Prices as of"), m_apiDate);
    inputs->addLayout(local);
    inputs->addLayout(api);
    layout->addLayout(inputs);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("tok/s"), tr("Tokens / answer"),
                                        tr("s / answer"), tr("Local / 1000"), tr("of which energy"),
                                        tr("API / 1000"), tr("Break-even (answers)")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);

    auto presetChanged = [this](int i) {
        if (i < 0 || i >= m_apiChoices.size()) return;
        m_apiIn->setValue(m_apiChoices[i].inputPerMillion);
        m_apiOut->setValue(m_apiChoices[i].outputPerMillion);
        m_apiDate->setText(m_apiChoices[i].asOf);
    };
    connect(m_api, &QComboBox::currentIndexChanged, this, presetChanged);
    refreshEndpoints();
    presetChanged(0);
    for (QDoubleSpinBox* s :
         {m_price, m_years, m_hours, m_watts, m_kwh, m_promptTokens, m_apiIn, m_apiOut})
        connect(s, &QDoubleSpinBox::valueChanged, this, &CostPanel::recompute);
}

void CostPanel::refreshEndpoints() {
    m_apiChoices = rwb::compare::exampleApiPrices();
    QSettings qs;
    for (const auto& e : rwb::remote::RemoteEndpointList::load(qs))
        m_apiChoices.append({QStringLiteral("remote: ") + e.name + QStringLiteral(" / ") + e.model,
                             tr("your endpoint's prices"), e.inputCostPerMTokens,
                             e.outputCostPerMTokens});
    const QSignalBlocker block(m_api); // the prices shown stay until another entry is picked
    const QString current = m_api->currentText();
    m_api->clear();
    for (const auto& p : m_apiChoices) m_api->addItem(p.name);
    m_api->setCurrentIndex(qMax(0, m_api->findText(current)));
}

void CostPanel::setModels(const QVector<ModelLoad>& models) {
    m_models = models;
    recompute();
}

void CostPanel::setHardware(const rwb::compare::Hardware& hw) {
    m_price->setValue(hw.price);
    m_years->setValue(hw.lifetimeYears);
    m_hours->setValue(hw.hoursPerDay);
    m_watts->setValue(hw.powerWatts);
    m_kwh->setValue(hw.electricityPerKwh);
}

void CostPanel::setApiPrices(double inputPerMillion, double outputPerMillion) {
    m_apiIn->setValue(inputPerMillion);
    m_apiOut->setValue(outputPerMillion);
}

void CostPanel::recompute() {
    rwb::compare::Hardware hw{m_price->value(), m_years->value(), m_hours->value(),
                              m_watts->value(), m_kwh->value()};
    rwb::compare::ApiPrices api{m_api->currentText(), m_apiDate->text(), m_apiIn->value(),
                                m_apiOut->value()};
    m_table->setRowCount(int(m_models.size()));
    for (int i = 0; i < m_models.size(); ++i) {
        const auto& m = m_models[i];
        const auto c = rwb::compare::costPer1000(m.load, hw, api, m_promptTokens->value());
        QStringList cells = {m.name, QString::number(m.load.tokensPerSecond, 'f', 1),
                             QString::number(m.load.tokensPerAnswer, 'f', 0)};
        if (c) {
            cells << QString::number(c->secondsPerAnswer, 'f', 2) << money(c->localPer1000)
                  << money(c->energyPer1000) << money(c->apiPer1000)
                  << (c->breakEvenAnswers ? QString::number(*c->breakEvenAnswers, 'f', 0)
                                          : tr("never"));
        } else {
            while (cells.size() < ColumnCount) cells << QStringLiteral("–");
        }
        for (int k = 0; k < ColumnCount; ++k)
            m_table->setItem(i, k, new QTableWidgetItem(cells[k]));
    }
}

} // namespace rwb::ui::compare
