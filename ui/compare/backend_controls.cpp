// Backend and GPU layer controls (see backend_controls.h).
#include "compare/backend_controls.h"

#include <QComboBox>
#include <QSpinBox>

namespace rwb::ui::compare {

QComboBox* makeBackendBox(rwb::app::Backend initial, const QString& toolTip, QWidget* parent) {
    auto* box = new QComboBox(parent);
    box->addItem(QObject::tr("CPU"), int(rwb::app::Backend::Cpu));
    box->addItem(QObject::tr("CUDA"), int(rwb::app::Backend::Cuda));
    box->addItem(QObject::tr("Auto"), int(rwb::app::Backend::Auto));
    box->setCurrentIndex(box->findData(int(initial)));
    box->setToolTip(toolTip);
    return box;
}

QSpinBox* makeGpuLayersSpin(int initial, QWidget* parent) {
    auto* layers = new QSpinBox(parent);
    layers->setRange(-1, 999);
    layers->setSpecialValueText(QObject::tr("GPU layers: all"));
    layers->setPrefix(QObject::tr("GPU layers: "));
    layers->setValue(initial);
    layers->setToolTip(QObject::tr("Layers on the GPU; \"all\" (-1): every layer for CUDA, as "
                                   "many as fit for Auto"));
    return layers;
}

rwb::app::Backend chosenBackend(const QComboBox* box) {
    return rwb::app::Backend(box->currentData().toInt());
}

void chooseBackend(QComboBox* box, rwb::app::Backend backend) {
    if (const int i = box->findData(int(backend)); i >= 0) box->setCurrentIndex(i);
}

} // namespace rwb::ui::compare
