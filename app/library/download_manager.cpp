// DownloadManager: one QThread per running download (QThread::create), results posted back to
// the manager's thread with QMetaObject::invokeMethod.
#include "library/download_manager.h"

#include "rwb/download.h"

#include <QFile>
#include <QPointer>
#include <QSettings>
#include <QThread>

namespace rwb::app {

DownloadManager::DownloadManager(QSettings* settings, QObject* parent)
    : QObject(parent), settings_(settings) {
    restore();
}

DownloadManager::~DownloadManager() {
    for (auto& r : running_) r.cancel->store(true);
    for (auto& r : running_) {
        r.thread->wait();
        delete r.thread;
    }
}

int DownloadManager::index_of(const QString& id) const {
    for (int i = 0; i < int(items_.size()); ++i)
        if (items_[i].id == id) return i;
    return -1;
}

const DownloadItem* DownloadManager::item(const QString& id) const {
    const int i = index_of(id);
    return i < 0 ? nullptr : &items_[i];
}

QString DownloadManager::start(const QString& url, const QString& destination,
                               const QString& sha256, quint64 expected_size) {
    int i = index_of(destination);
    if (i < 0) {
        DownloadItem item;
        item.id = destination;
        items_.push_back(item);
        i = int(items_.size()) - 1;
    }
    DownloadItem& item = items_[i];
    item.url = url;
    item.destination = destination;
    item.sha256 = sha256;
    item.expected_size = expected_size;
    if (!running_.contains(item.id)) launch(item);
    save();
    return item.id;
}

void DownloadManager::launch(DownloadItem& item) {
    item.state = DownloadItem::State::Running;
    item.message.clear();
    rwb::DownloadRequest req;
    req.url = item.url.toStdString();
    req.destination = item.destination.toStdString();
    req.sha256 = item.sha256.toStdString();
    req.expected_size = item.expected_size;
    req.mirror = mirror_.toStdString();
    req.proxy = proxy_.toStdString();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    const QString id = item.id;
    QPointer<DownloadManager> self(this);
    QThread* thread = QThread::create([req, cancel, id, self] {
        const auto result = rwb::download_file(
            req,
            [&](const rwb::DownloadProgress& p) {
                if (!self) return;
                QMetaObject::invokeMethod(self, [self, id, p] {
                    if (!self) return;
                    const int i = self->index_of(id);
                    if (i < 0) return;
                    auto& it = self->items_[i];
                    it.received = p.received;
                    it.total = p.total;
                    it.bytes_per_second = p.bytes_per_second;
                    it.eta_seconds = p.eta_seconds;
                    emit self->itemChanged(id);
                });
            },
            cancel.get());
        if (!self) return;
        QMetaObject::invokeMethod(self, [self, id, result] {
            if (!self) return;
            const int i = self->index_of(id);
            if (auto r = self->running_.take(id); r.thread) {
                r.thread->wait();
                r.thread->deleteLater();
            }
            if (i < 0) return;
            auto& it = self->items_[i];
            const QString message = QString::fromStdString(result.message);
            if (result.ok()) {
                it.state = DownloadItem::State::Done;
                it.received = it.total = result.bytes;
                it.eta_seconds = 0;
            } else if (result.error == rwb::DownloadError::Cancelled) {
                it.state = DownloadItem::State::Paused;
            } else {
                it.state = DownloadItem::State::Failed;
            }
            it.message = message;
            self->save();
            emit self->itemChanged(id);
            if (it.state != DownloadItem::State::Paused)
                emit self->finished(id, result.ok(), message);
        });
    });
    running_.insert(id, Running{thread, cancel});
    thread->start();
    emit itemChanged(id);
}

void DownloadManager::pause(const QString& id) {
    if (auto it = running_.find(id); it != running_.end()) it->cancel->store(true);
}

void DownloadManager::resume(const QString& id) {
    const int i = index_of(id);
    if (i < 0 || running_.contains(id)) return;
    if (items_[i].state == DownloadItem::State::Done) return;
    launch(items_[i]);
}

void DownloadManager::discard(const QString& id) {
    if (auto it = running_.find(id); it != running_.end()) {
        it->cancel->store(true);
        it->thread->wait();
        delete it->thread;
        running_.erase(it);
    }
    const int i = index_of(id);
    if (i < 0) return;
    const std::string dest = items_[i].destination.toStdString();
    QFile::remove(QString::fromStdString(rwb::download_part_path(dest)));
    QFile::remove(QString::fromStdString(rwb::download_sidecar_path(dest)));
    items_.remove(i);
    save();
    emit itemChanged(id);
}

void DownloadManager::save() const {
    if (!settings_) return;
    settings_->beginWriteArray("library/downloads");
    int n = 0;
    for (const auto& it : items_) {
        if (it.state == DownloadItem::State::Done) continue;
        settings_->setArrayIndex(n++);
        settings_->setValue("url", it.url);
        settings_->setValue("destination", it.destination);
        settings_->setValue("sha256", it.sha256);
        settings_->setValue("expected_size", it.expected_size);
    }
    settings_->endArray();
    settings_->sync();
}

void DownloadManager::restore() {
    if (!settings_) return;
    const int n = settings_->beginReadArray("library/downloads");
    for (int i = 0; i < n; ++i) {
        settings_->setArrayIndex(i);
        DownloadItem it;
        it.url = settings_->value("url").toString();
        it.destination = settings_->value("destination").toString();
        it.id = it.destination;
        it.sha256 = settings_->value("sha256").toString();
        it.expected_size = settings_->value("expected_size").toULongLong();
        it.state = DownloadItem::State::Paused;
        const QString part =
            QString::fromStdString(rwb::download_part_path(it.destination.toStdString()));
        it.received = quint64(QFile(part).size());
        it.total = it.expected_size;
        if (!it.url.isEmpty() && !it.destination.isEmpty()) items_.push_back(it);
    }
    settings_->endArray();
}

} // namespace rwb::app
