// Folder walk: regular files at any depth; symlinks resolved and de-duplicated by target.
#include "library/library_scanner.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

namespace rwb::app {

void LibraryScanner::scan(const QStringList& folders, qint64 n_ctx) {
    cancel_.store(false);
    QSet<QString> seen;
    QStringList files;
    for (const QString& folder : folders) {
        QDirIterator it(folder, QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden,
                        QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
        while (it.hasNext() && !cancel_.load()) {
            const QFileInfo info(it.next());
            const QString real = info.canonicalFilePath();
            if (real.isEmpty() || seen.contains(real)) continue;
            seen.insert(real);
            if (info.size() < 4) continue;
            // Named .gguf, or any file starting with the magic (Ollama blobs, HF blobs).
            if (info.suffix().compare("gguf", Qt::CaseInsensitive) == 0 || has_gguf_magic(real))
                files << (info.isSymLink() ? info.absoluteFilePath() : real);
        }
    }
    scanFiles(files, n_ctx);
}

void LibraryScanner::scanFiles(const QStringList& files, qint64 n_ctx) {
    int n = 0;
    for (const QString& f : files) {
        if (cancel_.load()) break;
        emit entryFound(read_library_entry(f, n_ctx));
        ++n;
    }
    emit finished(n);
}

} // namespace rwb::app
