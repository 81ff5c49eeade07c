// SettingsPanel; see settings_panel.h.
#include "settings/settings_panel.h"

#include "inference/remote_turn.h"
#include "models/model_locator.h"
#include "remote/remote_endpoint.h"
#include "theme/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace rwb::ui {

using rwb::app::Backend;
using rwb::app::GenerationSettings;

namespace {
constexpr int kOtherRole = Qt::UserRole + 1; // marks the "Other…" entry
const char* kRecentModelsKey = "ui/otherModels";

QSpinBox* spin(QWidget* parent, const char* name, int min, int max, int step,
               const QString& special = {}) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(QLatin1String(name));
    s->setRange(min, max);
    s->setSingleStep(step);
    if (!special.isEmpty()) s->setSpecialValueText(special);
    return s;
}
} // namespace

SettingsPanel::SettingsPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("settingsPanel"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    outer->addLayout(form);

    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("modelPicker"));
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(12);
    form->addRow(tr("&Model"), m_model);

    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setObjectName(QStringLiteral("temperature"));
    m_temperature->setRange(0.0, 2.0);
    m_temperature->setSingleStep(0.05);
    m_temperature->setDecimals(2);
    form->addRow(tr("&Temperature"), m_temperature);

    m_topP = new QDoubleSpinBox(this);
    m_topP->setObjectName(QStringLiteral("topP"));
    m_topP->setRange(0.0, 1.0);
    m_topP->setSingleStep(0.01);
    m_topP->setDecimals(2);
    form->addRow(tr("Top-&p"), m_topP);

    m_systemPrompt = new QPlainTextEdit(this);
    m_systemPrompt->setObjectName(QStringLiteral("systemPrompt"));
    m_systemPrompt->setPlaceholderText(tr("None (recommended for R1 models)"));
    m_systemPrompt->setTabChangesFocus(true);
    m_systemPrompt->setMaximumHeight(90);
    form->addRow(tr("&System prompt"), m_systemPrompt);

    m_context = spin(this, "contextLength", 256, 131072, 1024);
    form->addRow(tr("&Context length"), m_context);
    m_maxTokens = spin(this, "maxTokens", 0, 131072, 256, tr("No limit"));
    form->addRow(tr("Max &tokens"), m_maxTokens);
    m_thinkingBudget = spin(this, "thinkingBudget", 0, 131072, 256, tr("Unlimited"));
    form->addRow(tr("Thinking &budget"), m_thinkingBudget);
    m_threads = spin(this, "threads", 0, 512, 1, tr("Automatic"));
    form->addRow(tr("T&hreads"), m_threads);

    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("backend"));
    m_backend->addItem(tr("Automatic"), int(Backend::Auto));
    m_backend->addItem(tr("CPU"), int(Backend::Cpu));
    m_backend->addItem(tr("CUDA"), int(Backend::Cuda));
    form->addRow(tr("B&ackend"), m_backend);
    m_gpuLayers = spin(this, "gpuLayers", -1, 1000, 1, tr("All"));
    form->addRow(tr("&GPU layers"), m_gpuLayers);

    // Appearance: applied to the whole application at once and saved under "ui/theme".
    m_theme = new QComboBox(this);
    m_theme->setObjectName(QStringLiteral("themePicker"));
    m_theme->addItem(tr("System"), themeName(Theme::System));
    m_theme->addItem(tr("Light"), themeName(Theme::Light));
    m_theme->addItem(tr("Dark"), themeName(Theme::Dark));
    m_theme->setCurrentIndex(m_theme->findData(themeName(savedTheme())));
    form->addRow(tr("A&ppearance"), m_theme);
    connect(m_theme, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        const Theme theme = themeFromName(m_theme->itemData(index).toString());
        saveTheme(theme);
        if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance()))
            applyTheme(*app, theme);
    });

    m_expandThinking = new QCheckBox(tr("&Expand thinking by default"), this);
    m_expandThinking->setObjectName(QStringLiteral("expandThinking"));
    outer->addWidget(m_expandThinking);

    m_warnings = new QLabel(this);
    m_warnings->setObjectName(QStringLiteral("settingsWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("color: #b26a00;"));
    outer->addWidget(m_warnings);
    outer->addStretch(1);

    buildModelPicker();
    QSettings qs;
    m_expandThinking->setChecked(qs.value(QLatin1String(kExpandThinkingKey), false).toBool());
    setSettings(GenerationSettings::load(qs));

    const auto changed = [this] { commit(); };
    connect(m_model, qOverload<int>(&QComboBox::activated), this, &SettingsPanel::onModelActivated);
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_topP, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_systemPrompt, &QPlainTextEdit::textChanged, this, changed);
    for (QSpinBox* s : {m_context, m_maxTokens, m_thinkingBudget, m_threads, m_gpuLayers})
        connect(s, &QSpinBox::valueChanged, this, changed);
    connect(m_backend, qOverload<int>(&QComboBox::currentIndexChanged), this, changed);
    connect(m_expandThinking, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(QLatin1String(kExpandThinkingKey), on);
        emit expandThinkingChanged(on);
    });
}

void SettingsPanel::buildModelPicker() {
    m_model->clear();
    for (const QString& path : rwb::app::ModelLocator::bundledModels())
        m_model->addItem(QFileInfo(path).completeBaseName(), path);
    for (const QString& path : QSettings().value(QLatin1String(kRecentModelsKey)).toStringList())
        if (QFileInfo::exists(path) && m_model->findData(path) < 0)
            m_model->addItem(QFileInfo(path).fileName(), path);
    m_model->addItem(tr("Other\u2026"));
    m_model->setItemData(m_model->count() - 1, true, kOtherRole);
    refreshRemoteModels();
}

