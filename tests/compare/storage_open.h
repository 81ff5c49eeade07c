// Opens a history database on a storage thread, as the main window does, for the compare tests.
#pragma once

#include "storage_worker.h"

#include <QMetaObject>
#include <QSignalSpy>
#include <QString>
#include <QtGlobal>

namespace compare_test {

// True once the worker reports the database open. On failure it says why (the store's error, or
// no answer in time: a loaded 2-core CI machine running tests side by side once took over 10 s).
inline bool openStorage(rwb::storage::StorageWorker* worker, const QString& path) {
    QSignalSpy opened(worker, &rwb::storage::StorageWorker::opened);
    QMetaObject::invokeMethod(worker, [worker, path] { worker->open(1, path); });
    if (!opened.wait(30000)) {
        qWarning("openStorage: no answer from the storage thread in 30 s for %s", qPrintable(path));
        return false;
    }
    if (!opened.first().at(1).toBool()) {
        qWarning("openStorage: %s", qPrintable(opened.first().at(3).toString()));
        return false;
    }
    return true;
}

} // namespace compare_test
