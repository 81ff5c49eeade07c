// Portable kernels: the quant layer's reference dot products, one activation row at a time.
// Slow but obviously right; every SIMD path is tested against these.
#include "backends/cpu/cpu_kernels.h"
#include "quant/quant.h"

namespace rwb::cpu::detail {
namespace {

template <typename W, typename A, float (*Dot)(int64_t, const W*, const A*)>
void dot_rows(int64_t n, const void* w, const void* a, size_t a_stride, int nm, float* y,
              int64_t ldy) {
    const auto* wr = static_cast<const W*>(w);
    for (int j = 0; j < nm; ++j) {
        const auto* ar = reinterpret_cast<const A*>(static_cast<const uint8_t*>(a) + j * a_stride);
        y[j * ldy] = Dot(n, wr, ar);
    }
}

using namespace rwb::quant;

void quantize_q8_0(const float* x, void* y, int64_t n) {
    quantize_row_q8_0(x, static_cast<BlockQ8_0*>(y), n);
}
void quantize_q8_K(const float* x, void* y, int64_t n) {
    quantize_row_q8_K(x, static_cast<BlockQ8_K*>(y), n);
}

} // namespace

const KernelTable& portable_kernels() {
    static const KernelTable table = {
        "portable",
        dot_rows<float, float, vec_dot_f32>,
        dot_rows<uint16_t, float, vec_dot_f16>,
        dot_rows<uint16_t, float, vec_dot_bf16>,
        dot_rows<BlockQ8_0, BlockQ8_0, vec_dot_q8_0_q8_0>,
        dot_rows<BlockQ4_0, BlockQ8_0, vec_dot_q4_0_q8_0>,
        dot_rows<BlockQ4_K, BlockQ8_K, vec_dot_q4_K_q8_K>,
        dot_rows<BlockQ5_K, BlockQ8_K, vec_dot_q5_K_q8_K>,
        dot_rows<BlockQ6_K, BlockQ8_K, vec_dot_q6_K_q8_K>,
        quantize_q8_0,
        quantize_q8_K,
    };
    return table;
}

} // namespace rwb::cpu::detail
