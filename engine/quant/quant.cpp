// Dispatch of the reference conversions and dot products over the supported types.
#include "quant/quant.h"

#include "quant/kquant_search.h"

#include <array>
#include <string>

namespace rwb::quant {

namespace {
constexpr std::array<GgmlType, 8> kSupported = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16,
                                                GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_K,
                                                GgmlType::Q5_K, GgmlType::Q6_K};

Status check_length(GgmlType type, int64_t n) {
    if (!is_supported(type))
        return Status::error("tensor type " + std::string(ggml_type_name(type)) +
                             " is not supported");
    const auto traits = ggml_type_traits(type);
    if (n < 0 || n % traits->block_size != 0)
        return Status::error(std::to_string(n) + " elements is not a whole number of " +
                             std::string(traits->name) + " blocks of " +
                             std::to_string(traits->block_size));
    return Status::ok();
}
} // namespace

bool is_supported(GgmlType type) {
    for (GgmlType t : kSupported)
        if (t == type) return true;
    return false;
}

std::span<const GgmlType> supported_types() {
    return kSupported;
}

Status dequantize_row(GgmlType type, const void* src, float* dst, int64_t n) {
    RWB_RETURN_IF_ERROR(check_length(type, n));
    switch (type) {
    case GgmlType::F32:
        dequantize_row_f32(static_cast<const float*>(src), dst, n);
        break;
    case GgmlType::F16:
        dequantize_row_f16(static_cast<const uint16_t*>(src), dst, n);
        break;
    case GgmlType::BF16:
        dequantize_row_bf16(static_cast<const uint16_t*>(src), dst, n);
        break;
    case GgmlType::Q8_0:
        dequantize_row_q8_0(static_cast<const BlockQ8_0*>(src), dst, n);
        break;
    case GgmlType::Q4_0:
        dequantize_row_q4_0(static_cast<const BlockQ4_0*>(src), dst, n);
        break;
    case GgmlType::Q4_K:
        dequantize_row_q4_K(static_cast<const BlockQ4_K*>(src), dst, n);
        break;
    case GgmlType::Q5_K:
        dequantize_row_q5_K(static_cast<const BlockQ5_K*>(src), dst, n);
        break;
    case GgmlType::Q6_K:
        dequantize_row_q6_K(static_cast<const BlockQ6_K*>(src), dst, n);
        break;
    default:
        break;
    }
    return Status::ok();
}

Status quantize_row(GgmlType type, const float* src, void* dst, int64_t n) {
    RWB_RETURN_IF_ERROR(check_length(type, n));
    const bool block_format =
        type != GgmlType::F32 && type != GgmlType::F16 && type != GgmlType::BF16;
    if (block_format && !detail::all_finite(src, n))
        return Status::error("cannot quantize NaN or infinite values to " +
                             std::string(ggml_type_name(type)));
    switch (type) {
    case GgmlType::F32:
        for (int64_t i = 0; i < n; ++i) static_cast<float*>(dst)[i] = src[i];
        break;
    case GgmlType::F16:
        quantize_row_f16(src, static_cast<uint16_t*>(dst), n);
        break;
    case GgmlType::BF16:
        quantize_row_bf16(src, static_cast<uint16_t*>(dst), n);
        break;
    case GgmlType::Q8_0:
        quantize_row_q8_0(src, static_cast<BlockQ8_0*>(dst), n);
        break;
    case GgmlType::Q4_0:
        quantize_row_q4_0(src, static_cast<BlockQ4_0*>(dst), n);
        break;
    case GgmlType::Q4_K:
        quantize_row_q4_K(src, static_cast<BlockQ4_K*>(dst), n);
        break;
    case GgmlType::Q5_K:
        quantize_row_q5_K(src, static_cast<BlockQ5_K*>(dst), n);
        break;
    case GgmlType::Q6_K:
        quantize_row_q6_K(src, static_cast<BlockQ6_K*>(dst), n);
        break;
    default:
        break;
    }
    return Status::ok();
}

GgmlType vec_dot_type(GgmlType weight_type) {
    switch (weight_type) {
    case GgmlType::Q4_0:
    case GgmlType::Q8_0:
        return GgmlType::Q8_0;
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
    case GgmlType::Q6_K:
        return GgmlType::Q8_K;
    default:
        return GgmlType::F32;
    }
}

Result<float> vec_dot(GgmlType type, int64_t n, const void* w, const void* a) {
    RWB_RETURN_IF_ERROR(check_length(type, n));
    switch (type) {
    case GgmlType::F32:
        return vec_dot_f32(n, static_cast<const float*>(w), static_cast<const float*>(a));
    case GgmlType::F16:
        return vec_dot_f16(n, static_cast<const uint16_t*>(w), static_cast<const float*>(a));
    case GgmlType::BF16:
        return vec_dot_bf16(n, static_cast<const uint16_t*>(w), static_cast<const float*>(a));
    case GgmlType::Q8_0:
        return vec_dot_q8_0_q8_0(n, static_cast<const BlockQ8_0*>(w),
                                 static_cast<const BlockQ8_0*>(a));
    case GgmlType::Q4_0:
        return vec_dot_q4_0_q8_0(n, static_cast<const BlockQ4_0*>(w),
                                 static_cast<const BlockQ8_0*>(a));
    case GgmlType::Q4_K:
        return vec_dot_q4_K_q8_K(n, static_cast<const BlockQ4_K*>(w),
                                 static_cast<const BlockQ8_K*>(a));
    case GgmlType::Q5_K:
        return vec_dot_q5_K_q8_K(n, static_cast<const BlockQ5_K*>(w),
                                 static_cast<const BlockQ8_K*>(a));
    case GgmlType::Q6_K:
        return vec_dot_q6_K_q8_K(n, static_cast<const BlockQ6_K*>(w),
                                 static_cast<const BlockQ8_K*>(a));
    default:
        return Status::error("no dot product for this type");
    }
}

} // namespace rwb::quant
