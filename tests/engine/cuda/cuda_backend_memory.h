// tst_cuda_backend's out-of-GPU-memory cases (cuda_backend_memory.cpp).
#pragma once

namespace rwb::cuda_test {

// Prints PASS/FAIL lines and returns the number of failures.
int memory_cases();

} // namespace rwb::cuda_test
