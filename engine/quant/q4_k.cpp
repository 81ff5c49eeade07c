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
    uint8_t aux[32];
    float weights[32];
    float scales[8];
    float mins[8];
    for (int64_t b = 0; b < n / QK_K; ++b, x += QK_K) {
        float max_scale = 0;
        float max_min = 0;
        for (int j = 0; j < 8; ++j) {
            const float* xs = x + 32 * j;
            // weight each value by the sub-block's RMS plus its own magnitude
            float sum_x2 = 0;
            for (int l = 0; l < 32; ++l) sum_x2 += xs[l] * xs[l];
            const float av_x = std::sqrt(sum_x2 / 32);
            for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(xs[l]);
            scales[j] = detail::search_scale_min(32, 15, xs, weights, L + 32 * j, &mins[j], aux,
                                                 -1.f, 0.1f, 20);
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }
        const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
        const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
        uint8_t ls[8], lm[8];
        for (int j = 0; j < 8; ++j) {
            const uint8_t s = uint8_t(detail::nearest_int(inv_scale * scales[j]));
            const uint8_t m = uint8_t(detail::nearest_int(inv_min * mins[j]));
            ls[j] = s < 63 ? s : 63;
            lm[j] = m < 63 ? m : 63;
        }
        detail::pack_scale_min_k4(ls, lm, y[b].scales);
        y[b].d = fp32_to_fp16(max_scale / 63.f);
        y[b].dmin = fp32_to_fp16(max_min / 63.f);
        // requantize against the scales as they will be read back
        for (int j = 0; j < 8; ++j) {
            uint8_t sc, m;
            unpack_scale_min_k4(j, y[b].scales, sc, m);
            const float d = fp16_to_fp32(y[b].d) * sc;
            if (!d) continue;
            const float dm = fp16_to_fp32(y[b].dmin) * m;
            for (int l = 0; l < 32; ++l) {
                const int q = detail::nearest_int((x[32 * j + l] + dm) / d);
                L[32 * j + l] = uint8_t(q < 0 ? 0 : (q > 15 ? 15 : q));
            }
        }
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
