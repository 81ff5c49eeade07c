// NEON (AArch64) kernels, kept deliberately simple because no ARM machine runs the tests here:
// Q8_0 / Q4_0 with widening multiplies (vmull_s8) and the float types with 4-lane FMA; the
// K-quants and the activation quantizers use the portable reference code. Integer sums per block
// are exact, and each block is added to the float sum in the reference's order.
#if defined(__aarch64__)
#include "backends/cpu/cpu_kernels.h"
#include "quant/block_layouts.h"
#include "quant/fp16.h"

#include <arm_neon.h>

#include <cstring>

namespace rwb::cpu::detail {
namespace {

using quant::BlockQ4_0;
using quant::BlockQ8_0;

inline int32_t dot32(int8x16_t w0, int8x16_t w1, int8x16_t a0, int8x16_t a1) {
    int32x4_t s = vpaddlq_s16(vmull_s8(vget_low_s8(w0), vget_low_s8(a0)));
    s = vpadalq_s16(s, vmull_high_s8(w0, a0));
    s = vpadalq_s16(s, vmull_s8(vget_low_s8(w1), vget_low_s8(a1)));
    s = vpadalq_s16(s, vmull_high_s8(w1, a1));
    return vaddvq_s32(s);
}

inline float half(const void* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return quant::fp16_to_fp32(h);
}

template <bool kFourBit>
void q_32(int64_t n, const void* w, const void* a, size_t a_stride, int nm, float* y, int64_t ldy) {
    for (int j = 0; j < nm; ++j) {
        const auto* ab = reinterpret_cast<const BlockQ8_0*>(static_cast<const uint8_t*>(a) +
                                                            size_t(j) * a_stride);
        float sum = 0;
        for (int64_t b = 0; b < n / 32; ++b) {
            int8x16_t w0, w1;
            float dw;
            if constexpr (kFourBit) {
                const BlockQ4_0& blk = static_cast<const BlockQ4_0*>(w)[b];
                const uint8x16_t q = vld1q_u8(blk.qs);
                w0 = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(0x0F))), vdupq_n_s8(8));
                w1 = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), vdupq_n_s8(8));
                dw = half(&blk);
            } else {
                const BlockQ8_0& blk = static_cast<const BlockQ8_0*>(w)[b];
                w0 = vld1q_s8(blk.qs);
                w1 = vld1q_s8(blk.qs + 16);
                dw = half(&blk);
            }
            const int32_t isum = dot32(w0, w1, vld1q_s8(ab[b].qs), vld1q_s8(ab[b].qs + 16));
            sum += float(isum) * (dw * half(&ab[b]));
        }
        y[j * ldy] = sum;
    }
}

struct LoadF32 {
    static float32x4_t load4(const void* w, int64_t k) {
        return vld1q_f32(static_cast<const float*>(w) + k);
    }
    static float one(const void* w, int64_t k) { return static_cast<const float*>(w)[k]; }
};
struct LoadF16 {
    static float32x4_t load4(const void* w, int64_t k) {
        return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(static_cast<const uint16_t*>(w) + k)));
    }
    static float one(const void* w, int64_t k) {
        return quant::fp16_to_fp32(static_cast<const uint16_t*>(w)[k]);
    }
};
struct LoadBF16 {
    static float32x4_t load4(const void* w, int64_t k) {
        return vreinterpretq_f32_u32(
            vshll_n_u16(vld1_u16(static_cast<const uint16_t*>(w) + k), 16));
    }
    static float one(const void* w, int64_t k) {
        return quant::bf16_to_fp32(static_cast<const uint16_t*>(w)[k]);
    }
};

template <typename Load>
void float_dot(int64_t n, const void* w, const void* a, size_t a_stride, int nm, float* y,
               int64_t ldy) {
    for (int j = 0; j < nm; ++j) {
        const auto* x =
            reinterpret_cast<const float*>(static_cast<const uint8_t*>(a) + size_t(j) * a_stride);
        float32x4_t acc0 = vdupq_n_f32(0.f), acc1 = vdupq_n_f32(0.f);
        int64_t k = 0;
        for (; k + 8 <= n; k += 8) {
            acc0 = vfmaq_f32(acc0, Load::load4(w, k), vld1q_f32(x + k));
            acc1 = vfmaq_f32(acc1, Load::load4(w, k + 4), vld1q_f32(x + k + 4));
        }
        float s = vaddvq_f32(vaddq_f32(acc0, acc1));
        for (; k < n; ++k) s += Load::one(w, k) * x[k];
        y[j * ldy] = s;
    }
}

} // namespace

const KernelTable& neon_kernels() {
    static const KernelTable table = [] {
        KernelTable t = portable_kernels();
        t.isa = "neon";
        t.f32 = float_dot<LoadF32>;
        t.f16 = float_dot<LoadF16>;
        t.bf16 = float_dot<LoadBF16>;
        t.q8_0 = q_32<false>;
        t.q4_0 = q_32<true>;
        return t;
    }();
    return table;
}

} // namespace rwb::cpu::detail
#endif