void SettingsPanel::refreshRemoteModels() {
    const QString current = m_model->currentData().toString();
    const bool wasLoading = m_loading;
    m_loading = true; // rebuilding the list is not a user's choice
    for (int i = m_model->count() - 1; i >= 0; --i)
        if (rwb::app::RemoteTurn::isRemoteModel(m_model->itemData(i).toString()))
            m_model->removeItem(i);
    QSettings qs;
    for (const auto& e : rwb::remote::RemoteEndpointList::load(qs))
        m_model->insertItem(m_model->count() - 1, tr("remote: %1 / %2").arg(e.name, e.model),
                            rwb::app::RemoteTurn::modelPathFor(e.id));
    const int index = m_model->findData(current);
    if (index >= 0) m_model->setCurrentIndex(index);
    m_loading = wasLoading;
}

void SettingsPanel::selectModelFile(const QString& path) {
    int index = m_model->findData(path);
    if (index < 0) {
        index = m_model->count() - 1; // before "Other…"
        m_model->insertItem(index, QFileInfo(path).fileName(), path);
        QSettings qs;
        QStringList recent = qs.value(QLatin1String(kRecentModelsKey)).toStringList();
        recent.removeAll(path);
        recent.prepend(path);
        qs.setValue(QLatin1String(kRecentModelsKey), recent.mid(0, 10));
    }
    m_model->setCurrentIndex(index);
    commit();
}

void SettingsPanel::onModelActivated(int index) {
    if (!m_model->itemData(index, kOtherRole).toBool()) return commit();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a GGUF model"),
                                                      QFileInfo(m_lastModel).absolutePath(),
                                                      tr("GGUF models (*.gguf);;All files (*)"));
    if (path.isEmpty()) { // cancelled: back to the model in use
        const int previous = m_model->findData(m_lastModel);
        m_model->setCurrentIndex(previous >= 0 ? previous : 0);
        return;
    }
    selectModelFile(path);
}

void SettingsPanel::focusModelPicker() {
    m_model->setFocus(Qt::ShortcutFocusReason);
    m_model->showPopup();
}

bool SettingsPanel::expandThinkingByDefault() const {
    return m_expandThinking->isChecked();
}

GenerationSettings SettingsPanel::settings() const {
    // Start from what is saved so fields this panel does not show (seed, top-k) are kept.
    QSettings qs;
    GenerationSettings s = GenerationSettings::load(qs);
    const bool other = m_model->currentData(kOtherRole).toBool();
    s.modelPath = other ? m_lastModel : m_model->currentData().toString();
    s.temperature = m_temperature->value();
    s.topP = m_topP->value();
    s.systemPrompt = m_systemPrompt->toPlainText();
    s.contextLength = m_context->value();
    s.maxTokens = m_maxTokens->value();
    s.thinkingBudget = m_thinkingBudget->value();
    s.threads = m_threads->value();
    s.backend = Backend(m_backend->currentData().toInt());
    s.gpuLayers = m_gpuLayers->value();
    return s;
}

void SettingsPanel::setSettings(const GenerationSettings& s) {
    m_loading = true;
    QString model = s.modelPath;
    if (model.isEmpty()) model = rwb::app::ModelLocator::defaultModelPath();
    if (!model.isEmpty() && m_model->findData(model) < 0)
        m_model->insertItem(m_model->count() - 1, QFileInfo(model).fileName(), model);
    const int index = m_model->findData(model);
    m_model->setCurrentIndex(index >= 0 ? index : 0);
    m_temperature->setValue(s.temperature);
    m_topP->setValue(s.topP);
    if (m_systemPrompt->toPlainText() != s.systemPrompt)
        m_systemPrompt->setPlainText(s.systemPrompt);
    m_context->setValue(s.contextLength);
    m_maxTokens->setValue(s.maxTokens);
    m_thinkingBudget->setValue(s.thinkingBudget);
    m_threads->setValue(s.threads);
    m_backend->setCurrentIndex(std::max(0, m_backend->findData(int(s.backend))));
    m_gpuLayers->setValue(s.gpuLayers);
    m_loading = false;
    commit();
}

void SettingsPanel::commit() {
    if (m_loading) return;
    const GenerationSettings s = settings();
    QSettings qs;
    s.save(qs);
    updateWarnings();
    if (s.modelPath != m_lastModel) {
        m_lastModel = s.modelPath;
        emit modelChanged(s.modelPath);
    }
    emit settingsChanged(s);
}

void SettingsPanel::updateWarnings() {
    // Values known to cut R1's thoughts short (DeepSeek's usage recommendations).
    QStringList w;
    if (m_topP->value() < 0.9) w << tr("Top-p far below 0.95 can cut the thought short.");
    if (m_temperature->value() < 0.5 || m_temperature->value() > 0.7)
        w << tr("R1 models work best at temperature 0.5\u20130.7 (0.6 recommended).");
    if (!m_systemPrompt->toPlainText().trimmed().isEmpty())
        w << tr("R1 models work best without a system prompt.");
    if (m_context->value() < 2048) w << tr("A small context leaves little room to think.");
    if (m_maxTokens->value() > 0 && m_maxTokens->value() < 1024)
        w << tr("A low max-tokens limit can end the answer mid-thought.");
    m_warnings->setText(w.join(QLatin1Char('\n')));
    m_warnings->setVisible(!w.isEmpty());
}

} // namespace rwb::ui
