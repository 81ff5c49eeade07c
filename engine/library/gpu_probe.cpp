// probe_gpus: free and total memory of each CUDA device, for the fit estimate. Asks the CUDA
// module (loaded once per process by cuda_host); without it there are no GPUs to plan for.
#include "backends/cuda_host/cuda_module.h"
#include "rwb/fit.h"

namespace rwb {

std::vector<GpuMemory> probe_gpus() {
    std::vector<GpuMemory> gpus;
    const cuda_host::CudaModule* module = cuda_host::cuda_module(nullptr);
    if (!module) return gpus;
    char message[256] = {0};
    const int count = module->device_count(message, int(sizeof message));
    for (int i = 0; i < count; ++i) {
        char name[256] = {0};
        GpuMemory g;
        // A device that cannot answer (lost, or in an exclusive mode) is one we cannot plan for.
        if (module->device_memory(i, name, int(sizeof name), &g.free_bytes, &g.total_bytes, message,
                                  int(sizeof message)) != 0)
            continue;
        g.name = name;
        gpus.push_back(g);
    }
    return gpus;
}

MachineMemory probe_machine_memory_with_gpus() {
    MachineMemory machine = probe_machine_memory();
    for (const GpuMemory& g : probe_gpus()) {
        machine.gpu_free.push_back(g.free_bytes);
        machine.gpu_names.push_back(g.name);
    }
    return machine;
}

} // namespace rwb
