// tst_cuda_backend's decode batching across sessions (cuda_backend_batching.cpp).
#pragma once

#include "rwb/tokenizer.h"

#include <string>
#include <vector>

namespace rwb::cuda_test {

// Two and three sessions of the model at model_path generating at once on std::threads against
// each alone; prints PASS/FAIL lines and returns the number of failures.
int batched_generation_cases(const std::string& model_path, const std::vector<TokenId>& prompt);

} // namespace rwb::cuda_test
