// DownloadManager: background downloads for the Library page. Each download runs
// rwb::download_file on its own QThread; progress and completion arrive as queued signals.
// Pause cancels the transfer but keeps the .part file; resume starts it again from there. The
// list of unfinished downloads is kept in QSettings ("library/downloads"), so after a restart
// they come back paused and resume where they stopped.
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>

class QSettings;
class QThread;

namespace rwb::app {

struct DownloadItem {
    QString id; // the destination path
    QString url;
    QString destination;
    QString sha256;
    quint64 expected_size = 0;
    quint64 received = 0;
    quint64 total = 0;
    double bytes_per_second = 0;
    double eta_seconds = -1;
    enum class State { Queued, Running, Paused, Done, Failed } state = State::Queued;
    QString message;
};

class DownloadManager : public QObject {
    Q_OBJECT
public:
    // settings: where unfinished downloads are remembered (not owned; may be null).
    explicit DownloadManager(QSettings* settings, QObject* parent = nullptr);
    ~DownloadManager() override;

    QString mirror() const { return mirror_; }
    void setMirror(const QString& m) { mirror_ = m; }
    QString proxy() const { return proxy_; }
    void setProxy(const QString& p) { proxy_ = p; }

    const QVector<DownloadItem>& items() const { return items_; }
    const DownloadItem* item(const QString& id) const;

public slots:
    // Starts (or resumes) a download into dest. Returns the id (the destination path).
    QString start(const QString& url, const QString& destination, const QString& sha256 = {},
                  quint64 expected_size = 0);
    void pause(const QString& id);
    void resume(const QString& id);
    // Cancels and forgets; removes the partial file.
    void discard(const QString& id);

signals:
    void itemChanged(const QString& id);
    void finished(const QString& id, bool ok, const QString& message);

private:
    struct Running {
        QThread* thread = nullptr;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    void launch(DownloadItem& item);
    void save() const;
    void restore();
    int index_of(const QString& id) const;

    QSettings* settings_;
    QString mirror_, proxy_;
    QVector<DownloadItem> items_;
    QHash<QString, Running> running_;
};

} // namespace rwb::app
