// ApiKeyStore (see api_key_store.h).
#include "remote/api_key_store.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>

#ifdef RWB_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace rwb::remote {
namespace {

const QString kService = QStringLiteral("reasoning-workbench");
constexpr auto kOwnerRw = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

} // namespace

ApiKeyStore::ApiKeyStore(Backend backend, QString fileDir, QObject* parent)
    : QObject(parent), backend_(backend), fileDir_(std::move(fileDir)) {
    if (fileDir_.isEmpty())
        fileDir_ = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                   QStringLiteral("/remote-keys");
#ifndef RWB_HAVE_QTKEYCHAIN
    if (backend_ == Backend::Auto) backend_ = Backend::File;
#endif
}

bool ApiKeyStore::keychainAvailable() {
#ifdef RWB_HAVE_QTKEYCHAIN
    return true;
#else
    return false;
#endif
}

bool ApiKeyStore::validId(const QString& id) const {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return re.match(id).hasMatch(); // also keeps ids from naming files outside fileDir
}

QString ApiKeyStore::keyFilePath(const QString& endpointId) const {
    return fileDir_ + QLatin1Char('/') + endpointId + QStringLiteral(".key");
}

QString ApiKeyStore::writeFile(const QString& id, const QString& key) const {
    if (!QDir().mkpath(fileDir_)) return QStringLiteral("cannot create %1").arg(fileDir_);
    QFile::setPermissions(fileDir_,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QFile f(keyFilePath(id));
    // Created 0600 from the start, so the key is never readable by others, not even briefly.
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate, kOwnerRw))
        return QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString());
    if (!f.setPermissions(kOwnerRw)) // an older file may have had wider permissions
        return QStringLiteral("cannot restrict %1 to its owner").arg(f.fileName());
    const QByteArray data = key.toUtf8();
    if (f.write(data) != data.size() || !f.flush())
        return QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString());
    return {};
}

QString ApiKeyStore::readFile(const QString& id, QString& key) const {
    key.clear();
    QFile f(keyFilePath(id));
    if (!f.exists()) return {};
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString());
    key = QString::fromUtf8(f.read(64 * 1024)).trimmed();
    return {};
}

QString ApiKeyStore::removeFile(const QString& id) const {
    QFile f(keyFilePath(id));
    if (f.exists() && !f.remove())
        return QStringLiteral("cannot remove %1: %2").arg(f.fileName(), f.errorString());
    return {};
}

void ApiKeyStore::writeKey(const QString& id, const QString& key) {
    if (!validId(id)) {
        QMetaObject::invokeMethod(
            this, [=, this] { emit keyWritten(id, {}, QStringLiteral("invalid endpoint id")); },
            Qt::QueuedConnection);
        return;
    }
    if (backend_ != Backend::File) return keychainWrite(id, key);
    const QString error = writeFile(id, key);
    QMetaObject::invokeMethod(
        this, [=, this] { emit keyWritten(id, QStringLiteral("file"), error); },
        Qt::QueuedConnection);
}

void ApiKeyStore::readKey(const QString& id) {
    if (!validId(id)) {
        QMetaObject::invokeMethod(
            this, [=, this] { emit keyRead(id, {}, QStringLiteral("invalid endpoint id")); },
            Qt::QueuedConnection);
        return;
    }
    if (backend_ != Backend::File) return keychainRead(id);
    QString key;
    const QString error = readFile(id, key);
    QMetaObject::invokeMethod(
        this, [=, this] { emit keyRead(id, key, error); }, Qt::QueuedConnection);
}

void ApiKeyStore::removeKey(const QString& id) {
    if (!validId(id)) {
        QMetaObject::invokeMethod(
            this, [=, this] { emit keyRemoved(id, QStringLiteral("invalid endpoint id")); },
            Qt::QueuedConnection);
        return;
    }
    if (backend_ != Backend::File) return keychainRemove(id);
    const QString error = removeFile(id);
    QMetaObject::invokeMethod(
        this, [=, this] { emit keyRemoved(id, error); }, Qt::QueuedConnection);
}

#ifdef RWB_HAVE_QTKEYCHAIN
void ApiKeyStore::keychainWrite(const QString& id, const QString& key) {
    auto* job = new QKeychain::WritePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(id);
    job->setTextData(key);
    connect(job, &QKeychain::Job::finished, this, [=, this](QKeychain::Job* j) {
        if (j->error() == QKeychain::NoError) {
            removeFile(id); // a copy from an earlier fallback must not linger
            emit keyWritten(id, QStringLiteral("keychain"), {});
        } else if (backend_ == Backend::Auto) {
            emit keyWritten(id, QStringLiteral("file"), writeFile(id, key));
        } else {
            emit keyWritten(id, QStringLiteral("keychain"), j->errorString());
        }
    });
    job->start();
}

void ApiKeyStore::keychainRead(const QString& id) {
    auto* job = new QKeychain::ReadPasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(id);
    connect(job, &QKeychain::Job::finished, this, [=, this](QKeychain::Job* j) {
        auto* rj = static_cast<QKeychain::ReadPasswordJob*>(j);
        if (j->error() == QKeychain::NoError) return emit keyRead(id, rj->textData(), {});
        if (backend_ == Backend::Auto) { // no keychain, or stored in the file earlier
            QString key;
            const QString error = readFile(id, key);
            return emit keyRead(id, key, error);
        }
        emit keyRead(id, {}, j->error() == QKeychain::EntryNotFound ? QString() : j->errorString());
    });
    job->start();
}

void ApiKeyStore::keychainRemove(const QString& id) {
    auto* job = new QKeychain::DeletePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(id);
    connect(job, &QKeychain::Job::finished, this, [=, this](QKeychain::Job* j) {
        const QString fileError = backend_ == Backend::Auto ? removeFile(id) : QString();
        const bool gone =
            j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
        emit keyRemoved(id, gone || backend_ == Backend::Auto ? fileError : j->errorString());
    });
    job->start();
}
#else
void ApiKeyStore::keychainWrite(const QString& id, const QString&) {
    emit keyWritten(id, QStringLiteral("keychain"), QStringLiteral("built without qtkeychain"));
}
void ApiKeyStore::keychainRead(const QString& id) {
    emit keyRead(id, {}, QStringLiteral("built without qtkeychain"));
}
void ApiKeyStore::keychainRemove(const QString& id) {
    emit keyRemoved(id, QStringLiteral("built without qtkeychain"));
}
#endif

} // namespace rwb::remote
