#include "rwb/resources.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace rwb {

namespace {

// The running binary's folder, from /proc (Linux) or nothing elsewhere.
fs::path executable_dir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return exe.parent_path();
}

} // namespace

std::vector<std::string> resource_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("RWB_RESOURCE_DIR"); env && *env) dirs.emplace_back(env);
    if (fs::path exe = executable_dir(); !exe.empty())
        dirs.push_back((exe.parent_path() / "share" / "reasoning-workbench").lexically_normal());
#ifdef RWB_SOURCE_RESOURCE_DIR
    dirs.emplace_back(RWB_SOURCE_RESOURCE_DIR);
#endif
    return dirs;
}

Result<std::string> find_resource(const std::string& relative) {
    std::string looked;
    for (const std::string& dir : resource_dirs()) {
        fs::path p = fs::path(dir) / relative;
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
        looked += (looked.empty() ? "" : ", ") + p.string();
    }
    return Status::error("bundled resource '" + relative + "' not found (looked in " + looked +
                         ")");
}

Result<std::string> default_model_path() {
    return find_resource(std::string("models/") + kDefaultModelFile);
}

} // namespace rwb
