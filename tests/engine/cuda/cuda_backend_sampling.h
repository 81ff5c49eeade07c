// tst_cuda_backend's sampling-on-the-device cases (cuda_backend_sampling.cpp).
#pragma once

#include "rwb/tokenizer.h"

#include <string>
#include <vector>

namespace rwb::cuda_test {

// Generations with the device path on and off on the model at model_path after `prompt`; prints
// PASS/FAIL lines and returns the number of failures.
int device_sampling_cases(const std::string& model_path, const std::vector<TokenId>& prompt);

} // namespace rwb::cuda_test
