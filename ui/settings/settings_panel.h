// SettingsPanel: the right pane. The model (bundled demo models plus "Other…" to pick a GGUF
// file), sampling with the R1 defaults, limits, threads and backend, and the global "expand
// thinking by default" preference. Every change is saved at once in QSettings (the generation
// fields through GenerationSettings::save, under "generation/"), so they survive a restart.
#pragma once

#include "inference/generation_settings.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QSpinBox;

namespace rwb::ui {

class SettingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPanel(QWidget* parent = nullptr);

    rwb::app::GenerationSettings settings() const;
    // Shows `s` in the widgets (and saves it).
    void setSettings(const rwb::app::GenerationSettings& s);
    bool expandThinkingByDefault() const;

    QComboBox* modelPicker() const { return m_model; }
    void focusModelPicker(); // Ctrl+K: focus and open the list
    // Adds the file to the picker (if new) and selects it; used by "Other…" and tests.
    void selectModelFile(const QString& path);
    // Re-reads the remote endpoints (RemoteEndpointList in QSettings) into the picker, shown as
    // "remote: <endpoint name> / <model>" (data "remote:<id>"); keeps the current choice.
    void refreshRemoteModels();

    static constexpr const char* kExpandThinkingKey = "ui/expandThinkingByDefault";

signals:
    void settingsChanged(const rwb::app::GenerationSettings& settings);
    void modelChanged(const QString& path);
    void expandThinkingChanged(bool expanded);

private:
    void buildModelPicker();
    void onModelActivated(int index);
    void commit(); // widgets -> QSettings + settingsChanged
    void updateWarnings();

    QComboBox* m_model;
    QDoubleSpinBox* m_temperature;
    QDoubleSpinBox* m_topP;
    QPlainTextEdit* m_systemPrompt;
    QSpinBox* m_context;
    QSpinBox* m_maxTokens;
    QSpinBox* m_thinkingBudget;
    QSpinBox* m_threads;
    QComboBox* m_backend;
    QComboBox* m_theme; // Appearance: System / Light / Dark
    QSpinBox* m_gpuLayers;
    QCheckBox* m_expandThinking;
    QLabel* m_warnings;
    QString m_lastModel;
    bool m_loading = false; // setting widgets from code: no commit per field
};

} // namespace rwb::ui
