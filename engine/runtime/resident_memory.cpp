// mincore() over page-aligned chunks; see resident_memory.h.
#include "runtime/resident_memory.h"

#include <algorithm>
#include <new>

#ifndef _WIN32
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace rwb::runtime {

#ifdef _WIN32

uint64_t resident_bytes(const void* data, size_t size) {
    // QueryWorkingSetEx could tell, but only for this process's working set; counting the whole
    // range keeps the figure an upper bound.
    return data ? uint64_t(size) : 0;
}

uint8_t* allocate_pages(size_t size) {
    return new (std::nothrow) uint8_t[size];
}

void free_pages(uint8_t* data, size_t /*size*/) {
    delete[] data;
}

#else

uint64_t resident_bytes(const void* data, size_t size) {
    if (!data || size == 0) return 0;
    const long ps = sysconf(_SC_PAGESIZE);
    const uintptr_t page = ps > 0 ? uintptr_t(ps) : 4096;
    const uintptr_t begin = reinterpret_cast<uintptr_t>(data);
    const uintptr_t end = begin + size;
    uintptr_t at = begin & ~(page - 1);
    // A fixed vector per call: no allocation, so this is safe on the generation path.
#ifdef __APPLE__
    char vec[4096];
#else
    unsigned char vec[4096];
#endif
    uint64_t resident = 0;
    while (at < end) {
        const size_t pages = std::min<size_t>(sizeof vec, (end - at + page - 1) / page);
        if (mincore(reinterpret_cast<void*>(at), pages * page, vec) != 0) return 0;
        for (size_t i = 0; i < pages; ++i) {
            if (!(vec[i] & 1)) continue;
            // Only the part of the page inside [begin, end) counts.
            const uintptr_t lo = std::max(at + i * page, begin);
            const uintptr_t hi = std::min(at + (i + 1) * page, end);
            resident += hi - lo;
        }
        at += pages * page;
    }
    return resident;
}

uint8_t* allocate_pages(size_t size) {
    if (size == 0) return nullptr;
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

void free_pages(uint8_t* data, size_t size) {
    if (data) munmap(data, size);
}

#endif

} // namespace rwb::runtime
