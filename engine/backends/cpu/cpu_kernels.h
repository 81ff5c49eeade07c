// Internal kernel tables of the CPU backend: one table per instruction set, each giving, per
// weight type, a dot-product kernel of one weight row against up to kMaxTile activation rows
// (already converted to the type's activation format: Q8_0, Q8_K or plain F32).
#pragma once

#include "gguf/ggml_types.h"

#include <cstddef>
#include <cstdint>

namespace rwb::cpu::detail {

// Activation rows handled by one kernel call: the weight row's blocks are unpacked once and
// reused for all of them (what makes matrix-matrix products compute bound instead of load bound).
constexpr int kMaxTile = 4;

// y[j * ldy] = dot(w, a_j) for j in [0, nm), a_j = a + j * a_stride bytes; n = elements per row.
using RowDotFn = void (*)(int64_t n, const void* w, const void* a, size_t a_stride, int nm,
                          float* y, int64_t ldy);

// n floats -> n/32 Q8_0 blocks or n/256 Q8_K blocks, bit-identical to the quant layer's
// reference activation quantizers.
using QuantizeRowFn = void (*)(const float* x, void* y, int64_t n);

struct KernelTable {
    const char* isa = "portable";
    RowDotFn f32 = nullptr;
    RowDotFn f16 = nullptr;
    RowDotFn bf16 = nullptr;
    RowDotFn q8_0 = nullptr;
    RowDotFn q4_0 = nullptr;
    RowDotFn q4_K = nullptr;
    RowDotFn q5_K = nullptr;
    RowDotFn q6_K = nullptr;
    QuantizeRowFn quantize_q8_0 = nullptr;
    QuantizeRowFn quantize_q8_K = nullptr;
};

inline RowDotFn kernel_for(const KernelTable& t, GgmlType type) {
    switch (type) {
    case GgmlType::F32:
        return t.f32;
    case GgmlType::F16:
        return t.f16;
    case GgmlType::BF16:
        return t.bf16;
    case GgmlType::Q8_0:
        return t.q8_0;
    case GgmlType::Q4_0:
        return t.q4_0;
    case GgmlType::Q4_K:
        return t.q4_K;
    case GgmlType::Q5_K:
        return t.q5_K;
    case GgmlType::Q6_K:
        return t.q6_K;
    default:
        return nullptr;
    }
}

const KernelTable& portable_kernels();
// Defined only where the matching translation unit is built (x86-64 / aarch64); the caller checks
// the CPU before using them.
const KernelTable& avx2_kernels();
const KernelTable& avx512_kernels();
const KernelTable& neon_kernels();

// Kernels picked for this process (cpuid, lowered by RWB_CPU_ISA or set_kernel_isa()).
const KernelTable& active_kernels();

} // namespace rwb::cpu::detail
