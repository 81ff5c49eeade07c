// The model's shared activation buffers (one block, carved per buffer, grown to the longest batch
// it has run, never shrunk) and the page-locked buffer its decode steps' logits come down through.
#include "device_model.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace rwb::cuda {

uint64_t DevModel::scratch_bytes(int64_t rows) const {
    const Shape& s = shape;
    const uint64_t R = uint64_t(rows);
    uint64_t f = R * uint64_t(2 * s.n_embd + 2 * s.q_dim() + 2 * s.kv_dim() + 2 * s.n_ff);
    f += uint64_t(std::min<int64_t>(rows, kLogitRowsPerStep)) * uint64_t(s.n_vocab);
    f += uint64_t(kMaxMatvecRows) * uint64_t(s.n_head) * kMaxSplits * uint64_t(s.head_dim + 2);
    f += uint64_t(kMaxMatvecRows) * uint64_t(s.n_head); // split counters (ints)
    uint64_t h = 0; // halves for the GEMM path (more rows than the mat-vec kernels take)
    if (rows > kMaxMatvecRows)
        h = R * uint64_t(std::max({s.n_embd, s.q_dim(), s.n_ff})) + uint64_t(w16_elems);
    // Each buffer is carved at a 256-byte boundary: 16 alignments of slack cover them all.
    return 16 * kAlign + align_up(f * 4 + 256, kAlign) + align_up(h * 2 + 256, kAlign) +
           align_up(R * sizeof(RowKv) + 256, kAlign);
}

bool DevModel::ensure_scratch(int64_t rows, std::string& err) {
    if (rows <= scratch.rows) return true;
    const uint64_t bytes = scratch_bytes(rows);
    const uint64_t have = scratch.bytes;
    const std::string what = std::to_string(rows) + "-row activation buffers";
    // Growth may eat into half the reserve of a full card, never past the budget (dev_alloc).
    if (const uint64_t avail = usable_free_bytes() + kReserveBytes / 2;
        bytes > have && bytes - have > avail) {
        err = out_of_memory(what, bytes - have, avail);
        return false;
    }
    // The new block is taken while the old one is still held: on failure the buffers (and the
    // graphs that point into them) stay as they were and the other sessions go on with them.
    void* block = nullptr;
    if (!dev_alloc(&block, bytes, what, err)) return false;
    drop_graphs(); // they point into the old buffers
    dev_free(scratch.block, scratch.bytes);
    Scratch& c = scratch;
    c = Scratch{};
    c.block = block;
    c.bytes = bytes;
    c.rows = rows;
    const Shape& s = shape;
    auto* p = static_cast<uint8_t*>(block);
    auto take = [&](uint64_t n_bytes) {
        uint8_t* r = p;
        p += align_up(n_bytes, kAlign);
        return r;
    };
    const uint64_t R = uint64_t(rows);
    c.x = reinterpret_cast<float*>(take(R * s.n_embd * 4));
    c.xn = reinterpret_cast<float*>(take(R * s.n_embd * 4));
    c.q = reinterpret_cast<float*>(take(R * s.q_dim() * 4));
    c.attn = reinterpret_cast<float*>(take(R * s.q_dim() * 4));
    c.k = reinterpret_cast<float*>(take(R * s.kv_dim() * 4));
    c.v = reinterpret_cast<float*>(take(R * s.kv_dim() * 4));
    c.gate = reinterpret_cast<float*>(take(R * s.n_ff * 4));
    c.up = reinterpret_cast<float*>(take(R * s.n_ff * 4));
    c.logits = reinterpret_cast<float*>(
        take(uint64_t(std::min<int64_t>(rows, kLogitRowsPerStep)) * s.n_vocab * 4));
    c.partial = reinterpret_cast<float*>(
        take(uint64_t(kMaxMatvecRows) * s.n_head * kMaxSplits * (s.head_dim + 2) * 4));
    c.split_counters = reinterpret_cast<int*>(take(uint64_t(kMaxMatvecRows) * s.n_head * 4));
    if (cudaMemset(c.split_counters, 0, size_t(kMaxMatvecRows) * size_t(s.n_head) * 4) !=
        cudaSuccess) {
        err = "CUDA error clearing the attention counters";
        cudaGetLastError();
        return false;
    }
    if (rows > kMaxMatvecRows) {
        c.x16 = reinterpret_cast<__half*>(
            take(R * uint64_t(std::max({s.n_embd, s.q_dim(), s.n_ff})) * 2));
        c.w16 = reinterpret_cast<__half*>(take(uint64_t(w16_elems) * 2));
    }
    c.row_kv = reinterpret_cast<RowKv*>(take(R * sizeof(RowKv)));
    return true;
}

float* DevModel::pinned_logits() {
    static const bool wanted = [] {
        const char* e = std::getenv("RWB_CUDA_PINNED");
        return !(e && std::strcmp(e, "0") == 0);
    }();
    if (!host_logits && wanted) {
        void* p = nullptr;
        if (cudaMallocHost(&p, size_t(kMaxMatvecRows) * size_t(shape.n_vocab) * 4) == cudaSuccess)
            host_logits = static_cast<float*>(p);
        else
            cudaGetLastError(); // no page-locked memory: the pageable download still works
    }
    return host_logits;
}

} // namespace rwb::cuda
