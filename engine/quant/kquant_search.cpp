// Scale searches for the K-quants (see kquant_search.h for the method and why the order matters).
#include "quant/kquant_search.h"

#include "quant/fp16.h"
#include "quant/quant.h"

#include <cmath>

namespace rwb::quant::detail {

float search_scale_min(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                       float* neg_min, uint8_t* aux, float rmin, float rdelta, int nstep) {
    float lo = x[0];
    float hi = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
        const float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (lo > 0) lo = 0; // the min only ever shifts down: levels start at or below zero
    if (hi == lo) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        *neg_min = -lo;
        return 0.f;
    }
    float inv = nmax / (hi - lo);
    float scale = 1 / inv;
    float best_err = 0;
    for (int i = 0; i < n; ++i) {
        const int l = nearest_int(inv * (x[i] - lo));
        L[i] = uint8_t(l < 0 ? 0 : (l > nmax ? nmax : l));
        const float diff = scale * L[i] + lo - x[i];
        best_err += weights[i] * (diff * diff);
    }
    for (int step = 0; step <= nstep; ++step) {
        inv = (rmin + rdelta * step + nmax) / (hi - lo);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(inv * (x[i] - lo));
            l = l < 0 ? 0 : (l > nmax ? nmax : l);
            aux[i] = uint8_t(l);
            const float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        const float det = sum_w * sum_l2 - sum_l * sum_l;
        if (det <= 0) continue;
        float trial_scale = (sum_w * sum_xl - sum_x * sum_l) / det;
        float trial_min = (sum_l2 * sum_x - sum_l * sum_xl) / det;
        if (trial_min > 0) { // a positive min cannot be stored: refit the scale alone
            trial_min = 0;
            trial_scale = sum_xl / sum_l2;
        }
        float err = 0;
        for (int i = 0; i < n; ++i) {
            const float diff = trial_scale * aux[i] + trial_min - x[i];
            err += weights[i] * (diff * diff);
        }
        if (err < best_err) {
            for (int i = 0; i < n; ++i) L[i] = aux[i];
            best_err = err;
            scale = trial_scale;
            lo = trial_min;
        }
    }
    *neg_min = -lo;
    return scale;
}

float search_symmetric_scale(int n, int nmax, const float* x, int8_t* L) {
    constexpr float kAllZero = 1e-15f;
    float peak = 0; // signed value of largest magnitude
    float amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            peak = x[i];
        }
    }
    if (amax < kAllZero) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    auto fit = [&](float inv, float& sumlx, float& suml2) {
        sumlx = suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(inv * x[i]);
            l = l < -nmax ? -nmax : (l > nmax - 1 ? nmax - 1 : l);
            const float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
    };
    auto store = [&](float inv) {
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(inv * x[i]);
            l = l < -nmax ? -nmax : (l > nmax - 1 ? nmax - 1 : l);
            L[i] = int8_t(l + nmax);
        }
    };
    float inv = -nmax / peak;
    float sumlx, suml2;
    fit(inv, sumlx, suml2);
    store(inv);
    float scale = suml2 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0) continue;
        inv = -(nmax + 0.1f * step) / peak;
        fit(inv, sumlx, suml2);
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            store(inv);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

void pack_scale_min_k4(const uint8_t* scales, const uint8_t* mins, uint8_t* out) {
    for (int j = 0; j < 8; ++j) {
        const uint8_t ls = scales[j];
        const uint8_t lm = mins[j];
        if (j < 4) {
            out[j] = ls;
            out[j + 4] = lm;
        } else { // low 4 bits in bytes 8..11, high 2 bits on top of bytes 0..7
            out[j + 4] = uint8_t((ls & 0xF) | ((lm & 0xF) << 4));
            out[j - 4] |= uint8_t((ls >> 4) << 6);
            out[j] |= uint8_t((lm >> 4) << 6);
        }
    }
}

bool all_finite(const float* x, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i])) return false;
    return true;
}

void quantize_super_block_scale_min(const float* x, int nmax, float rmin, int nstep, uint8_t* L,
                                    uint8_t* packed, uint16_t* d_out, uint16_t* dmin_out) {
    uint8_t aux[32];
    float weights[32];
    float scales[8];
    float mins[8];
    float max_scale = 0;
    float max_min = 0;
    for (int j = 0; j < 8; ++j) {
        const float* xs = x + 32 * j;
        // weight each value by the sub-block's RMS plus its own magnitude
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += xs[l] * xs[l];
        const float av_x = std::sqrt(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(xs[l]);
        scales[j] =
            search_scale_min(32, nmax, xs, weights, L + 32 * j, &mins[j], aux, rmin, 0.1f, nstep);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    uint8_t ls[8], lm[8];
    for (int j = 0; j < 8; ++j) {
        const uint8_t s = uint8_t(nearest_int(inv_scale * scales[j]));
        const uint8_t m = uint8_t(nearest_int(inv_min * mins[j]));
        ls[j] = s < 63 ? s : 63;
        lm[j] = m < 63 ? m : 63;
    }
    pack_scale_min_k4(ls, lm, packed);
    *d_out = fp32_to_fp16(max_scale / 63.f);
    *dmin_out = fp32_to_fp16(max_min / 63.f);
    // requantize against the scales as they will be read back
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        unpack_scale_min_k4(j, packed, sc, m);
        const float d = fp16_to_fp32(*d_out) * sc;
        if (!d) continue;
        const float dm = fp16_to_fp32(*dmin_out) * m;
        for (int l = 0; l < 32; ++l) {
            const int q = nearest_int((x[32 * j + l] + dm) / d);
            L[32 * j + l] = uint8_t(q < 0 ? 0 : (q > nmax ? nmax : q));
        }
    }
}

} // namespace rwb::quant::detail
