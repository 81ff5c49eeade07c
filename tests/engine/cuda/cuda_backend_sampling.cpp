// tst_cuda_backend, sampling on the device: Session::generate with the reduction on the GPU
// (the default with every layer there) against the same generation with
// RWB_CUDA_DEVICE_SAMPLING=0 (the whole row downloaded, the CPU sampler over it). The logits are
// the same either way (the same kernels), so with the same seed every token must be the same,
// for greedy, top-k, the R1 default, min-p and penalties; the device path must really have been
// taken (GenerationStats::device_sampled_tokens) where it applies (penalties included), and not at
// all where it cannot be (top-k above 1024) or is switched off. After a device-sampled generation,
// Session::logits() downloads the row: it must equal the switched-off session's. On a reference
// model (1k vocabulary) and on a random 152k-vocabulary model written here.
#include "cuda_backend_sampling.h"
#include "cuda_backend_util.h"

#include "quant/synth_writer.h"
#include "rwb/model.h"
#include "rwb/session.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace rwb::cuda_test {
namespace {

struct Run {
    std::vector<TokenId> tokens;
    GenerationStats stats;
    std::vector<float> last_logits;
    bool ok = false;
    std::string error;
};

Run generate(const std::shared_ptr<const Model>& m, const std::vector<TokenId>& prompt,
             const SamplerParams& sp, bool device, int n_tokens) {
    setenv("RWB_CUDA_DEVICE_SAMPLING", device ? "1" : "0", 1);
    Run r;
    SessionOptions so;
    so.n_ctx = 256;
    auto s = Session::create(m, so);
    if (!s) {
        r.error = s.message();
        return r;
    }
    auto st = (*s)->generate(prompt, plain_generation(sp, n_tokens), [&](const GeneratedToken& g) {
        if (g.id >= 0) r.tokens.push_back(g.id);
        return true;
    });
    unsetenv("RWB_CUDA_DEVICE_SAMPLING");
    if (!st) {
        r.error = st.message();
        return r;
    }
    r.stats = *st;
    const auto l = (*s)->logits();
    r.last_logits.assign(l.begin(), l.end());
    r.ok = true;
    return r;
}

int run_cases(const std::string& model_path, const std::string& label,
              const std::vector<TokenId>& prompt) {
    int failures = 0;
    auto check = [&](bool ok, const std::string& what) {
        std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
        if (!ok) ++failures;
    };
    ModelOptions o;
    o.load_tokenizer = false; // no end-of-generation token: every run makes n_tokens
    o.backend = Backend::Cuda;
    o.plan_n_ctx = 256;
    auto m = Model::load(model_path, o);
    if (!m || (*m)->info().backend != "cuda") {
        check(false, "sampling on the device: " + model_path + " loads on the GPU");
        return failures;
    }
    struct Case {
        const char* name;
        SamplerParams p;
        bool device_applies; // the device path must be taken (at least once)
    };
    SamplerParams top_k = SamplerParams::r1_default();
    top_k.top_k = 40;
    top_k.temperature = 0.8f;
    SamplerParams r1 = SamplerParams::r1_default();
    // Sharp enough that few tokens survive on any model (the tiny random models' logits may lie
    // close together, and at T 0.6 more than the device's 4096 candidates may survive).
    SamplerParams r1_sharp = SamplerParams::r1_default();
    r1_sharp.temperature = 0.01f;
    // Between the two: on the random 152k model some rows leave a few candidates, some
    // hundreds or thousands (a second copy past the first 512), some more than the device
    // returns (the whole row, then the back-off).
    SamplerParams r1_mixed = SamplerParams::r1_default();
    r1_mixed.temperature = 0.06f;
    SamplerParams min_p = SamplerParams::r1_default();
    min_p.top_p = 1.0f;
    min_p.min_p = 0.05f;
    min_p.temperature = 0.02f;
    // Above the device's top-k (1024): the whole row every step, where the vocabulary is larger
    // (else it is the nucleus path, as top-k >= n_vocab is in the sampler).
    SamplerParams big_k = top_k;
    big_k.top_k = 1500;
    const int64_t n_vocab = (*m)->info().n_vocab;
    // A vocabulary within the device's nucleus capacity never needs the whole row.
    const bool small_vocab = n_vocab <= 4096;
    SamplerParams penalty = r1_sharp; // penalties: applied on the device
    penalty.repetition_penalty = 1.3f;
    penalty.presence_penalty = 0.2f;
    penalty.frequency_penalty = 0.1f;
    SamplerParams greedy_penalty = SamplerParams::greedy();
    greedy_penalty.repetition_penalty = 1.5f;
    SamplerParams top_k_max = top_k; // the device's largest top-k
    top_k_max.top_k = 1024;
    const Case cases[] = {{"greedy", SamplerParams::greedy(), true},
                          {"top-k 40", top_k, true},
                          {"top-k 1024", top_k_max, n_vocab > 1024},
                          {"R1 default (T 0.6, top-p 0.95)", r1, small_vocab},
                          {"R1 default at T 0.01", r1_sharp, true},
                          {"R1 default at T 0.06", r1_mixed, small_vocab},
                          {"min-p 0.05", min_p, true},
                          {"top-k 1500 (whole row)", big_k, false},
                          {"penalties, T 0.01", penalty, true},
                          {"greedy, repetition penalty", greedy_penalty, true}};
    constexpr int kTokens = 48;
    for (const Case& c : cases) {
        for (uint64_t seed : {uint64_t(1), uint64_t(20261129)}) {
            SamplerParams p = c.p;
            p.seed = seed;
            const Run on = generate(*m, prompt, p, true, kTokens);
            const Run off = generate(*m, prompt, p, false, kTokens);
            const std::string what = std::string(c.name) + ", seed " + std::to_string(seed);
            if (!on.ok || !off.ok) {
                check(false, what + ": generates (" + on.error + off.error + ")");
                continue;
            }
            size_t first_diff = 0;
            while (first_diff < on.tokens.size() && first_diff < off.tokens.size() &&
                   on.tokens[first_diff] == off.tokens[first_diff])
                ++first_diff;
            const bool same = on.tokens == off.tokens && on.tokens.size() == size_t(kTokens);
            const int64_t dev = on.stats.device_sampled_tokens;
            const bool whole_row_case =
                std::string(c.name).find("whole row") != std::string::npos &&
                (c.p.top_k == 0 || c.p.top_k < n_vocab);
            // The first token samples the prefill's downloaded row; the rest may use the device.
            const bool path_ok = off.stats.device_sampled_tokens == 0 &&
                                 (!c.device_applies || dev >= kTokens / 2) &&
                                 (!whole_row_case || dev <= 1);
            bool logits_same =
                on.last_logits.size() == off.last_logits.size() && !on.last_logits.empty();
            for (size_t i = 0; logits_same && i < on.last_logits.size(); ++i)
                logits_same = on.last_logits[i] == off.last_logits[i] ||
                              (std::isnan(on.last_logits[i]) && std::isnan(off.last_logits[i]));
            char buf[400];
            std::snprintf(
                buf, sizeof buf,
                "sampling on the device, %s, %s: %zu tokens, same as the whole-row path: %s "
                "(first difference at %zu); %lld of them sampled on the device; "
                "logits() after it the same: %s",
                label.c_str(), what.c_str(), on.tokens.size(), same ? "yes" : "NO", first_diff,
                static_cast<long long>(dev), logits_same ? "yes" : "NO");
            check(same && path_ok && logits_same, buf);
        }
    }
    return failures;
}

} // namespace

