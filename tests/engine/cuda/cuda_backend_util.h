// What tst_cuda_backend's files share: where the reference data is, loading a model on a backend,
// and the relative L2 distance the checks compare by.
#pragma once

#include "rwb/model.h"
#include "rwb/session.h"
#include "rwb/tokenizer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace rwb::cuda_test {

// Reference data: $RWB_REFERENCE_DIR, else the source tree's tests/data/reference.
inline std::string ref_dir() {
    if (const char* d = std::getenv("RWB_REFERENCE_DIR"); d && *d) return d;
    return std::string(RWB_TEST_DATA_DIR) + "/reference";
}
inline std::vector<TokenId> read_tokens(const std::string& seq) {
    std::ifstream f(ref_dir() + "/tokens/" + seq + ".txt");
    std::vector<TokenId> v;
    for (long t; f >> t;) v.push_back(TokenId(t));
    return v;
}
inline double rel_l2(const float* a, const float* b, size_t n) {
    double num = 0, den = 0;
    for (size_t i = 0; i < n; ++i)
        num += double(a[i] - b[i]) * (a[i] - b[i]), den += double(b[i]) * b[i];
    return std::sqrt(num / (den > 0 ? den : 1));
}
inline std::shared_ptr<const Model> load(const std::string& path, Backend b, int gpu_layers = -1) {
    ModelOptions o;
    o.load_tokenizer = false;
    o.backend = b;
    o.gpu_layers = gpu_layers;
    o.plan_n_ctx = 256;
    auto m = Model::load(path, o);
    if (!m) {
        std::printf("load %s: %s\n", path.c_str(), m.message().c_str());
        return nullptr;
    }
    return *m;
}

// Plain generation of n tokens: no thought at the start, no reasoning split (the tests compare
// tokens only).
inline GenerationParams plain_generation(const SamplerParams& sp, int64_t n) {
    GenerationParams gp;
    gp.sampler = sp;
    gp.max_tokens = n;
    gp.start_in_thought = false;
    gp.split_reasoning = false;
    return gp;
}

} // namespace rwb::cuda_test
