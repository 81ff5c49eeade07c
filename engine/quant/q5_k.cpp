// Q5_K: like Q4_K (8 sub-blocks of 32 with 6-bit scale and min, fp16 d and dmin) with a fifth bit
// per value in qh: value 64c+l takes bit 2c of qh[l], value 64c+32+l bit 2c+1; q in 0..31.
#include "quant/fp16.h"
#include "quant/kquant_search.h"
#include "quant/quant.h"

#include <cmath>
#include <cstring>

namespace rwb::quant {

void quantize_row_q5_K(const float* x, BlockQ5_K* y, int64_t n) {
    uint8_t L[QK_K];
    for (int64_t b = 0; b < n / QK_K; ++b, x += QK_K) {
        uint16_t d, dmin; // locals: the block struct is packed
        detail::quantize_super_block_scale_min(x, 31, -0.5f, 15, L, y[b].scales, &d, &dmin);
        y[b].d = d;
        y[b].dmin = dmin;
        std::memset(y[b].qh, 0, sizeof y[b].qh);
        for (int c = 0; c < 4; ++c) {
            for (int l = 0; l < 32; ++l) {
                const int lo = L[64 * c + l];
                const int hi = L[64 * c + 32 + l];
                if (lo > 15) y[b].qh[l] |= uint8_t(1u << (2 * c));
                if (hi > 15) y[b].qh[l] |= uint8_t(2u << (2 * c));
                y[b].qs[32 * c + l] = uint8_t((lo & 0xF) | ((hi & 0xF) << 4));
            }
        }
    }
}

void dequantize_row_q5_K(const BlockQ5_K* x, float* y, int64_t n) {
    for (int64_t b = 0; b < n / QK_K; ++b) {
        const float d = fp16_to_fp32(x[b].d);
        const float dmin = fp16_to_fp32(x[b].dmin);
        const uint8_t* ql = x[b].qs;
        const uint8_t* qh = x[b].qh;
        for (int c = 0; c < 4; ++c, ql += 32) {
            uint8_t sc, m;
            unpack_scale_min_k4(2 * c, x[b].scales, sc, m);
            const float d1 = d * sc, m1 = dmin * m;
            unpack_scale_min_k4(2 * c + 1, x[b].scales, sc, m);
            const float d2 = d * sc, m2 = dmin * m;
            const uint8_t u1 = uint8_t(1u << (2 * c)), u2 = uint8_t(2u << (2 * c));
            for (int l = 0; l < 32; ++l) *y++ = d1 * ((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
        }
    }
}

float vec_dot_q5_K_q8_K(int64_t n, const BlockQ5_K* w, const BlockQ8_K* a) {
    float sum = 0;
    for (int64_t b = 0; b < n / QK_K; ++b) {
        int scaled = 0;
        int mins = 0;
        for (int j = 0; j < 8; ++j) {
            uint8_t sc, m;
            unpack_scale_min_k4(j, w[b].scales, sc, m);
            const uint8_t* ql = w[b].qs + 32 * (j / 2);
            const int shift = (j % 2) * 4;
            int dot = 0;
            for (int l = 0; l < 32; ++l) {
                const int q = ((ql[l] >> shift) & 0xF) | (((w[b].qh[l] >> j) & 1) << 4);
                dot += q * a[b].qs[32 * j + l];
            }
            scaled += sc * dot;
            mins += m * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        }
        sum += a[b].d * fp16_to_fp32(w[b].d) * scaled - a[b].d * fp16_to_fp32(w[b].dmin) * mins;
    }
    return sum;
}

} // namespace rwb::quant
