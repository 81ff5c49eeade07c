// matmul(): checks the operands, converts the activations once per call into the weight type's
// activation format (kept in the pool's scratch), then splits the weight rows across the pool's
// threads. Each thread walks its rows in blocks small enough to stay in L1 and, for every block,
// runs the kernels over tiles of up to kMaxTile activation rows, so one unpacked weight block
// serves several rows of X. Every output element is computed by the same code whatever the
// thread count or tiling, so results do not depend on either.
#include "backends/cpu/cpu_matmul.h"

#include "backends/cpu/cpu_kernels.h"
#include "quant/quant.h"

#include <algorithm>
#include <string>

namespace rwb::cpu {
namespace {

constexpr int64_t kRowBlock = 16;                    // weight rows kept hot in L1 per block
constexpr size_t kActivationBlockBytes = 256 * 1024; // activation rows kept hot in L2
constexpr int64_t kMinParallelMacs = 64 * 1024; // below this, dispatch costs more than it saves

Status check_weight(const WeightMatrix& W) {
    if (!quant::is_supported(W.type))
        return Status::error("matmul: unsupported weight type " +
                             std::string(ggml_type_name(W.type)));
    if (W.rows < 0 || W.cols <= 0) return Status::error("matmul: bad weight shape");
    const auto row_bytes = ggml_row_bytes(W.type, uint64_t(W.cols));
    if (!row_bytes)
        return Status::error("matmul: " + std::to_string(W.cols) +
                             " columns is not a multiple of the block size");
    if (*row_bytes != W.row_bytes) return Status::error("matmul: row_bytes does not match type");
    if (!W.data && W.rows > 0) return Status::error("matmul: weight data is null");
    return Status::ok();
}

void quantize_activation_rows(detail::QuantizeRowFn quantize, const float* X, int64_t ldx,
                              int64_t cols, int64_t m0, int64_t m1, uint8_t* A, size_t a_stride) {
    for (int64_t m = m0; m < m1; ++m) quantize(X + m * ldx, A + size_t(m) * a_stride, cols);
}

// Rows [r0, r1) of W times all M activation rows.
void multiply_rows(detail::RowDotFn dot, const WeightMatrix& W, const uint8_t* A, size_t a_stride,
                   int64_t M, float* Y, int64_t ldy, int64_t r0, int64_t r1) {
    int64_t m_block = int64_t(kActivationBlockBytes / std::max<size_t>(a_stride, 1));
    m_block = std::max<int64_t>(detail::kMaxTile, m_block / detail::kMaxTile * detail::kMaxTile);
    for (int64_t mb = 0; mb < M; mb += m_block) {
        const int64_t me = std::min(M, mb + m_block);
        for (int64_t rb = r0; rb < r1; rb += kRowBlock) {
            const int64_t re = std::min(r1, rb + kRowBlock);
            for (int64_t mt = mb; mt < me; mt += detail::kMaxTile) {
                const int nm = int(std::min<int64_t>(detail::kMaxTile, me - mt));
                const uint8_t* a = A + size_t(mt) * a_stride;
                for (int64_t r = rb; r < re; ++r)
                    dot(W.cols, W.data + size_t(r) * W.row_bytes, a, a_stride, nm, Y + mt * ldy + r,
                        ldy);
            }
        }
    }
}

} // namespace

Status matmul(const WeightMatrix& W, const float* X, int64_t M, int64_t ldx, float* Y, int64_t ldy,
              ThreadPool& pool) {
    RWB_RETURN_IF_ERROR(check_weight(W));
    if (M < 0) return Status::error("matmul: negative row count");
    if (M == 0 || W.rows == 0) return Status::ok();
    if (!X || !Y) return Status::error("matmul: null input or output");
    if (ldx < W.cols || ldy < W.rows) return Status::error("matmul: leading dimension too small");

    const detail::KernelTable& kernels = detail::active_kernels();
    const detail::RowDotFn dot = detail::kernel_for(kernels, W.type);
    if (!dot) return Status::error("matmul: no kernel for this type");

    const GgmlType act_type = quant::vec_dot_type(W.type);
    const bool parallel = W.rows * W.cols * M >= kMinParallelMacs && pool.size() > 1;
    const uint8_t* A = reinterpret_cast<const uint8_t*>(X);
    size_t a_stride = size_t(ldx) * sizeof(float);
    if (act_type != GgmlType::F32) {
        a_stride = size_t(*ggml_row_bytes(act_type, uint64_t(W.cols)));
        auto* buf = static_cast<uint8_t*>(pool.scratch(a_stride * size_t(M)));
        const detail::QuantizeRowFn quantize =
            act_type == GgmlType::Q8_0 ? kernels.quantize_q8_0 : kernels.quantize_q8_K;
        if (parallel && M >= 4) {
            pool.run([&](int ith, int nth) {
                const int64_t per = (M + nth - 1) / nth;
                quantize_activation_rows(quantize, X, ldx, W.cols, std::min(M, ith * per),
                                         std::min(M, (ith + 1) * per), buf, a_stride);
            });
        } else {
            quantize_activation_rows(quantize, X, ldx, W.cols, 0, M, buf, a_stride);
        }
        A = buf;
    }

    if (!parallel) {
        multiply_rows(dot, W, A, a_stride, M, Y, ldy, 0, W.rows);
        return Status::ok();
    }
    pool.run([&](int ith, int nth) {
        // Contiguous, equal row ranges: each thread streams its own part of W once.
        const int64_t per = (W.rows + nth - 1) / nth;
        const int64_t r0 = std::min(W.rows, ith * per);
        const int64_t r1 = std::min(W.rows, r0 + per);
        if (r0 < r1) multiply_rows(dot, W, A, a_stride, M, Y, ldy, r0, r1);
    });
    return Status::ok();
}

Status dequantize_row(const WeightMatrix& W, int64_t r, float* out) {
    RWB_RETURN_IF_ERROR(check_weight(W));
    if (r < 0 || r >= W.rows) return Status::error("dequantize_row: row out of range");
    if (!out) return Status::error("dequantize_row: null output");
    return quant::dequantize_row(W.type, W.data + size_t(r) * W.row_bytes, out, W.cols);
}

} // namespace rwb::cpu
