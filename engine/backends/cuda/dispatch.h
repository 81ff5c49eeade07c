// Host-side dispatch from run-time values to the kernels' template parameters: the weight type
// (every ggml type the kernels read) and the activation row count of a decode step.
#pragma once

#include "kernels.h"

#include <type_traits>

namespace rwb::cuda {

// f(std::integral_constant<uint32_t, T>) for a weight type the kernels read; false otherwise.
template <class F>
bool with_weight_type(uint32_t type, F&& f) {
    switch (type) {
    case kF32:
        return f(std::integral_constant<uint32_t, kF32>{});
    case kF16:
        return f(std::integral_constant<uint32_t, kF16>{});
    case kBF16:
        return f(std::integral_constant<uint32_t, kBF16>{});
    case kQ8_0:
        return f(std::integral_constant<uint32_t, kQ8_0>{});
    case kQ4_0:
        return f(std::integral_constant<uint32_t, kQ4_0>{});
    case kQ4_K:
        return f(std::integral_constant<uint32_t, kQ4_K>{});
    case kQ5_K:
        return f(std::integral_constant<uint32_t, kQ5_K>{});
    case kQ6_K:
        return f(std::integral_constant<uint32_t, kQ6_K>{});
    default:
        return false;
    }
}

// f(std::integral_constant<int, NB>) for the row count n (1..kMaxMatvecRows): the mat-vec
// kernels are instantiated per row count. False for any other n.
template <class F>
bool with_rows(int n, F&& f) {
    switch (n) {
    case 1:
        return f(std::integral_constant<int, 1>{});
    case 2:
        return f(std::integral_constant<int, 2>{});
    case 3:
        return f(std::integral_constant<int, 3>{});
    case 4:
        return f(std::integral_constant<int, 4>{});
    case 5:
        return f(std::integral_constant<int, 5>{});
    case 6:
        return f(std::integral_constant<int, 6>{});
    case 7:
        return f(std::integral_constant<int, 7>{});
    case 8:
        return f(std::integral_constant<int, 8>{});
    default:
        return false;
    }
}

} // namespace rwb::cuda
