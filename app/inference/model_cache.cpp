// ModelCache; see model_cache.h.
#include "inference/model_cache.h"

#include <filesystem>

namespace rwb::app {

ModelCache& ModelCache::instance() {
    static ModelCache cache;
    return cache;
}

Result<std::shared_ptr<const Model>> ModelCache::acquire(const std::string& path,
                                                         const ModelOptions& options) {
    std::error_code ec;
    std::string key = std::filesystem::weakly_canonical(path, ec).string();
    if (ec || key.empty()) key = path;
    // GPU layers and the planned context only change a load that may use the GPU.
    key += '|' + std::string(backend_name(options.backend)) + '|' +
           (options.load_tokenizer ? "tok" : "notok");
    if (options.backend != Backend::Cpu)
        key += '|' + std::to_string(options.gpu_layers) + '|' + std::to_string(options.plan_n_ctx);

    std::shared_ptr<Entry> entry;
    {
        std::lock_guard lock(m_mutex);
        auto& slot = m_entries[key];
        if (!slot) slot = std::make_shared<Entry>();
        entry = slot;
    }
    // Only this file's loaders wait here; other files load in parallel.
    std::lock_guard loading(entry->loading);
    if (auto alive = entry->model.lock()) return alive;
    auto loaded = Model::load(path, options);
    if (!loaded) {
        const std::string name = std::filesystem::path(path).filename().string();
        return Result<std::shared_ptr<const Model>>::error(name + ": " + loaded.message());
    }
    entry->model = *loaded;
    std::lock_guard lock(m_mutex);
    ++m_loads;
    return *loaded;
}

int ModelCache::loadCount() const {
    std::lock_guard lock(m_mutex);
    return m_loads;
}

int ModelCache::aliveCount() const {
    std::lock_guard lock(m_mutex);
    int n = 0;
    for (const auto& [key, entry] : m_entries)
        if (!entry->model.expired()) ++n;
    return n;
}

} // namespace rwb::app
