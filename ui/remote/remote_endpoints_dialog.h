// RemoteEndpointsDialog: the list of OpenAI-compatible endpoints (Remote > Endpoints…): add, edit,
// remove; name, base URL, model, API key (masked; kept by ApiKeyStore, never in QSettings) and
// price per 1M input/output tokens. "Test connection" asks the endpoint's /models with
// RemoteModelList and shows the answer in one line. Save writes the list to QSettings
// (RemoteEndpointList) and the changed keys to the store; saved() follows once every key write
// has answered.
#pragma once

#include "remote/remote_endpoint.h"

#include <QDialog>
#include <QMap>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace rwb::remote {
class ApiKeyStore;
class RemoteModelList;
} // namespace rwb::remote

namespace rwb::ui {

class RemoteEndpointsDialog : public QDialog {
    Q_OBJECT
public:
    // `keys` must outlive the dialog (the app's store; tests pass a file-backed one).
    explicit RemoteEndpointsDialog(rwb::remote::ApiKeyStore* keys, QWidget* parent = nullptr);

    QList<rwb::remote::RemoteEndpoint> endpoints() const { return m_endpoints; }
    QListWidget* list() const { return m_list; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* urlEdit() const { return m_url; }
    QLineEdit* modelEdit() const { return m_model; }
    QLineEdit* keyEdit() const { return m_key; }
    QDoubleSpinBox* inputCost() const { return m_inputCost; }
    QDoubleSpinBox* outputCost() const { return m_outputCost; }
    QLabel* testResult() const { return m_testResult; }

public slots:
    void addEndpoint();
    void removeCurrent();
    void testConnection();
    void save(); // QSettings + key store; saved() when done (the dialog then closes)

signals:
    void saved();

private:
    void showCurrent();
    void storeFields(); // the form -> m_endpoints[current]
    void finishSave();

    rwb::remote::ApiKeyStore* m_keys;
    rwb::remote::RemoteModelList* m_lister;
    QList<rwb::remote::RemoteEndpoint> m_endpoints;
    QStringList m_removed;          // ids whose keys go at save
    QMap<QString, QString> m_keyOf; // id -> key as shown (read from the store or typed)
    QMap<QString, bool> m_keyEdited;
    int m_current = -1;
    int m_pendingKeyWrites = 0;
    bool m_filling = false;

    QListWidget* m_list;
    QLineEdit* m_name;
    QLineEdit* m_url;
    QLineEdit* m_model;
    QLineEdit* m_key;
    QDoubleSpinBox* m_inputCost;
    QDoubleSpinBox* m_outputCost;
    QPushButton* m_test;
    QLabel* m_testResult;
};

} // namespace rwb::ui
