// exp(x) for the sampler's softmax, x <= 0 (logit minus the row maximum). The softmax of a
// 152k row is one exp per token per step; libm's expf is a call the compiler cannot inline or
// vectorize, and its last bit differs between C libraries. This is plain float arithmetic:
// x = n ln2 + r with |r| <= ln2/2, e^r by a degree-7 Taylor polynomial (relative error a few
// float ulps, checked against std::exp in tst_sampler), times 2^n built in the exponent bits.
#pragma once

#include <bit>
#include <cstdint>

namespace rwb::sampling {

// Branch-free so that a loop over a row vectorises (with -fno-trapping-math, which the
// sampling sources get: it changes no result, it only lets the compiler select instead of jump).
inline float fast_exp_nonpositive(float x) {
    const bool in_range = x > -87.0f; // below: under FLT_MIN, no mass (NaN too)
    const float xc = in_range ? x : 0.0f;
    constexpr float kLog2e = 1.44269504088896341f;
    constexpr float kLn2Hi = 0.693359375f; // ln 2 split so n * kLn2Hi is exact
    constexpr float kLn2Lo = -2.12194440e-4f;
    // n = round(x / ln 2) by the 1.5 * 2^23 trick; its integer value sits in the low bits.
    // (Needs IEEE float arithmetic as written: never build this with -ffast-math.)
    constexpr float kRound = 12582912.0f;
    const float t = xc * kLog2e + kRound;
    const float n = t - kRound;
    const int32_t ni = std::bit_cast<int32_t>(t) - std::bit_cast<int32_t>(kRound);
    const float r = (xc - n * kLn2Hi) - n * kLn2Lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const float scale = std::bit_cast<float>(static_cast<uint32_t>(ni + 127) << 23);
    const float e = p * scale;
    return in_range ? e : 0.0f;
}

} // namespace rwb::sampling
