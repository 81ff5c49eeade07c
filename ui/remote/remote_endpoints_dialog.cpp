// RemoteEndpointsDialog; see remote_endpoints_dialog.h.
#include "remote/remote_endpoints_dialog.h"

#include "remote/api_key_store.h"
#include "remote/remote_model_list.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QUuid>
#include <QVBoxLayout>

namespace rwb::ui {

using rwb::remote::ApiKeyStore;
using rwb::remote::RemoteEndpoint;
using rwb::remote::RemoteEndpointList;
using rwb::remote::RemoteModelList;

namespace {
QDoubleSpinBox* costSpin(QWidget* parent, const char* name) {
    auto* s = new QDoubleSpinBox(parent);
    s->setObjectName(QLatin1String(name));
    s->setRange(0, 1e6);
    s->setDecimals(4);
    s->setSuffix(QObject::tr(" per 1M tokens"));
    return s;
}
} // namespace

RemoteEndpointsDialog::RemoteEndpointsDialog(ApiKeyStore* keys, QWidget* parent)
    : QDialog(parent), m_keys(keys), m_lister(new RemoteModelList(this)) {
    setObjectName(QStringLiteral("remoteEndpointsDialog"));
    setWindowTitle(tr("Remote endpoints"));
    auto* outer = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    outer->addLayout(row);

    auto* left = new QVBoxLayout;
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("endpointList"));
    left->addWidget(m_list);
    auto* add = new QPushButton(tr("&Add"), this);
    add->setObjectName(QStringLiteral("addEndpoint"));
    auto* remove = new QPushButton(tr("&Remove"), this);
    remove->setObjectName(QStringLiteral("removeEndpoint"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    left->addLayout(buttons);
    row->addLayout(left, 1);

    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("endpointName"));
    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("endpointUrl"));
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080/v1"));
    m_model = new QLineEdit(this);
    m_model->setObjectName(QStringLiteral("endpointModel"));
    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("endpointKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("None"));
    m_inputCost = costSpin(this, "inputCost");
    m_outputCost = costSpin(this, "outputCost");
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("Base &URL"), m_url);
    form->addRow(tr("&Model"), m_model);
    form->addRow(tr("API &key"), m_key);
    form->addRow(tr("&Input price"), m_inputCost);
    form->addRow(tr("&Output price"), m_outputCost);
    m_test = new QPushButton(tr("&Test connection"), this);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_testResult = new QLabel(this);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_test, m_testResult);
    row->addLayout(form, 2);

    auto* box = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    outer->addWidget(box);

    connect(add, &QPushButton::clicked, this, &RemoteEndpointsDialog::addEndpoint);
    connect(remove, &QPushButton::clicked, this, &RemoteEndpointsDialog::removeCurrent);
    connect(m_test, &QPushButton::clicked, this, &RemoteEndpointsDialog::testConnection);
    connect(box, &QDialogButtonBox::accepted, this, &RemoteEndpointsDialog::save);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        storeFields();
        m_current = row;
        showCurrent();
    });
    for (auto* edit : {m_name, m_url, m_model})
        connect(edit, &QLineEdit::textEdited, this, [this] { storeFields(); });
    connect(m_key, &QLineEdit::textEdited, this, [this] {
        if (m_current < 0) return;
        const QString id = m_endpoints[m_current].id;
        m_keyOf[id] = m_key->text();
        m_keyEdited[id] = true;
    });
    for (auto* spin : {m_inputCost, m_outputCost})
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this] { storeFields(); });
    connect(m_keys, &ApiKeyStore::keyRead, this,
            [this](const QString& id, const QString& key, const QString&) {
                if (m_keyEdited.value(id)) return; // the user typed one meanwhile
                m_keyOf[id] = key;
                if (m_current >= 0 && m_endpoints[m_current].id == id) m_key->setText(key);
            });
    connect(m_keys, &ApiKeyStore::keyWritten, this,
            [this](const QString&, const QString&, const QString& error) {
                if (!error.isEmpty())
                    m_testResult->setText(tr("Saving the key failed: %1").arg(error));
                if (m_pendingKeyWrites > 0 && --m_pendingKeyWrites == 0) finishSave();
            });
    connect(m_lister, &RemoteModelList::listed, this, [this](const QStringList& ids) {
        m_test->setEnabled(true);
        m_testResult->setText(tr("OK: %n model(s): %1", nullptr, int(ids.size()))
                                  .arg(ids.join(QStringLiteral(", "))));
    });
    connect(m_lister, &RemoteModelList::failed, this, [this](const QString& line) {
        m_test->setEnabled(true);
        m_testResult->setText(tr("Failed: %1").arg(line));
    });

    QSettings qs;
    m_endpoints = RemoteEndpointList::load(qs);
    for (const auto& e : m_endpoints) {
        m_list->addItem(e.name);
        m_keys->readKey(e.id);
    }
    if (!m_endpoints.isEmpty()) m_list->setCurrentRow(0);
    showCurrent();
}

