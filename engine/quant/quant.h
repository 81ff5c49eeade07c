// Reference (scalar, portable) conversions between floats and the ggml tensor formats the engine
// supports: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K. Bit-compatible with ggml: dequantization
// reproduces ggml's to_float exactly, quantization follows ggml's reference quantizers (no
// importance matrix), and the activation quantizers Q8_0 / Q8_K round exactly as ggml's do.
// The reference dot products are the oracle the SIMD kernels are tested against.
//
// Policy for non-finite input: F32/F16/BF16 carry NaN/Inf through unchanged; the block formats
// cannot represent them, so quantize_row() rejects a row containing NaN or Inf with an error.
#pragma once

#include "gguf/ggml_types.h"
#include "quant/block_layouts.h"
#include "rwb/status.h"

#include <cstdint>
#include <span>

namespace rwb::quant {

// --- dispatch over the supported set -------------------------------------------------------------

bool is_supported(GgmlType type);
std::span<const GgmlType> supported_types(); // F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K

// n elements (a multiple of the type's block size) of `type` at src -> n floats at dst.
Status dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);
// n floats -> `type`; dst must hold ggml_row_bytes(type, n) bytes.
Status quantize_row(GgmlType type, const float* src, void* dst, int64_t n);

// --- activations (what the kernels quantize X to before an integer dot product) ----------------

// Q8_0: d = amax/127, q = roundf(x/d) (ties away from zero), d stored as fp16.
void quantize_row_q8_0(const float* x, BlockQ8_0* y, int64_t n);
// Q8_K: max = the element of largest |x|, iscale = -127/max, q = min(127, nearest-even(x*iscale)),
// d = 1/iscale (float), bsums = sums of each 16 q. An all-zero block gets d = 0, q = 0, bsums = 0.
void quantize_row_q8_K(const float* x, BlockQ8_K* y, int64_t n);
void dequantize_row_q8_K(const BlockQ8_K* x, float* y, int64_t n);

// Activation format each weight type's dot product takes: Q8_0 for Q4_0/Q8_0, Q8_K for the
// K-quants, F32 for F32/F16/BF16 (plain floats).
GgmlType vec_dot_type(GgmlType weight_type);

// Reference dot product of n weights of `type` at w with n activations at a (in vec_dot_type).
// Integer sums per block like ggml's generic code; float (double for F32/F16/BF16) accumulation.
Result<float> vec_dot(GgmlType type, int64_t n, const void* w, const void* a);

// --- per-format reference functions (n is a multiple of the block size)
// ----------------------------

void dequantize_row_f32(const float* x, float* y, int64_t n);
void dequantize_row_f16(const uint16_t* x, float* y, int64_t n);
void dequantize_row_bf16(const uint16_t* x, float* y, int64_t n);
void quantize_row_f16(const float* x, uint16_t* y, int64_t n);
void quantize_row_bf16(const float* x, uint16_t* y, int64_t n);

void dequantize_row_q8_0(const BlockQ8_0* x, float* y, int64_t n);
void dequantize_row_q4_0(const BlockQ4_0* x, float* y, int64_t n);
void dequantize_row_q4_K(const BlockQ4_K* x, float* y, int64_t n);
void dequantize_row_q5_K(const BlockQ5_K* x, float* y, int64_t n);
void dequantize_row_q6_K(const BlockQ6_K* x, float* y, int64_t n);

void quantize_row_q4_0(const float* x, BlockQ4_0* y, int64_t n);
void quantize_row_q4_K(const float* x, BlockQ4_K* y, int64_t n);
void quantize_row_q5_K(const float* x, BlockQ5_K* y, int64_t n);
void quantize_row_q6_K(const float* x, BlockQ6_K* y, int64_t n);
// (Q8_0 weights are quantized by quantize_row_q8_0, same as activations, as in ggml.)

float vec_dot_f32(int64_t n, const float* w, const float* a);
float vec_dot_f16(int64_t n, const uint16_t* w, const float* a);
float vec_dot_bf16(int64_t n, const uint16_t* w, const float* a);
float vec_dot_q8_0_q8_0(int64_t n, const BlockQ8_0* w, const BlockQ8_0* a);
float vec_dot_q4_0_q8_0(int64_t n, const BlockQ4_0* w, const BlockQ8_0* a);
float vec_dot_q4_K_q8_K(int64_t n, const BlockQ4_K* w, const BlockQ8_K* a);
float vec_dot_q5_K_q8_K(int64_t n, const BlockQ5_K* w, const BlockQ8_K* a);
float vec_dot_q6_K_q8_K(int64_t n, const BlockQ6_K* w, const BlockQ8_K* a);

// The 6-bit scale/min pair j (0..7) of a Q4_K / Q5_K block's packed 12-byte scales.
inline void unpack_scale_min_k4(int j, const uint8_t* q, uint8_t& scale, uint8_t& min) {
    if (j < 4) {
        scale = q[j] & 63;
        min = q[j + 4] & 63;
    } else {
        scale = uint8_t((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        min = uint8_t((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

} // namespace rwb::quant
