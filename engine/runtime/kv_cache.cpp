// KV cache storage and conversion.
#include "runtime/kv_cache.h"

#include "quant/fp16.h"
#include "runtime/resident_memory.h"

#include <cstring>

namespace rwb::runtime {

KvCache::KvCache(KvCacheType type, int64_t n_layer, int64_t n_head_kv, int64_t n_ctx,
                 int64_t head_dim)
    : type_(type), n_layer_(n_layer), n_head_kv_(n_head_kv), n_ctx_(n_ctx), head_dim_(head_dim) {
    head_stride_ = size_t(n_ctx) * size_t(head_dim) * elem_bytes();
    bytes_ = uint64_t(head_stride_) * 2u * uint64_t(n_layer) * uint64_t(n_head_kv);
    // Uninitialised on purpose: pages are only committed when positions are written. Straight
    // from the OS, not the allocator, which may hand back a block whose pages an earlier
    // session already touched (glibc raises its mmap threshold after large frees).
    data_ = allocate_pages(size_t(bytes_));
}

KvCache::~KvCache() {
    free_pages(data_, size_t(bytes_));
}

uint64_t KvCache::resident_bytes() const {
    return runtime::resident_bytes(data_, size_t(bytes_));
}

void KvCache::store(uint8_t* head_base, int64_t pos, const float* x) const {
    if (type_ == KvCacheType::F32) {
        std::memcpy(head_base + size_t(pos) * size_t(head_dim_) * 4, x, size_t(head_dim_) * 4);
        return;
    }
    auto* dst = reinterpret_cast<uint16_t*>(head_base) + size_t(pos) * size_t(head_dim_);
    for (int64_t d = 0; d < head_dim_; ++d) dst[d] = quant::fp32_to_fp16(x[d]);
}

} // namespace rwb::runtime