int device_sampling_cases(const std::string& model_path, const std::vector<TokenId>& prompt) {
    int failures = run_cases(model_path, "1k vocabulary", prompt);
    // A vocabulary of the R1 distills' size: top-k over 152k tokens, and random weights whose
    // near-uniform rows at T 0.6 leave more nucleus candidates than the device returns (the
    // whole-row fallback and its back-off), while T 0.01 leaves few.
    quant::SynthShape shape;
    shape.name = "sampling-152k";
    shape.arch = "qwen2";
    shape.hidden = 128;
    shape.layers = 1;
    shape.heads = 4;
    shape.kv_heads = 2;
    shape.head_dim = 32;
    shape.ffn = 256;
    shape.vocab = 151936;
    shape.context = 512;
    shape.tied_embeddings = true;
    shape.qkv_bias = true;
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("rwb-sampling-152k-" + std::to_string(getpid()) + ".gguf"))
                                 .string();
    quant::SynthOptions so;
    so.seed = 7;
    if (Status st = quant::write_synth_model(shape, *quant::parse_quant_mix("q8_0"), so, path);
        !st) {
        std::printf("FAIL sampling on the device: cannot write %s: %s\n", path.c_str(),
                    st.message().c_str());
        return failures + 1;
    }
    failures += run_cases(path, "152k vocabulary", prompt);
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return failures;
}

} // namespace rwb::cuda_test
