// ModelCache: one rwb::Model per file, shared by every chat that uses it. Thread-safe: workers on
// different threads may acquire at the same time; two loads of the same file wait for one
// another (the second gets the first's Model), loads of different files run in parallel. The
// cache only holds weak references, so a model is unmapped when the last chat drops it.
#pragma once

#include "rwb/model.h"
#include "rwb/status.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace rwb::app {

class ModelCache {
public:
    static ModelCache& instance(); // the app-wide cache

    // The loaded model for `path` (canonicalised, so two spellings of one file share it) placed
    // as `options` say (backend, GPU layers and planned context are part of the key; the
    // progress callback is only called by the load that actually runs).
    // Failure: one line from the engine, prefixed with the file name.
    Result<std::shared_ptr<const Model>> acquire(const std::string& path,
                                                 const ModelOptions& options = {});

    int loadCount() const;  // files actually loaded from disk so far (for tests and stats)
    int aliveCount() const; // models still in use by someone

private:
    struct Entry {
        std::mutex loading; // held while this file loads
        std::weak_ptr<const Model> model;
    };
    mutable std::mutex m_mutex; // guards m_entries and m_loads
    std::map<std::string, std::shared_ptr<Entry>> m_entries;
    int m_loads = 0;
};

} // namespace rwb::app
