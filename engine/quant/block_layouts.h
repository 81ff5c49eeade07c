// ggml block layouts, byte for byte as llama.cpp writes them (little-endian, no padding), so
// files made by llama.cpp load unchanged. Each struct is one block; static_asserts pin the sizes.
#pragma once

#include <cstdint>

namespace rwb::quant {

using half_bits = uint16_t; // IEEE binary16 bits
constexpr int QK4_0 = 32;
constexpr int QK8_0 = 32;
constexpr int QK_K = 256;
constexpr int K_SCALE_SIZE = 12;

#pragma pack(push, 1)
struct BlockQ4_0 {
    half_bits d;
    uint8_t qs[QK4_0 / 2]; // element j: low nibble of qs[j]; element j+16: high nibble; value (q-8)*d
};
struct BlockQ8_0 {
    half_bits d;
    int8_t qs[QK8_0]; // value qs[j]*d
};
struct BlockQ4_K {
    half_bits d;
    half_bits dmin;
    uint8_t scales[K_SCALE_SIZE]; // 8 sub-block scales and mins, 6 bits each, packed
    uint8_t qs[QK_K / 2];
};
struct BlockQ5_K {
    half_bits d;
    half_bits dmin;
    uint8_t scales[K_SCALE_SIZE];
    uint8_t qh[QK_K / 8]; // fifth bits
    uint8_t qs[QK_K / 2];
};
struct BlockQ6_K {
    uint8_t ql[QK_K / 2];     // low 4 bits
    uint8_t qh[QK_K / 4];     // high 2 bits
    int8_t scales[QK_K / 16]; // 16 sub-block scales
    half_bits d;
};
struct BlockQ8_K { // activations for K-quant dot products (never stored in files)
    float d;
    int8_t qs[QK_K];
    int16_t bsums[QK_K / 16]; // sums of each 16 qs, for the min terms
};
#pragma pack(pop)

static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176);
static_assert(sizeof(BlockQ6_K) == 210);
static_assert(sizeof(BlockQ8_K) == 292);

} // namespace rwb::quant
