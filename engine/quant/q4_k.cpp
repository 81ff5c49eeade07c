// Q4_K: super-blocks of 256 values in 8 sub-blocks of 32. Each sub-block has a 6-bit scale and a
// 6-bit min (packed in 12 bytes), multiplied by the fp16 super-block d and dmin:
// value = d*scale*q - dmin*min, q in 0..15. qs byte l of chunk c (64 values) holds value
// 64c+l in its low nibble and 64c+32+l in its high nibble.
#include "quant/fp16.h"
#include "quant/kquant_search.h"
#include "quant/quant.h"

#include <cmath>

namespace rwb::quant {

void quantize_row_q4_K(const float* x, BlockQ4_K* y, int64_t n) {
    uint8_t L[QK_K];
    for (int64_t b = 0; b < n / QK_K; ++b, x += QK_K) {
        uint16_t d, dmin; // locals: the block struct is packed
        detail::quantize_super_block_scale_min(x, 15, -1.f, 20, L, y[b].scales, &d, &dmin);
        y[b].d = d;
        y[b].dmin = dmin;
        for (int c = 0; c < 4; ++c)
            for (int l = 0; l < 32; ++l)
                y[b].qs[32 * c + l] = uint8_t(L[64 * c + l] | (L[64 * c + 32 + l] << 4));
    }
}

void dequantize_row_q4_K(const BlockQ4_K* x, float* y, int64_t n) {
    for (int64_t b = 0; b < n / QK_K; ++b) {
        const float d = fp16_to_fp32(x[b].d);
        const float dmin = fp16_to_fp32(x[b].dmin);
        const uint8_t* q = x[b].qs;
        for (int c = 0; c < 4; ++c, q += 32) {
            uint8_t sc, m;
            unpack_scale_min_k4(2 * c, x[b].scales, sc, m);
            const float d1 = d * sc, m1 = dmin * m;
            unpack_scale_min_k4(2 * c + 1, x[b].scales, sc, m);
            const float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0xF) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
        }
    }
}

float vec_dot_q4_K_q8_K(int64_t n, const BlockQ4_K* w, const BlockQ8_K* a) {
    float sum = 0;
    for (int64_t b = 0; b < n / QK_K; ++b) {
        int scaled = 0; // sum over sub-blocks of scale * dot(q, a)
        int mins = 0;   // sum over sub-blocks of min * sum(a)
        for (int j = 0; j < 8; ++j) {
            uint8_t sc, m;
            unpack_scale_min_k4(j, w[b].scales, sc, m);
            const uint8_t* q = w[b].qs + 32 * (j / 2);
            const int shift = (j % 2) * 4;
            int dot = 0;
            for (int l = 0; l < 32; ++l) dot += ((q[l] >> shift) & 0xF) * a[b].qs[32 * j + l];
            scaled += sc * dot;
            mins += m * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        }
        sum += a[b].d * fp16_to_fp32(w[b].d) * scaled - a[b].d * fp16_to_fp32(w[b].dmin) * mins;
    }
    return sum;
}

} // namespace rwb::quant
