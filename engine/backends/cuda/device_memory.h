// Every device allocation of the CUDA module goes through here (weights, activation buffers, KV
// caches), so that RWB_CUDA_VRAM_LIMIT_MIB is a real budget and not only a planning figure: it
// is the most GPU memory this process may take, of which kReserveBytes are left to the CUDA
// context, cuBLAS and graphs (not ours to count); an allocation that would take the module's
// own buffers past the rest fails exactly as cudaMalloc does when the card is full. Users set it
// to leave VRAM to other programs; tests set it to run out of memory on purpose. Implemented in
// device_model.cu.
#pragma once

#include <cstdint>
#include <string>

namespace rwb::cuda {

constexpr uint64_t kReserveBytes = 512ull << 20;

// What an allocation may take now: cudaMemGetInfo's free memory, capped by what is left of the
// budget. Reads the environment on every call, so the budget can change while running.
uint64_t allocatable_bytes();

// Allocates `bytes` within the budget. On failure: false, *ptr null, no CUDA error left pending
// (an out-of-memory cudaMalloc is not sticky, the other sessions go on) and `err` one line:
// "out of GPU memory: needed X MiB for <what>, Y MiB free".
bool dev_alloc(void** ptr, uint64_t bytes, const std::string& what, std::string& err);
// Frees what dev_alloc gave (bytes as asked). Null is ignored.
void dev_free(void* ptr, uint64_t bytes);

// The one-line message of an allocation of `bytes` for `what` that `free_bytes` could not hold.
std::string out_of_memory(const std::string& what, uint64_t bytes, uint64_t free_bytes);
// Bytes as "N MiB" (rounded up).
std::string mib(uint64_t bytes);

} // namespace rwb::cuda
