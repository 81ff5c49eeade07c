// KvCache: keys and values of every layer for up to n_ctx positions, F16 (default) or F32.
// Layout per layer and per KV head: [n_ctx][head_dim] contiguous, so attention for one head walks
// one contiguous stretch of memory. Allocated once at session start straight from the OS and not
// touched until written (pages are committed on first write), so an unused long context costs
// address space only; resident_bytes() measures what the written positions take.
#pragma once

#include "rwb/session.h"

#include <cstddef>
#include <cstdint>

namespace rwb::runtime {

class KvCache {
public:
    KvCache(KvCacheType type, int64_t n_layer, int64_t n_head_kv, int64_t n_ctx, int64_t head_dim);
    ~KvCache();
    KvCache(const KvCache&) = delete;
    KvCache& operator=(const KvCache&) = delete;

    KvCacheType type() const { return type_; }
    int64_t n_ctx() const { return n_ctx_; }
    int64_t head_dim() const { return head_dim_; }
    size_t elem_bytes() const { return type_ == KvCacheType::F16 ? 2 : 4; }
    uint64_t total_bytes() const { return bytes_; }
    bool allocated() const { return data_ != nullptr; }
    // Bytes of the cache on pages in RAM now (written at least once; mincore).
    uint64_t resident_bytes() const;

    // Start of [n_ctx][head_dim] for (layer, kv head).
    uint8_t* k(int64_t layer, int64_t kv_head) { return base(0, layer, kv_head); }
    uint8_t* v(int64_t layer, int64_t kv_head) { return base(1, layer, kv_head); }
    const uint8_t* k(int64_t layer, int64_t kv_head) const {
        return const_cast<KvCache*>(this)->base(0, layer, kv_head);
    }
    const uint8_t* v(int64_t layer, int64_t kv_head) const {
        return const_cast<KvCache*>(this)->base(1, layer, kv_head);
    }

    // Stores one position's vector (head_dim floats) converted to the cache type.
    void store(uint8_t* head_base, int64_t pos, const float* x) const;

private:
    uint8_t* base(int kv, int64_t layer, int64_t kv_head) {
        return data_ + ((size_t(kv) * size_t(n_layer_) + size_t(layer)) * size_t(n_head_kv_) +
                        size_t(kv_head)) *
                           head_stride_;
    }

    KvCacheType type_;
    int64_t n_layer_, n_head_kv_, n_ctx_, head_dim_;
    size_t head_stride_; // bytes of one (layer, head) block
    uint64_t bytes_;
    uint8_t* data_ = nullptr; // allocate_pages()
};

} // namespace rwb::runtime
