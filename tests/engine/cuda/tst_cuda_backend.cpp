// CUDA backend against the CPU backend and llama.cpp's float64 references, on the GPU machine.
// A plain program (the GPU machine has no Qt): exit 0 = pass, 1 = fail, 77 = skipped (no module
// or no device; CTest's SKIP_RETURN_CODE). Reference data: $RWB_REFERENCE_DIR, else the source
// tree's tests/data/reference.
//
// Tolerances, and why (measured on the H200, 2026-11-29, in docs/performance.md):
// - CUDA vs llama.cpp's float64 logits: relative L2 < 1e-3 and top-1 at least llama.cpp's. The
//   GPU multiplies F32 activations (mat-vec) or F16 activations (prefill GEMMs, ~2^-11 relative
//   rounding), so it lands 2e-4 .. 6e-4 from exact for every type, where the CPU and llama.cpp,
//   which round activations to 8 bits for quantized weights, are 1e-2 .. 1.7e-2 away.
// - CUDA vs CPU: the CPU's own error dominates, so the bound is the triangle inequality:
//   relL2(gpu, cpu) <= relL2(cpu, exact) + relL2(gpu, exact) + 1e-4, and the same top-1 as the
//   CPU wherever the CPU's top-2 gap is wider than its own error (5% of the logit spread).
//   The "under 1e-2 vs CPU" cannot hold for quantized files while the CPU is itself
//   1.6e-2 from exact.
// - Partial offload (1 of 2 layers on the CPU) vs all-GPU: no further from it than the CPU is,
//   plus 1e-3. Two sessions batched vs each alone: 1e-4 (only the flash-decoding split differs).
#include "cuda_backend_batching.h"
#include "cuda_backend_memory.h"
#include "cuda_backend_sampling.h"
#include "cuda_backend_util.h"
#include "rwb/fit.h"
#include "rwb/model.h"
#include "rwb/session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <vector>

using namespace rwb;
using namespace rwb::cuda_test;

namespace {

int g_failures = 0;
void check(bool ok, const std::string& what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
    if (!ok) ++g_failures;
}

std::vector<float> read_f32(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::vector<char> b((std::istreambuf_iterator<char>(f)), {});
    std::vector<float> v(b.size() / 4);
    if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * 4);
    return v;
}
size_t argmax(const float* a, size_t n) {
    size_t k = 0;
    for (size_t i = 1; i < n; ++i)
        if (a[i] > a[k]) k = i;
    return k;
}
// Top-1 agreement per row, not counting rows whose reference top-2 are within `tie`.
double top1_agree(const float* a, const float* ref, size_t rows, size_t vocab, float tie) {
    size_t same = 0, counted = 0;
    for (size_t r = 0; r < rows; ++r) {
        const float* x = a + r * vocab;
        const float* y = ref + r * vocab;
        const size_t k = argmax(y, vocab);
        float second = -1e30f;
        for (size_t i = 0; i < vocab; ++i)
            if (i != k) second = std::max(second, y[i]);
        if (y[k] - second < tie) continue;
        ++counted;
        same += argmax(x, vocab) == k;
    }
    return counted ? double(same) / double(counted) : 1.0;
}

std::vector<float> all_logits(const std::shared_ptr<const Model>& m, const std::vector<TokenId>& t,
                              int64_t n_batch = 256) {
    SessionOptions so;
    so.n_ctx = 256;
    so.n_batch = n_batch;
    auto s = Session::create(m, so);
    std::vector<float> out;
    if (!s || !(*s)->prefill(t, &out)) return {};
    return out;
}

// Decode one token at a time (the mat-vec + flash-decoding path); last logits.
std::vector<float> decode_logits(const std::shared_ptr<const Model>& m,
                                 const std::vector<TokenId>& t) {
    SessionOptions so;
    so.n_ctx = 256;
    auto s = Session::create(m, so);
    if (!s) return {};
    for (TokenId id : t)
        if (!(*s)->append(std::span<const TokenId>(&id, 1))) return {};
    auto l = (*s)->logits();
    return {l.begin(), l.end()};
}

