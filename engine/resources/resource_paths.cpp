#include "rwb/resources.h"

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <system_error>

#if defined(_WIN32)
#include <windows.h>
#elif defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

namespace fs = std::filesystem;

namespace rwb {

namespace {

// The running binary's folder (Linux /proc, Windows module name, macOS dyld), or empty.
fs::path executable_dir() {
#if defined(_WIN32)
    wchar_t buf[32768];
    const DWORD n = GetModuleFileNameW(nullptr, buf, static_cast<DWORD>(std::size(buf)));
    if (n == 0 || n >= std::size(buf)) return {};
    return fs::path(std::wstring(buf, n)).parent_path();
#elif defined(__APPLE__)
    uint32_t size = 0;
    _NSGetExecutablePath(nullptr, &size);
    std::string buf(size, '\0');
    if (_NSGetExecutablePath(buf.data(), &size) != 0) return {};
    std::error_code ec;
    fs::path exe = fs::canonical(buf.c_str(), ec);
    return ec ? fs::path() : exe.parent_path();
#else
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return exe.parent_path();
#endif
}

#if defined(RWB_SOURCE_RESOURCE_DIR) && defined(RWB_BUILD_TREE_DIR)
// True when `exe_dir` lies inside the build folder this binary was compiled in. Only such a
// development binary may fall back to the source tree: an installed copy (package, tarball) must
// find everything under its own prefix, even on the machine that built it.
bool runs_from_build_tree(const fs::path& exe_dir) {
    std::error_code ec;
    const fs::path build = fs::weakly_canonical(RWB_BUILD_TREE_DIR, ec);
    if (ec || exe_dir.empty()) return false;
    const fs::path exe = fs::weakly_canonical(exe_dir, ec);
    if (ec) return false;
    auto b = build.begin();
    auto e = exe.begin();
    for (; b != build.end(); ++b, ++e)
        if (e == exe.end() || *b != *e) return false;
    return true;
}
#endif

} // namespace

std::vector<std::string> resource_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("RWB_RESOURCE_DIR"); env && *env) dirs.emplace_back(env);
    const fs::path exe = executable_dir();
    if (!exe.empty()) {
#if defined(__APPLE__)
        // App bundle: Contents/MacOS/<exe> and Contents/Resources/share/reasoning-workbench.
        dirs.push_back(
            (exe.parent_path() / "Resources" / "share" / "reasoning-workbench").lexically_normal());
#endif
        dirs.push_back((exe.parent_path() / "share" / "reasoning-workbench").lexically_normal());
    }
#if defined(RWB_SOURCE_RESOURCE_DIR) && defined(RWB_BUILD_TREE_DIR)
    if (runs_from_build_tree(exe)) dirs.emplace_back(RWB_SOURCE_RESOURCE_DIR);
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
