// LibraryScanner: walks folders for GGUF files on a worker thread (move it to a QThread and
// call scan() through a queued connection). Files are recognised by the GGUF magic, so Ollama's
// extension-less blobs and Hugging Face cache snapshots are found too; each real file is read
// once however many symlinks point at it. Read-only.
#pragma once

#include "library/library_entry.h"

#include <QObject>
#include <QStringList>
#include <atomic>

namespace rwb::app {

class LibraryScanner : public QObject {
    Q_OBJECT
public:
    explicit LibraryScanner(QObject* parent = nullptr) : QObject(parent) {}
    void cancel() { cancel_.store(true); }

public slots:
    void scan(const QStringList& folders, qint64 n_ctx);
    void scanFiles(const QStringList& files, qint64 n_ctx);

signals:
    void entryFound(const rwb::app::LibraryEntry& entry);
    void finished(int files);

private:
    std::atomic<bool> cancel_{false};
};

} // namespace rwb::app
