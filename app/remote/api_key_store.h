// ApiKeyStore: where endpoint API keys live. The system keychain (qtkeychain: Secret Service,
// KWallet, macOS Keychain, Windows Credential Store) when the build has it and a keychain
// answers; otherwise a file readable only by the user (0600, folder 0700) under
// QStandardPaths::AppDataLocation/remote-keys. Asynchronous like the keychain itself: results
// come as signals (queued, also for the file backend, so callers see one behaviour).
#pragma once

#include <QObject>
#include <QString>

namespace rwb::remote {

class ApiKeyStore : public QObject {
    Q_OBJECT
public:
    enum class Backend {
        Auto,     // keychain, falling back to the file when no keychain answers
        Keychain, // keychain only (fails without one)
        File,     // the 0600 file only
    };
    // fileDir: where key files go (empty: AppDataLocation/remote-keys).
    explicit ApiKeyStore(Backend backend = Backend::Auto, QString fileDir = {},
                         QObject* parent = nullptr);

    static bool keychainAvailable(); // built with qtkeychain
    QString fileDir() const { return fileDir_; }
    QString keyFilePath(const QString& endpointId) const;

    void writeKey(const QString& endpointId, const QString& key);
    void readKey(const QString& endpointId);
    void removeKey(const QString& endpointId);

signals:
    // error is empty on success; where says "keychain" or "file".
    void keyWritten(const QString& endpointId, const QString& where, const QString& error);
    // key is empty when none is stored (error empty) or on failure (error set).
    void keyRead(const QString& endpointId, const QString& key, const QString& error);
    void keyRemoved(const QString& endpointId, const QString& error);

private:
    QString writeFile(const QString& id, const QString& key) const; // "" or an error
    QString readFile(const QString& id, QString& key) const;
    QString removeFile(const QString& id) const;
    void keychainWrite(const QString& id, const QString& key);
    void keychainRead(const QString& id);
    void keychainRemove(const QString& id);
    bool validId(const QString& id) const;

    Backend backend_;
    QString fileDir_;
};

} // namespace rwb::remote
