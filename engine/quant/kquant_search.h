// Scale searches shared by the K-quant quantizers, following the published ggml approach
// (reference quantizers without importance matrix), so our files match what llama-quantize makes:
//  - search_scale_min: asymmetric levels 0..nmax with a scale and a (negative) min, refined by a
//    weighted least-squares fit over a sweep of trial inverse scales (Q4_K, Q5_K sub-blocks).
//  - search_symmetric_scale: symmetric levels -nmax..nmax-1, weights x^2, sweep of 18 trial
//    scales around nmax/max keeping the best weighted fit (Q6_K sub-blocks).
// Float expressions are kept in ggml's evaluation order: the results are bit-identical only then.
#pragma once

#include <cstdint>
#include <cstring>

namespace rwb::quant::detail {

// Round to nearest, ties to even, for |v| < 2^22: adding 1.5*2^23 leaves the rounded integer in
// the low mantissa bits (the rounding ggml's K-quant code relies on).
inline int nearest_int(float v) {
    const float biased = v + 12582912.f;
    int32_t bits;
    std::memcpy(&bits, &biased, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

// Returns the scale; *neg_min receives -min (>= 0). L receives levels 0..nmax. aux: n scratch
// bytes.
float search_scale_min(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                       float* neg_min, uint8_t* aux, float rmin, float rdelta, int nstep);

// Returns the (signed) scale; L receives levels offset by nmax (0..2*nmax-1).
float search_symmetric_scale(int n, int nmax, const float* x, int8_t* L);

// Packs eight 6-bit scales and mins into a K-quant block's 12 scale bytes.
void pack_scale_min_k4(const uint8_t* scales, const uint8_t* mins, uint8_t* out);

// One 256-value super-block of Q4_K (nmax 15) or Q5_K (nmax 31): the per-sub-block scale/min
// search, the 6-bit packing into `scales`, fp16 d/dmin, and the levels L[256] requantized against
// the scales as they will be read back. rmin/nstep are the search's sweep (ggml's per type).
void quantize_super_block_scale_min(const float* x, int nmax, float rmin, int nstep, uint8_t* L,
                                    uint8_t* scales, uint16_t* d, uint16_t* dmin);

// True when every one of the n values is finite.
bool all_finite(const float* x, int64_t n);

} // namespace rwb::quant::detail
