// Row-parallel quantize/dequantize (see tensor_quantizer.h).
#include "quant/tensor_quantizer.h"

#include "quant/quant.h"

#include <algorithm>
#include <functional>
#include <thread>
#include <vector>

namespace rwb::quant {

namespace {
// Runs work(first_row, end_row) over `threads` contiguous row ranges; the first error wins.
Status for_row_ranges(int64_t rows, int threads,
                      const std::function<Status(int64_t, int64_t)>& work) {
    const int64_t n = std::max<int64_t>(1, std::min<int64_t>(resolve_threads(threads), rows));
    if (n == 1) return work(0, rows);
    std::vector<Status> results(static_cast<size_t>(n));
    std::vector<std::thread> pool;
    const int64_t per = (rows + n - 1) / n;
    for (int64_t t = 0; t < n; ++t) {
        const int64_t begin = t * per, end = std::min(rows, begin + per);
        if (begin >= end) break;
        pool.emplace_back([&, t, begin, end] { results[size_t(t)] = work(begin, end); });
    }
    for (auto& th : pool) th.join();
    for (auto& s : results)
        if (!s.is_ok()) return s;
    return Status::ok();
}
} // namespace

int resolve_threads(int threads) {
    if (threads > 0) return threads;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw ? int(hw) : 1;
}

Status quantize_rows(GgmlType type, const float* src, int64_t rows, int64_t cols, uint8_t* dst,
                     int threads) {
    const auto row_bytes = ggml_row_bytes(type, uint64_t(cols));
    if (!row_bytes) return Status::error("row length does not fit the type's block size");
    return for_row_ranges(rows, threads, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
            RWB_RETURN_IF_ERROR(quantize_row(type, src + r * cols, dst + r * *row_bytes, cols)
                                    .with_context("row " + std::to_string(r)));
        return Status::ok();
    });
}

Status dequantize_rows(GgmlType type, const uint8_t* src, int64_t rows, int64_t cols, float* dst,
                       int threads) {
    const auto row_bytes = ggml_row_bytes(type, uint64_t(cols));
    if (!row_bytes) return Status::error("row length does not fit the type's block size");
    return for_row_ranges(rows, threads, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
            RWB_RETURN_IF_ERROR(dequantize_row(type, src + r * *row_bytes, dst + r * cols, cols));
        return Status::ok();
    });
}

} // namespace rwb::quant
