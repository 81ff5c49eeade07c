// rwb_cuda module entry: reports whether a usable NVIDIA device is present. The full backend
// (kernels, weights upload, sessions) is added by the CUDA issue behind the same C entry points.
#include <cuda_runtime.h>

extern "C" int rwb_cuda_device_count(char* message, int message_size) {
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        if (message && message_size > 0) {
            const char* text = cudaGetErrorString(err);
            int i = 0;
            for (; text[i] && i < message_size - 1; ++i) message[i] = text[i];
            message[i] = '\0';
        }
        return 0;
    }
    return count;
}
