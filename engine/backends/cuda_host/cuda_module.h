// Finds and loads the CUDA module (librwb_cuda.so) once per process: $RWB_CUDA_MODULE if set,
// else next to the running binary, else <prefix>/lib/reasoning-workbench beside its bin/. A
// missing module, driver, runtime or cuBLAS, an ABI mismatch or no device all end as "not
// available" with the reason, so callers fall back to the CPU with one line of notice.
#pragma once

#include "backends/cuda_host/cuda_abi.h"

#include <string>

namespace rwb::cuda_host {

struct CudaModule {
    decltype(&rwb_cuda_device_count) device_count = nullptr;
    decltype(&rwb_cuda_device_info) device_info = nullptr;
    decltype(&rwb_cuda_device_memory) device_memory = nullptr;
    decltype(&rwb_cuda_model_create) model_create = nullptr;
    decltype(&rwb_cuda_model_destroy) model_destroy = nullptr;
    decltype(&rwb_cuda_session_create) session_create = nullptr;
    decltype(&rwb_cuda_session_destroy) session_destroy = nullptr;
    decltype(&rwb_cuda_session_eval) session_eval = nullptr;
    decltype(&rwb_cuda_batch_decode) batch_decode = nullptr;
    decltype(&rwb_cuda_session_select) session_select = nullptr;
    decltype(&rwb_cuda_session_logits) session_logits = nullptr;
    std::string path;        // the file that was loaded
    std::string device_name; // e.g. "NVIDIA H200"
};

// The loaded module, or null with *why set (e.g. "librwb_cuda.so not found", "no CUDA device:
// ..."). The result is cached: the first call decides for the whole process.
const CudaModule* cuda_module(std::string* why);

} // namespace rwb::cuda_host
