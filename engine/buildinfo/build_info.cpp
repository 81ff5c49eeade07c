// backends_summary: which CPU kernels run here and whether the CUDA module loads and sees a
// device, through the engine's own loader (backends/cuda_host), so `rwb --version`, the About box
// and inference agree on what is available.
#include "rwb/version.h"

#include "backends/cpu/cpu_matmul.h"
#include "backends/cuda_host/cuda_module.h"

#include <string>

namespace rwb {

namespace {

std::string cuda_summary() {
    std::string why;
    const cuda_host::CudaModule* module = cuda_host::cuda_module(&why);
    if (!module) return "cuda unavailable (" + (why.empty() ? std::string("unknown") : why) + ")";
    return "cuda (" + (module->device_name.empty() ? std::string("device") : module->device_name) +
           ", " + module->path + ")";
}

} // namespace

std::string backends_summary() {
    return std::string("cpu (") + cpu::kernel_isa() + "), " + cuda_summary();
}

std::string build_info_text(const std::string& program) {
    return program + " " + version_string() + "\nbuilt " + build_date() + ", commit " +
           git_commit() + "\nbackends: " + backends_summary();
}

} // namespace rwb
