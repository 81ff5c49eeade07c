// CompareView: pick 2 to 4 models, type one prompt, and watch them answer side by side: a
// column each (live thinking block, answer, stats, stop), a metrics table under the columns
// (time to first token and first answer token, thinking time and tokens, answer tokens, tok/s
// per phase, memory, final answer, agreement), "Send again" with a new seed, a thought diff of
// two columns, and "Continue in chat" for any column. The pickers offer local GGUF files and
// saved remote endpoints ("remote:<id>"); a "CPU threads" box sets the total the local columns
// share.
#pragma once

#include "compare/compare_session.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;
class QHBoxLayout;
class QTableWidget;
class QLabel;
class QSpinBox;

namespace rwb::ui::compare {

class CompareColumn;
class ThoughtDiffView;

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    // The models offered in the pickers (GGUF paths); the first ones are preselected.
    void setAvailableModels(const QStringList& paths);
    // Picks exactly these models (2..4) in the pickers.
    void selectModels(const QStringList& paths);
    QStringList selectedModels() const;
    // Picker i's backend (CPU, CUDA, Auto; item data: rwb::app::Backend) and GPU layers (-1:
    // all / as many as fit), for the column it makes; they start from the generation settings.
    QComboBox* backendBox(int picker) const { return m_backends[picker]; }
    QSpinBox* gpuLayersSpin(int picker) const { return m_gpuLayers[picker]; }

    rwb::compare::CompareSession* session() const { return m_session; }
    QVector<CompareColumn*> columns() const { return m_columns; }
    QTableWidget* metricsTable() const { return m_metrics; }
    ThoughtDiffView* diffView() const { return m_diff; }
    QLineEdit* promptEdit() const { return m_prompt; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* sendAgainButton() const { return m_again; }
    // Total CPU threads split between the local columns that run together (QSettings
    // "compare/cpuThreads"; default: the machine's physical cores).
    QSpinBox* threadsSpin() const { return m_threads; }
    quint64 lastSeed() const { return m_seed; }

    // Sends the prompt to the selected models (same as the Send button). False: one line in
    // the status label says why (fewer than two models, empty prompt).
    bool send(quint64 seed);
    void showDiff(int left, int right);
    QString statusText() const;

    enum MetricsColumn {
        Model,
        State,
        Ttft,
        FirstAnswer,
        ThinkSeconds,
        ThinkTokens,
        AnswerTokens,
        ThinkTps,
        AnswerTps,
        Memory,
        FinalAnswer,
        Agrees,
        MetricsColumnCount
    };

signals:
    // The user wants column `modelPath`'s reply as a normal conversation.
    void continueInChat(const QString& modelPath, const QString& prompt, const QString& thinking,
                        const QString& answer);

private:
    void rebuildColumns();
    void updateMetrics(int column);
    void onStateChanged(int column, rwb::compare::ColumnState state);

    rwb::compare::CompareSession* m_session;
    QVector<QComboBox*> m_pickers;
    QVector<QComboBox*> m_backends;
    QVector<QSpinBox*> m_gpuLayers;
    QLineEdit* m_prompt;
    QPushButton* m_send;
    QPushButton* m_again;
    QSpinBox* m_threads;
    QPushButton* m_diffButton;
    QComboBox* m_diffLeft;
    QComboBox* m_diffRight;
    QLabel* m_status;
    QHBoxLayout* m_columnsLayout;
    QVector<CompareColumn*> m_columns;
    QTableWidget* m_metrics;
    ThoughtDiffView* m_diff;
    quint64 m_seed = 0;
};

} // namespace rwb::ui::compare
