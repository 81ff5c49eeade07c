// dlopen of the CUDA module. RTLD_LOCAL keeps its CUDA/cuBLAS symbols out of the process's
// namespace; the handle is never closed (the runtime does not like being unloaded).
#include "backends/cuda_host/cuda_module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

namespace rwb::cuda_host {
namespace {

constexpr const char* kFileName = "librwb_cuda.so";

std::vector<std::string> candidates() {
    if (const char* env = std::getenv("RWB_CUDA_MODULE"); env && *env) return {env};
    std::vector<std::string> out;
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto dir = exe.parent_path();
        out.push_back((dir / kFileName).string());
        out.push_back((dir.parent_path() / "lib" / "reasoning-workbench" / kFileName).string());
    }
    out.push_back(kFileName); // the loader's own search path (LD_LIBRARY_PATH, ldconfig)
    return out;
}

template <typename F>
bool sym(void* h, const char* name, F& out) {
    out = reinterpret_cast<F>(dlsym(h, name));
    return out != nullptr;
}

struct Loaded {
    CudaModule module;
    bool ok = false;
    std::string why;
};

Loaded load() {
    Loaded r;
    void* h = nullptr;
    std::string last_error;
    for (const auto& path : candidates()) {
        const bool bare = path.find('/') == std::string::npos;
        std::error_code ec;
        if (!bare && !std::filesystem::exists(path, ec)) {
            if (last_error.empty()) last_error = path + " not found";
            continue;
        }
        h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (h) {
            r.module.path = path;
            break;
        }
        const char* e = dlerror();
        // A file that is there but cannot load (no libcublas, no driver) is the reason to give;
        // the bare name only says the loader's search path has no module either.
        if (!bare) {
            last_error = e ? e : "cannot load";
            break;
        }
    }
    if (!h) {
        r.why = last_error.empty() ? std::string(kFileName) + " not found" : last_error;
        return r;
    }
    using AbiFn = int (*)();
    AbiFn abi = nullptr;
    if (!sym(h, "rwb_cuda_abi_version", abi) || abi() != RWB_CUDA_ABI_VERSION) {
        r.why = r.module.path + " is of another version";
        return r;
    }
    CudaModule& m = r.module;
    if (!sym(h, "rwb_cuda_device_count", m.device_count) ||
        !sym(h, "rwb_cuda_device_info", m.device_info) ||
        !sym(h, "rwb_cuda_device_memory", m.device_memory) ||
        !sym(h, "rwb_cuda_model_create", m.model_create) ||
        !sym(h, "rwb_cuda_model_destroy", m.model_destroy) ||
        !sym(h, "rwb_cuda_session_create", m.session_create) ||
        !sym(h, "rwb_cuda_session_destroy", m.session_destroy) ||
        !sym(h, "rwb_cuda_session_eval", m.session_eval) ||
        !sym(h, "rwb_cuda_batch_decode", m.batch_decode) ||
        !sym(h, "rwb_cuda_session_select", m.session_select) ||
        !sym(h, "rwb_cuda_session_logits", m.session_logits)) {
        r.why = r.module.path + " lacks an entry point";
        return r;
    }
    char msg[256] = {0};
    if (m.device_count(msg, int(sizeof msg)) <= 0) {
        r.why = std::string("no CUDA device (") + (msg[0] ? msg : "none found") + ")";
        return r;
    }
    char name[256] = {0};
    if (m.device_info(name, int(sizeof name), nullptr, nullptr, msg, int(sizeof msg)) == 0)
        m.device_name = name;
    r.ok = true;
    return r;
}

} // namespace

const CudaModule* cuda_module(std::string* why) {
    static const Loaded loaded = load();
    if (!loaded.ok) {
        if (why) *why = loaded.why;
        return nullptr;
    }
    return &loaded.module;
}

} // namespace rwb::cuda_host