void reference_models() {
    std::ifstream idx(ref_dir() + "/index.tsv");
    std::string line;
    std::map<std::string, std::shared_ptr<const Model>> cpu, gpu;
    while (std::getline(idx, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string name, seq;
        long n_tok = 0, vocab = 0;
        double llama_l2 = 0, llama_top1 = 0;
        ls >> name >> seq >> n_tok >> vocab >> llama_l2 >> llama_top1;
        const std::string path = ref_dir() + "/models/" + name + ".gguf";
        if (!cpu.count(name)) {
            cpu[name] = load(path, Backend::Cpu);
            gpu[name] = load(path, Backend::Cuda);
        }
        if (!cpu[name] || !gpu[name]) {
            check(false, name + " loads");
            continue;
        }
        const auto toks = read_tokens(seq);
        const auto exact = read_f32(ref_dir() + "/logits/" + name + "." + seq + ".exact.f32");
        const auto c = all_logits(cpu[name], toks);
        const auto g = all_logits(gpu[name], toks);
        if (c.empty() || g.empty() || c.size() != g.size() || exact.size() != g.size()) {
            check(false, name + "/" + seq + " evaluates");
            continue;
        }
        const size_t V = size_t(vocab);
        const double l2_cpu = rel_l2(g.data(), c.data(), g.size());
        const double l2_exact = rel_l2(g.data(), exact.data(), g.size());
        const double l2_cpu_exact = rel_l2(c.data(), exact.data(), c.size());
        float lo = c[0], hi = c[0];
        for (float v : c) lo = std::min(lo, v), hi = std::max(hi, v);
        const double top_cpu = top1_agree(g.data(), c.data(), toks.size(), V, 0.05f * (hi - lo));
        const double top_exact = top1_agree(g.data(), exact.data(), toks.size(), V, 0.f);
        char buf[400];
        std::snprintf(buf, sizeof buf,
                      "%s/%s prefill: relL2 vs CPU %.2e, vs exact %.2e (CPU %.2e, llama.cpp %.2e); "
                      "top-1 vs CPU %.3f, vs exact %.3f (llama.cpp %.3f)",
                      name.c_str(), seq.c_str(), l2_cpu, l2_exact, l2_cpu_exact, llama_l2, top_cpu,
                      top_exact, llama_top1);
        // Same top-1 as the CPU and no further from the exact forward pass than llama.cpp or our
        // CPU backend are. Against the CPU: under the 1e-2, or, where the CPU itself is
        // further than that from exact (its 8-bit activations on these 256-wide random models,
        // 1.1-1.7e-2, as llama.cpp's), no more than the two distances to exact add up to. Rows
        // of more than kMaxMatvecRows (seq17, seq150) run F16 GEMMs, near exact; decode rows
        // (seq1) use 8-bit activations quantized as the CPU quantizes them.
        const double own_bar = std::max(l2_cpu_exact, llama_l2) + 1e-3;
        const bool near_cpu = l2_cpu < 1e-2 || l2_cpu <= l2_cpu_exact + l2_exact + 1e-4;
        check(near_cpu && top_cpu == 1.0 && l2_exact <= own_bar && top_exact >= llama_top1, buf);
        if (seq == "seq17") {
            const auto d = decode_logits(gpu[name], toks);
            const auto dc = decode_logits(cpu[name], toks);
            // Decode (staged mat-vecs, flash-decoding) against the CPU's decode and the exact row.
            const float* last_e = exact.data() + (toks.size() - 1) * V;
            const bool sized = d.size() == V && dc.size() == V;
            const double l2 = sized ? rel_l2(d.data(), dc.data(), V) : -1.0;
            const double l2e = sized ? rel_l2(d.data(), last_e, V) : -1.0;
            const double l2ce = sized ? rel_l2(dc.data(), last_e, V) : -1.0;
            // Both quantize the activations alike, but float sums in another order move a value
            // across a rounding boundary now and then, and these 2-layer random models amplify
            // such a flip up to ~1e-2: so, as for prefill, under 1e-2 or within the two distances
            // to exact (and no further from exact than the CPU or llama.cpp).
            const bool ok = sized && (l2 < 1e-2 || l2 <= l2ce + l2e + 1e-4) &&
                            argmax(d.data(), V) == argmax(dc.data(), V) &&
                            l2e <= std::max(l2ce, llama_l2) + 1e-3;
            std::snprintf(buf, sizeof buf,
                          "%s/%s decode one by one: relL2 vs CPU decode %.2e, vs exact %.2e (CPU "
                          "%.2e, llama.cpp %.2e)",
                          name.c_str(), seq.c_str(), l2, l2e, l2ce, llama_l2);
            check(ok, buf);
        }
    }
}

void partial_offload() {
    const std::string path = ref_dir() + "/models/qwen2-tiny-q4_k_m.gguf";
    auto full = load(path, Backend::Cuda);
    auto half = load(path, Backend::Cuda, 1);
    auto cpu = load(path, Backend::Cpu);
    if (!full || !half || !cpu) return check(false, "partial offload: models load");
    check(half->info().backend == "cuda+cpu" && half->info().gpu_layers == 1,
          "partial offload: 1 of 2 layers on the GPU (" + half->info().backend + ")");
    const auto toks = read_tokens("seq150");
    const auto a = all_logits(full, toks), b = all_logits(half, toks), c = all_logits(cpu, toks);
    if (a.empty() || a.size() != b.size() || a.size() != c.size())
        return check(false, "partial offload: evaluates");
    const size_t V = size_t(full->info().n_vocab);
    const double l2_half = rel_l2(b.data(), a.data(), a.size());
    const double l2_cpu = rel_l2(c.data(), a.data(), a.size());
    const double top_half = top1_agree(b.data(), a.data(), toks.size(), V, 0.f);
    const double top_cpu = top1_agree(c.data(), a.data(), toks.size(), V, 0.f);
    check(l2_half <= l2_cpu + 1e-3 && top_half >= top_cpu,
          "partial offload vs all-GPU: relL2 " + std::to_string(l2_half) + ", top-1 " +
              std::to_string(top_half) + " (CPU alone: " + std::to_string(l2_cpu) + ", " +
              std::to_string(top_cpu) + ")");
}

void batched_sessions() {
    const std::string path = ref_dir() + "/models/llama-tiny-q8_0.gguf";
    auto m = load(path, Backend::Cuda);
    if (!m) return check(false, "batched: model loads");
    const auto toks = read_tokens("seq150");
    SessionOptions so;
    so.n_ctx = 256;
    std::vector<std::unique_ptr<Session>> batched, alone;
    for (int i = 0; i < 4; ++i) {
        auto a = Session::create(m, so), b = Session::create(m, so);
        if (!a || !b) return check(false, "batched: sessions");
        batched.push_back(std::move(*a));
        alone.push_back(std::move(*b));
    }
    // Different prompt lengths so the rows sit at different positions.
    for (int i = 0; i < 4; ++i) {
        std::vector<TokenId> p(toks.begin(), toks.begin() + 10 + 30 * i);
        if (!batched[size_t(i)]->prefill(p) || !alone[size_t(i)]->prefill(p))
            return check(false, "batched: prefill");
    }
    double worst = 0;
    std::string first_off; // the first step and session that differ, if any
    std::vector<Session*> ptrs;
    for (auto& s : batched) ptrs.push_back(s.get());
    for (int step = 0; step < 12; ++step) {
        std::vector<TokenId> t;
        for (int i = 0; i < 4; ++i) t.push_back(toks[size_t(step * 4 + i)]);
        if (!Session::append_batch(ptrs, t)) return check(false, "batched: append_batch");
        for (int i = 0; i < 4; ++i) {
            if (!alone[size_t(i)]->append(std::span<const TokenId>(&t[size_t(i)], 1)))
                return check(false, "batched: append");
            const auto x = batched[size_t(i)]->logits(), y = alone[size_t(i)]->logits();
            const double d = rel_l2(x.data(), y.data(), x.size());
            if (d >= 1e-4 && first_off.empty())
                first_off = "; first at step " + std::to_string(step) + ", session " +
                            std::to_string(i) + ": " + std::to_string(d);
            worst = std::max(worst, d);
        }
    }
    check(worst < 1e-4, "4 sessions batched equal each alone (worst relL2 " +
                            std::to_string(worst) + first_off + ")");
}

// Free VRAM per device for the fit estimate: every device answers, free within (0, total].
void gpu_memory() {
    const auto gpus = probe_gpus();
    check(!gpus.empty(), "probe_gpus lists the device(s)");
    for (size_t i = 0; i < gpus.size(); ++i) {
        const auto& g = gpus[i];
        std::printf("gpu %zu: %s, %s free of %s\n", i, g.name.c_str(),
                    format_bytes(g.free_bytes).c_str(), format_bytes(g.total_bytes).c_str());
        check(!g.name.empty() && g.free_bytes > 0 && g.free_bytes <= g.total_bytes,
              "gpu " + std::to_string(i) + ": 0 < free <= total");
    }
    const auto machine = probe_machine_memory_with_gpus();
    check(machine.gpu_free.size() == gpus.size(), "the fit's machine has every GPU");
}

} // namespace

int main() {
    const std::string probe = ref_dir() + "/models/qwen2-tiny-q8_0.gguf";
    auto m = load(probe, Backend::Cuda);
    if (!m || m->info().backend == "cpu") {
        std::printf("SKIP: %s\n", m ? m->backend_notice().c_str() : "reference model missing");
        return 77;
    }
    std::printf("device: %s\n", m->info().device.c_str());
    if (const char* only = std::getenv("RWB_TST_ONLY"); only && std::string(only) == "batched") {
        batched_sessions(); // alone, for a sanitizer run
        std::printf("%d failure(s)\n", g_failures);
        return g_failures ? 1 : 0;
    }
    gpu_memory();
    reference_models();
    partial_offload();
    batched_sessions();
    g_failures += cuda_test::memory_cases();
    g_failures += cuda_test::device_sampling_cases(probe, read_tokens("seq17"));
    g_failures += cuda_test::batched_generation_cases(ref_dir() + "/models/llama-tiny-q8_0.gguf",
                                                      read_tokens("seq150"));
    std::printf("%d failure(s)\n", g_failures);
    return g_failures ? 1 : 0;
}
