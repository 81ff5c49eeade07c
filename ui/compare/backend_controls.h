// The backend choice of a local model (CPU, CUDA, Auto; item data: rwb::app::Backend) and its
// GPU layers (-1: all / as many as fit), as compare columns and problem-set runs offer them,
// each started from a value of the app's generation settings.
#pragma once

#include "inference/generation_settings.h"

class QComboBox;
class QSpinBox;
class QWidget;

namespace rwb::ui::compare {

QComboBox* makeBackendBox(rwb::app::Backend initial, const QString& toolTip, QWidget* parent);
QSpinBox* makeGpuLayersSpin(int initial, QWidget* parent);
rwb::app::Backend chosenBackend(const QComboBox* box);
void chooseBackend(QComboBox* box, rwb::app::Backend backend);

} // namespace rwb::ui::compare
