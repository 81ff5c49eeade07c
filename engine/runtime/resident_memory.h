// Measuring, not estimating, how much of a buffer is in RAM: the weights a model maps from its
// file and the KV cache a session reserved are only brought into memory as they are touched,
// so their sizes say little about what a model really takes while it runs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rwb::runtime {

// Bytes of [data, data + size) that lie on pages resident in RAM now (mincore() on POSIX).
// For a file mapping that is the file's pages in the OS page cache (shared by every process and
// session mapping the file); for anonymous memory, the pages written so far. Without mincore()
// (Windows) the whole range is counted as resident. 0 for an empty range or when the call fails.
uint64_t resident_bytes(const void* data, size_t size);

// Anonymous read-write memory straight from the OS (mmap on POSIX; new[] on Windows): its pages
// are committed only when first written, whatever the allocator did with earlier blocks, so
// resident_bytes() over it counts exactly what has been written. Null when the OS refuses.
uint8_t* allocate_pages(size_t size);
void free_pages(uint8_t* data, size_t size);

} // namespace rwb::runtime
