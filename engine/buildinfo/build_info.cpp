// backends_summary: which CPU kernels run here and whether the CUDA module loads and sees a
// device. The CUDA probe only opens the module and asks for the device count; it never creates a
// context beyond what cudaGetDeviceCount does, so it is cheap enough for `rwb --version`.
#include "rwb/version.h"

#include "backends/cpu/cpu_matmul.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#if !defined(_WIN32)
#include <dlfcn.h>
#endif

namespace fs = std::filesystem;

namespace rwb {

namespace {

#if defined(RWB_CUDA_BUILT) && !defined(_WIN32)
// Where an installed module lives (lib/reasoning-workbench next to bin/), then the build folder.
std::vector<fs::path> cuda_module_candidates() {
    std::vector<fs::path> out;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path bin = exe.parent_path();
        out.push_back(bin.parent_path() / "lib" / "reasoning-workbench" / "librwb_cuda.so");
        out.push_back(bin / "librwb_cuda.so");
    }
#if defined(RWB_CUDA_BUILD_MODULE_DIR) && defined(RWB_BUILD_TREE_DIR)
    // The build folder's module, for binaries running from that build folder only: an installed
    // copy reports what is installed next to it.
    const std::string build_tree = RWB_BUILD_TREE_DIR;
    if (!ec && exe.string().rfind(build_tree + "/", 0) == 0)
        out.push_back(fs::path(RWB_CUDA_BUILD_MODULE_DIR) / "librwb_cuda.so");
#endif
    return out;
}

std::string cuda_summary() {
    for (const fs::path& p : cuda_module_candidates()) {
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) continue;
        void* handle = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            return std::string("cuda unavailable (module does not load: ") + (why ? why : "?") +
                   ")";
        }
        using CountFn = int (*)(char*, int);
        auto count = reinterpret_cast<CountFn>(dlsym(handle, "rwb_cuda_device_count"));
        std::string text;
        if (!count) {
            text = "cuda unavailable (module lacks rwb_cuda_device_count)";
        } else {
            char message[256] = {0};
            const int n = count(message, static_cast<int>(sizeof message));
            text = n > 0 ? "cuda (" + std::to_string(n) + (n == 1 ? " device)" : " devices)")
                         : std::string("cuda unavailable (") +
                               (message[0] ? message : "no device") + ")";
        }
        // The module stays loaded: unloading the CUDA runtime mid-process is not safe.
        return text;
    }
    return "cuda unavailable (module not installed)";
}
#else
std::string cuda_summary() {
    return "cuda not built";
}
#endif

} // namespace

std::string backends_summary() {
    return std::string("cpu (") + cpu::kernel_isa() + "), " + cuda_summary();
}

std::string build_info_text(const std::string& program) {
    return program + " " + version_string() + "\nbuilt " + build_date() + ", commit " +
           git_commit() + "\nbackends: " + backends_summary();
}

} // namespace rwb
