// Q6_K: super-blocks of 256 values in 16 sub-blocks of 16, each with an int8 scale times the fp16
// super-block d; value = d*scale*(q-32), q in 0..63. Low 4 bits in ql, high 2 bits in qh: within
// each half (128 values), value l+32k (k = 0..3) has its low nibble in ql[l + 32*(k%2)]
// (low nibble for k<2, high nibble for k>=2) and its high bits at qh[l] bits 2k..2k+1.
#include "quant/fp16.h"
#include "quant/kquant_search.h"
#include "quant/quant.h"

#include <cmath>
#include <cstring>

namespace rwb::quant {

void quantize_row_q6_K(const float* x, BlockQ6_K* y, int64_t n) {
    int8_t L[QK_K];
    float scales[QK_K / 16];
    for (int64_t b = 0; b < n / QK_K; ++b, x += QK_K) {
        float max_scale = 0;
        float max_abs_scale = 0;
        for (int s = 0; s < QK_K / 16; ++s) {
            scales[s] = detail::search_symmetric_scale(16, 32, x + 16 * s, L + 16 * s);
            const float abs_scale = std::fabs(scales[s]);
            if (abs_scale > max_abs_scale) {
                max_abs_scale = abs_scale;
                max_scale = scales[s];
            }
        }
        if (max_abs_scale < 1e-15f) { // all (near) zero: an all-zero block reads back as zeros
            std::memset(&y[b], 0, sizeof y[b]);
            continue;
        }
        const float iscale = -128.f / max_scale;
        y[b].d = fp32_to_fp16(1 / iscale);
        for (int s = 0; s < QK_K / 16; ++s) {
            const int v = detail::nearest_int(iscale * scales[s]);
            y[b].scales[s] = int8_t(v < 127 ? v : 127);
        }
        for (int s = 0; s < QK_K / 16; ++s) {
            const float d = fp16_to_fp32(y[b].d) * y[b].scales[s];
            if (!d) continue;
            for (int l = 0; l < 16; ++l) {
                int q = detail::nearest_int(x[16 * s + l] / d);
                q = q < -32 ? -32 : (q > 31 ? 31 : q);
                L[16 * s + l] = int8_t(q + 32);
            }
        }
        for (int h = 0; h < 2; ++h) {
            const int8_t* Lh = L + 128 * h;
            uint8_t* ql = y[b].ql + 64 * h;
            uint8_t* qh = y[b].qh + 32 * h;
            for (int l = 0; l < 32; ++l) {
                ql[l] = uint8_t((Lh[l] & 0xF) | ((Lh[l + 64] & 0xF) << 4));
                ql[l + 32] = uint8_t((Lh[l + 32] & 0xF) | ((Lh[l + 96] & 0xF) << 4));
                qh[l] = uint8_t((Lh[l] >> 4) | ((Lh[l + 32] >> 4) << 2) | ((Lh[l + 64] >> 4) << 4) |
                                ((Lh[l + 96] >> 4) << 6));
            }
        }
    }
}

namespace {
// Level (0..63) of value l + 32k of half h.
inline int q6_level(const BlockQ6_K& blk, int h, int k, int l) {
    const uint8_t* ql = blk.ql + 64 * h;
    const uint8_t* qh = blk.qh + 32 * h;
    const int lo = (k < 2 ? ql[l + 32 * k] : ql[l + 32 * (k - 2)] >> 4) & 0xF;
    return lo | (((qh[l] >> (2 * k)) & 3) << 4);
}
} // namespace

void dequantize_row_q6_K(const BlockQ6_K* x, float* y, int64_t n) {
    for (int64_t b = 0; b < n / QK_K; ++b) {
        const float d = fp16_to_fp32(x[b].d);
        for (int h = 0; h < 2; ++h, y += 128) {
            const int8_t* sc = x[b].scales + 8 * h;
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                for (int k = 0; k < 4; ++k) {
                    const int8_t q = int8_t(q6_level(x[b], h, k, l) - 32);
                    y[l + 32 * k] = d * sc[is + 2 * k] * q;
                }
            }
        }
    }
}

float vec_dot_q6_K_q8_K(int64_t n, const BlockQ6_K* w, const BlockQ8_K* a) {
    float sum = 0;
    for (int64_t b = 0; b < n / QK_K; ++b) {
        int isum = 0;
        for (int h = 0; h < 2; ++h) {
            for (int k = 0; k < 4; ++k) {
                for (int half = 0; half < 2; ++half) { // the two 16-value sub-blocks of this run
                    int dot = 0;
                    for (int l = 16 * half; l < 16 * half + 16; ++l) {
                        const int q = q6_level(w[b], h, k, l) - 32;
                        dot += q * a[b].qs[128 * h + 32 * k + l];
                    }
                    isum += w[b].scales[8 * h + 2 * k + half] * dot;
                }
            }
        }
        sum += fp16_to_fp32(w[b].d) * a[b].d * isum;
    }
    return sum;
}

} // namespace rwb::quant
