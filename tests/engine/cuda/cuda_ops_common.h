// Shared parts of tst_cuda_ops: device buffers, random inputs, error measures and the per-group
// PASS/FAIL report. The groups themselves live in cuda_ops_*.cu, one file per kind of op.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace cuda_ops {

// A CUDA error leaves the context unusable (a kernel fault poisons every later call), so the
// program reports it and stops: the remaining groups could not say anything meaningful.
inline void must(cudaError_t e, const char* what) {
    if (e == cudaSuccess) return;
    std::printf("FAIL CUDA error in %s: %s\n", what, cudaGetErrorString(e));
    std::fflush(stdout);
    std::exit(1);
}
// Waits for the kernels just launched and surfaces their launch and run-time errors.
inline void sync(const char* what) {
    must(cudaGetLastError(), what);
    must(cudaDeviceSynchronize(), what);
}

// Device memory of n elements of T, freed on scope exit.
template <class T>
struct DevBuf {
    T* p = nullptr;
    size_t n = 0;
    explicit DevBuf(size_t count) : n(count) {
        must(cudaMalloc(&p, std::max<size_t>(1, n) * sizeof(T)), "cudaMalloc");
    }
    ~DevBuf() { cudaFree(p); }
    DevBuf(const DevBuf&) = delete;
    DevBuf& operator=(const DevBuf&) = delete;
    void upload(const std::vector<T>& h) {
        must(cudaMemcpy(p, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice), "upload");
    }
    std::vector<T> download() const {
        std::vector<T> h(n);
        must(cudaMemcpy(h.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), "download");
        return h;
    }
};

using Rng = std::mt19937;

inline std::vector<float> normal(Rng& rng, size_t n, float sigma = 1.0f) {
    std::normal_distribution<float> d(0.0f, sigma);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}
inline std::vector<float> uniform(Rng& rng, size_t n, float lo, float hi) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}
inline int pick(Rng& rng, int lo, int hi) { // inclusive
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// sqrt(sum (a-b)^2) / sqrt(sum ref^2) over n values (0 when both are all zero).
inline double rel_l2(const float* a, const float* b, size_t n) {
    double num = 0, den = 0;
    for (size_t i = 0; i < n; ++i) {
        const double d = double(a[i]) - double(b[i]);
        num += d * d;
        den += double(b[i]) * double(b[i]);
    }
    if (den == 0) return num == 0 ? 0.0 : INFINITY;
    return std::sqrt(num / den);
}

// One group of cases (one op, or one op and type): its worst error against the bound, printed
// as one PASS/FAIL line; the first few failing cases are printed with their shapes.
class Group {
public:
    Group(std::string name, double bound) : name_(std::move(name)), bound_(bound) {}
    // Records one case; a NaN error counts as a failure.
    void add(double err, const std::string& what) {
        ++cases_;
        const bool ok = err <= bound_; // false for NaN
        if (std::isnan(err) || err > worst_) worst_ = err, worst_case_ = what;
        if (!ok && ++failed_ <= 5)
            std::printf("  fail: %s: error %.3g > %.3g\n", what.c_str(), err, bound_);
    }
    // A check with no numeric error (an untouched sentinel, a shape the op must handle).
    void require(bool ok, const std::string& what) { add(ok ? 0.0 : INFINITY, what); }
    // Prints the summary line; returns whether every case passed.
    bool report() const {
        const bool ok = failed_ == 0 && cases_ > 0;
        std::printf("%s %-34s %4d cases, worst %.3g (bound %.3g)%s%s\n", ok ? "PASS" : "FAIL",
                    name_.c_str(), cases_, worst_, bound_, worst_case_.empty() ? "" : " at ",
                    worst_case_.c_str());
        std::fflush(stdout);
        return ok;
    }

private:
    std::string name_;
    double bound_;
    int cases_ = 0, failed_ = 0;
    double worst_ = 0;
    std::string worst_case_;
};

// The case groups (each returns false when any case failed).
bool run_matvec(Rng& rng);
bool run_fused(Rng& rng);
bool run_dequantize(Rng& rng);
bool run_elementwise(Rng& rng);
bool run_attention(Rng& rng);
bool run_sample(Rng& rng);

} // namespace cuda_ops
