// Run-time choice of the kernel table: the best instruction set the CPU supports (cpuid), or a
// lower one named by RWB_CPU_ISA / set_kernel_isa(). SIMD translation units are compiled with
// their own flags, so nothing here may use those instructions itself.
#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/cpu_matmul.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

namespace rwb::cpu {
namespace detail {
namespace {

bool cpu_has_avx2() {
#if defined(__x86_64__) && defined(RWB_CPU_HAVE_AVX2_TU)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("f16c");
#else
    return false;
#endif
}

bool cpu_has_avx512() {
#if defined(__x86_64__) && defined(RWB_CPU_HAVE_AVX512_TU)
    return cpu_has_avx2() && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512vnni");
#else
    return false;
#endif
}

const KernelTable* table_named(std::string_view isa) {
#if defined(RWB_CPU_HAVE_AVX512_TU)
    if (isa == "avx512" && cpu_has_avx512()) return &avx512_kernels();
#endif
#if defined(RWB_CPU_HAVE_AVX2_TU)
    if (isa == "avx2" && cpu_has_avx2()) return &avx2_kernels();
#endif
#if defined(__aarch64__)
    if (isa == "neon") return &neon_kernels();
#endif
    if (isa == "portable") return &portable_kernels();
    return nullptr;
}

const KernelTable* best_table() {
    const KernelTable* best = nullptr;
    for (const char* isa : available_isas()) {
        best = table_named(isa);
        if (best) break;
    }
    // RWB_CPU_ISA may only lower the choice: a name this machine cannot run is ignored.
    if (const char* forced = std::getenv("RWB_CPU_ISA"); forced && *forced) {
        if (const KernelTable* t = table_named(forced)) best = t;
    }
    return best ? best : &portable_kernels();
}

std::atomic<const KernelTable*>& active_slot() {
    static std::atomic<const KernelTable*> slot{best_table()};
    return slot;
}

} // namespace

const KernelTable& active_kernels() {
    return *active_slot().load(std::memory_order_acquire);
}

} // namespace detail

const char* kernel_isa() {
    return detail::active_kernels().isa;
}

std::vector<const char*> available_isas() {
    std::vector<const char*> isas;
    if (detail::cpu_has_avx512()) isas.push_back("avx512");
    if (detail::cpu_has_avx2()) isas.push_back("avx2");
#if defined(__aarch64__)
    isas.push_back("neon");
#endif
    isas.push_back("portable");
    return isas;
}

Status set_kernel_isa(std::string_view isa) {
    const detail::KernelTable* t = detail::table_named(isa);
    if (!t) return Status::error("kernel instruction set not available here: " + std::string(isa));
    detail::active_slot().store(t, std::memory_order_release);
    return Status::ok();
}

} // namespace rwb::cpu
