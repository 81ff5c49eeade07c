// CostPanel: for each local model, the cost of 1,000 answers from its measured speed and
// tokens per answer, the hardware price (written off over its life), power draw and
// electricity price; beside it the same answers at an API's per-token prices (editable;
// examples prefilled with the date of their prices, then the saved remote endpoints with the
// prices per 1M input/output tokens the user gave them) and the break-even volume.
#pragma once

#include "compare/cost_model.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QTableWidget;
class QLabel;

namespace rwb::ui::compare {

struct ModelLoad {
    QString name;
    rwb::compare::LocalModelLoad load;
};

class CostPanel : public QWidget {
    Q_OBJECT
public:
    explicit CostPanel(QWidget* parent = nullptr);

    void setModels(const QVector<ModelLoad>& models);
    void setHardware(const rwb::compare::Hardware& hw);
    void setApiPrices(double inputPerMillion, double outputPerMillion);
    QTableWidget* table() const { return m_table; }
    QComboBox* apiPicker() const { return m_api; }
    // Re-reads the saved remote endpoints (RemoteEndpointList in QSettings) into the API list.
    void refreshEndpoints();

    enum Column {
        Model,
        TokensPerSecond,
        TokensPerAnswer,
        SecondsPerAnswer,
        LocalPer1000,
        EnergyPer1000,
        ApiPer1000,
        BreakEven,
        ColumnCount
    };

private:
    void recompute();

    QVector<ModelLoad> m_models;
    QVector<rwb::compare::ApiPrices> m_apiChoices; // examples, then saved endpoints
    QDoubleSpinBox* m_price;
    QDoubleSpinBox* m_years;
    QDoubleSpinBox* m_hours;
    QDoubleSpinBox* m_watts;
    QDoubleSpinBox* m_kwh;
    QDoubleSpinBox* m_promptTokens;
    QComboBox* m_api;
    QDoubleSpinBox* m_apiIn;
    QDoubleSpinBox* m_apiOut;
    QLabel* m_apiDate;
    QTableWidget* m_table;
};

} // namespace rwb::ui::compare
