#include "launch_tuning.h"

#include <cstdlib>

namespace rwb::cuda {
namespace {

int env_int(const char* name, int fallback, int lo, int hi) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    const int n = std::atoi(v);
    return n < lo ? lo : n > hi ? hi : n;
}

} // namespace

const LaunchTuning& launch_tuning() {
    static const LaunchTuning t = [] {
        LaunchTuning r;
        int dev = 0, sms = 0, major = 0;
        if (cudaGetDevice(&dev) == cudaSuccess &&
            cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev) == cudaSuccess &&
            sms > 0)
            r.sms = sms;
        r.pdl =
            cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev) == cudaSuccess &&
            major >= 9 && env_int("RWB_CUDA_PDL", 1, 0, 1) == 1;
        r.early_trigger = env_int("RWB_CUDA_PDL_EARLY", 1, 0, 1) == 1;
        r.split_positions = env_int("RWB_CUDA_SPLIT_POSITIONS", 32, 8, 256);
        r.prefetch_ahead = env_int("RWB_CUDA_PREFETCH_AHEAD", 0, 0, 4);
        r.prefill_flash = env_int("RWB_CUDA_PREFILL_ATTENTION", 1, 0, 1) == 1;
        r.two_rows = env_int("RWB_CUDA_TWO_ROWS", 1, 0, 1) == 1;
        r.wpr_balance = env_int("RWB_CUDA_WPR_BALANCE", 1, 0, 1) == 1;
        cudaGetLastError();
        return r;
    }();
    return t;
}

void set_pdl(cudaLaunchConfig_t& cfg, cudaLaunchAttribute& attr) {
    attr = cudaLaunchAttribute{};
    attr.id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr.val.programmaticStreamSerializationAllowed = 1;
    cfg.attrs = &attr;
    cfg.numAttrs = launch_tuning().pdl ? 1 : 0;
}

} // namespace rwb::cuda