void RemoteEndpointsDialog::addEndpoint() {
    RemoteEndpoint e;
    e.id = QStringLiteral("ep-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    e.name = tr("New endpoint");
    e.baseUrl = QStringLiteral("http://127.0.0.1:8080/v1");
    m_endpoints.append(e);
    m_keyOf[e.id] = QString();
    m_list->addItem(e.name);
    m_list->setCurrentRow(m_list->count() - 1);
    m_name->setFocus();
    m_name->selectAll();
}

void RemoteEndpointsDialog::removeCurrent() {
    if (m_current < 0) return;
    const int row = m_current;
    m_removed << m_endpoints[row].id;
    m_endpoints.removeAt(row);
    m_current = -1; // nothing to store back from the form
    delete m_list->takeItem(row);
    m_current = m_list->currentRow();
    showCurrent();
}

void RemoteEndpointsDialog::showCurrent() {
    m_filling = true;
    const bool any = m_current >= 0 && m_current < m_endpoints.size();
    const RemoteEndpoint e = any ? m_endpoints[m_current] : RemoteEndpoint{};
    m_name->setText(e.name);
    m_url->setText(e.baseUrl);
    m_model->setText(e.model);
    m_key->setText(any ? m_keyOf.value(e.id) : QString());
    m_inputCost->setValue(e.inputCostPerMTokens);
    m_outputCost->setValue(e.outputCostPerMTokens);
    for (QWidget* w : std::initializer_list<QWidget*>{m_name, m_url, m_model, m_key, m_inputCost,
                                                      m_outputCost, m_test})
        w->setEnabled(any);
    m_testResult->clear();
    m_filling = false;
}

void RemoteEndpointsDialog::storeFields() {
    if (m_filling || m_current < 0 || m_current >= m_endpoints.size()) return;
    RemoteEndpoint& e = m_endpoints[m_current];
    e.name = m_name->text().trimmed();
    e.baseUrl = m_url->text().trimmed();
    e.model = m_model->text().trimmed();
    e.inputCostPerMTokens = m_inputCost->value();
    e.outputCostPerMTokens = m_outputCost->value();
    if (QListWidgetItem* item = m_list->item(m_current)) item->setText(e.name);
}

void RemoteEndpointsDialog::testConnection() {
    storeFields();
    if (m_current < 0) return;
    const RemoteEndpoint& e = m_endpoints[m_current];
    m_test->setEnabled(false);
    m_testResult->setText(tr("Connecting\u2026"));
    m_lister->fetch(e, m_key->text());
}

void RemoteEndpointsDialog::save() {
    storeFields();
    for (const auto& e : m_endpoints)
        if (const QString bad = e.validate(); !bad.isEmpty()) {
            m_testResult->setText(tr("%1: %2").arg(e.name, bad));
            return; // nothing saved
        }
    QSettings qs;
    RemoteEndpointList::save(qs, m_endpoints);
    for (const QString& id : std::as_const(m_removed)) m_keys->removeKey(id);
    QStringList toWrite;
    for (const auto& e : m_endpoints)
        if (m_keyEdited.value(e.id)) toWrite << e.id;
    m_pendingKeyWrites = int(toWrite.size());
    if (toWrite.isEmpty()) return finishSave();
    for (const QString& id : toWrite) {
        m_keyEdited[id] = false;
        const QString key = m_keyOf.value(id);
        if (key.isEmpty()) {
            --m_pendingKeyWrites;
            m_keys->removeKey(id);
        } else {
            m_keys->writeKey(id, key);
        }
    }
    if (m_pendingKeyWrites == 0) finishSave();
}

void RemoteEndpointsDialog::finishSave() {
    emit saved();
    accept();
}

} // namespace rwb::ui
