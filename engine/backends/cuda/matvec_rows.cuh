// A lane's share of whole weight rows in the staged mat-vec kernel (matvec_staged.cu): the
// per-unit dot products of matvec_dot.cuh walked over a row's units, for P rows of one type at
// once, the type picked at run time for the block.
#pragma once

#include "matvec_dot.cuh"

namespace rwb::cuda {

// acc[p][m]: the lane's share of weight row p times staged row m. The P rows (of one type) are
// walked together so their loads are in flight at once.
template <int K, uint32_t T, int NB, int P>
__device__ __forceinline__ void rows_dot_t(const uint8_t* (&rows)[P], int units, const void* xs,
                                           int first, int stride, float (&acc)[P][NB]) {
    if constexpr (K != kStageFloat) {
        // Several units per lane in flight: the later units' loads issue before the first is
        // used (ncu: the kernel waited on its loads with a third of the DRAM bandwidth in use).
        // The same bytes in flight whatever the slot size.
        constexpr int kUnroll = (NB <= 2 ? 4 : 2) / slot_units<T>();
        const int slots = units / slot_units<T>();
#pragma unroll(kUnroll)
        for (int u = first; u < slots; u += stride)
#pragma unroll
            for (int p = 0; p < P; ++p)
                dot_unit_q8<T, NB>(rows[p], u, static_cast<const XUnit*>(xs), units, acc[p]);
    } else {
        for (int u = first; u < units; u += stride)
#pragma unroll
            for (int p = 0; p < P; ++p)
                dot_unit_f<T, NB>(rows[p], u, static_cast<const float*>(xs), units, acc[p]);
    }
}

template <int K, int NB, int P>
__device__ __forceinline__ void rows_dot(uint32_t type, const uint8_t* (&rows)[P], int units,
                                         const void* xs, int first, int stride,
                                         float (&acc)[P][NB]) {
#pragma unroll
    for (int p = 0; p < P; ++p)
#pragma unroll
        for (int m = 0; m < NB; ++m) acc[p][m] = 0.f;
    if constexpr (K == kStageQ8_0) {
        switch (type) {
        case kQ8_0:
            return rows_dot_t<K, kQ8_0, NB, P>(rows, units, xs, first, stride, acc);
        case kQ4_0:
            return rows_dot_t<K, kQ4_0, NB, P>(rows, units, xs, first, stride, acc);
        default:
            return;
        }
    } else if constexpr (K == kStageQ8_K) {
        switch (type) {
        case kQ4_K:
            return rows_dot_t<K, kQ4_K, NB, P>(rows, units, xs, first, stride, acc);
        case kQ5_K:
            return rows_dot_t<K, kQ5_K, NB, P>(rows, units, xs, first, stride, acc);
        case kQ6_K:
            return rows_dot_t<K, kQ6_K, NB, P>(rows, units, xs, first, stride, acc);
        default:
            return;
        }
    } else {
        switch (type) {
        case kF32:
            return rows_dot_t<K, kF32, NB, P>(rows, units, xs, first, stride, acc);
        case kF16:
            return rows_dot_t<K, kF16, NB, P>(rows, units, xs, first, stride, acc);
        case kBF16:
            return rows_dot_t<K, kBF16, NB, P>(rows, units, xs, first, stride, acc);
        default:
            return;
        }
    }
}

} // namespace rwb::cuda
