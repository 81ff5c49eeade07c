// tst_cuda_backend, decode steps batched across sessions (DecodeBatcher, as the app's chats and
// comparison columns run: one Session::generate per thread on one loaded model). Each session
// first generates alone (its steps run one row at a time), then 2 and 3 sessions generate the same
// prompts at once on std::threads: every session must produce exactly its lone tokens (greedy,
// and a seeded top-k sampler: each session has its own random stream), and the model's batcher
// must report steps of more than one row. With sampling on the device (the default) a batched step
// downloads the whole row instead (docs/cuda.md), so this runs with it on and off. A session that
// stops early (its callback returns false) must not hold the others up or change their tokens.
#include "cuda_backend_batching.h"
#include "cuda_backend_util.h"

#include "backends/cuda_host/cuda_model.h"
#include "model/model_data.h"
#include "rwb/model.h"
#include "rwb/session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace rwb::cuda_test {
namespace {

struct Gen {
    std::vector<TokenId> tokens;
    std::vector<double> gaps; // per token (when asked): (top1 - top2) / max(|top1|, 1) of its row
    std::string error;
};

// A batched row's logits are within 1e-4 relative L2 of the same step alone (the flash-decoding
// split differs), so a greedy token may differ only where the lone row's top two are about that
// close; this bound leaves a 10x margin. Seeded sampling is compared exactly.
constexpr double kNearTie = 1e-3;

constexpr int kTokens = 40;

// Generates from prompt on s; stop_after >= 0 ends it (callback false) after that many tokens.
Gen generate(Session& s, const std::vector<TokenId>& prompt, const SamplerParams& sp,
             int stop_after = -1, bool gaps = false) {
    Gen g;
    auto st = s.generate(prompt, plain_generation(sp, kTokens), [&](const GeneratedToken& t) {
        if (t.id >= 0) g.tokens.push_back(t.id);
        if (gaps) { // the row this token was sampled from
            const auto l = s.logits();
            float a = -INFINITY, b = -INFINITY;
            for (float v : l)
                if (v > a)
                    b = a, a = v;
                else if (v > b)
                    b = v;
            g.gaps.push_back(double(a - b) / std::max(1.0, std::fabs(double(a))));
        }
        return stop_after < 0 || int(g.tokens.size()) < stop_after;
    });
    if (!st) g.error = st.message();
    return g;
}

// Whether b's tokens are alone's: the same, or the same up to a greedy near tie of alone's row.
bool same_tokens(const Gen& alone, const Gen& b, bool greedy, size_t* first_diff, bool* tie) {
    size_t d = 0;
    while (d < alone.tokens.size() && d < b.tokens.size() && alone.tokens[d] == b.tokens[d]) ++d;
    *first_diff = d;
    *tie = greedy && d < alone.tokens.size() && d < alone.gaps.size() && alone.gaps[d] < kNearTie;
    return alone.error.empty() && b.error.empty() && alone.tokens.size() == size_t(kTokens) &&
           b.tokens.size() == size_t(kTokens) && (alone.tokens == b.tokens || *tie);
}

std::vector<TokenId> prompt_for(const std::vector<TokenId>& base, int i) {
    // Different lengths: the sessions' rows sit at different positions in each step.
    const size_t n = std::min(base.size(), size_t(8 + 11 * i));
    return {base.begin(), base.begin() + std::ptrdiff_t(n)};
}

} // namespace

int batched_generation_cases(const std::string& model_path, const std::vector<TokenId>& prompt) {
    int failures = 0;
    auto check = [&](bool ok, const std::string& what) {
        std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
        if (!ok) ++failures;
    };
    unsetenv("RWB_CUDA_BATCH_WAIT_US"); // the default gathering (read when the model loads)
    ModelOptions o;
    o.load_tokenizer = false; // no end-of-generation token: every run makes kTokens
    o.backend = Backend::Cuda;
    o.plan_n_ctx = 256;
    auto m = Model::load(model_path, o);
    if (!m || (*m)->info().backend != "cuda" || !(*m)->data().cuda) {
        check(false, "batched generation: " + model_path + " loads on the GPU");
        return failures;
    }
    const auto& batcher = (*m)->data().cuda->batcher();
    check(batcher.enabled(), "batched generation: the model's batcher is on by default");
    SessionOptions so;
    so.n_ctx = 256;
    SamplerParams top_k = SamplerParams::r1_default();
    top_k.top_k = 40;
    top_k.temperature = 0.8f;
    top_k.seed = 7;
    struct Case {
        const char* name;
        SamplerParams p;
    };
    const Case cases[] = {{"greedy", SamplerParams::greedy()}, {"top-k 40, seed 7", top_k}};
    for (const char* device : {"1", "0"}) {
        setenv("RWB_CUDA_DEVICE_SAMPLING", device, 1); // before any thread starts
        for (const Case& c : cases) {
            const bool greedy = c.p.temperature <= 0.0f;
            for (int n : {2, 3}) {
                const std::string what = std::string(c.name) + ", " + std::to_string(n) +
                                         " sessions, device sampling " + device;
                std::vector<Gen> alone(static_cast<size_t>(n)), together(static_cast<size_t>(n));
                for (int i = 0; i < n; ++i) {
                    auto s = Session::create(*m, so);
                    // Prompt evaluated first, as for the threads below: generate() then evaluates
                    // its last token again as a decode row, whose logits differ from the
                    // prefill's last row (8-bit vs F16 activations), and the tokens with them.
                    if (!s || !(*s)->prefill(prompt_for(prompt, i)))
                        return check(false, what + ": session"), failures;
                    alone[size_t(i)] = generate(**s, prompt_for(prompt, i), c.p, -1, greedy);
                }
                std::vector<std::unique_ptr<Session>> sessions;
                for (int i = 0; i < n; ++i) {
                    auto s = Session::create(*m, so);
                    if (!s) return check(false, what + ": session"), failures;
                    sessions.push_back(std::move(*s));
                }
                // Prompts evaluated first and the threads released together, so their decode
                // loops overlap: started cold, one session's prefill could outlast the other's
                // whole generation on this tiny model, and nothing was left to batch.
                for (int i = 0; i < n; ++i)
                    if (!sessions[size_t(i)]->prefill(prompt_for(prompt, i)))
                        return check(false, what + ": prefill"), failures;
                const auto before = batcher.stats();
                std::latch start(n);
                std::vector<std::thread> threads;
                for (int i = 0; i < n; ++i)
                    threads.emplace_back([&, i] {
                        start.arrive_and_wait();
                        together[size_t(i)] =
                            generate(*sessions[size_t(i)], prompt_for(prompt, i), c.p);
                    });
                for (auto& t : threads) t.join();
                const auto after = batcher.stats();
                bool same = true;
                std::string detail;
                for (int i = 0; i < n; ++i) {
                    const auto& a = alone[size_t(i)];
                    const auto& b = together[size_t(i)];
                    size_t d = 0;
                    bool tie = false;
                    const bool ok = same_tokens(a, b, greedy, &d, &tie);
                    same = same && ok;
                    detail += " s" + std::to_string(i) + ": " + std::to_string(b.tokens.size()) +
                              " tokens, first difference at " + std::to_string(d) +
                              (tie ? " (a near tie alone: not compared further)" : "") + a.error +
                              b.error + ";";
                }
                const uint64_t batched = after.batched_steps - before.batched_steps;
                char buf[200];
                std::snprintf(buf, sizeof buf, " %llu batched steps, largest %d rows",
                              static_cast<unsigned long long>(batched), after.max_rows_seen);
                check(same && batched > 0,
                      "batched generation, " + what + ": each the same as alone:" + detail + buf);
            }
        }
    }
    // One of two sessions stops after 5 tokens: the other goes on alone with its own tokens.
    setenv("RWB_CUDA_DEVICE_SAMPLING", "1", 1);
    {
        auto s0 = Session::create(*m, so);
        auto s1 = Session::create(*m, so);
        auto s2 = Session::create(*m, so);
        if (!s0 || !s1 || !s2) return check(false, "batched: sessions"), failures;
        const Gen alone = generate(**s0, prompt_for(prompt, 0), SamplerParams::greedy(), -1, true);
        Gen a, b;
        std::thread ta([&] { a = generate(**s1, prompt_for(prompt, 0), SamplerParams::greedy()); });
        std::thread tb(
            [&] { b = generate(**s2, prompt_for(prompt, 1), SamplerParams::greedy(), 5); });
        ta.join();
        tb.join();
        size_t d = 0;
        bool tie = false;
        // Compared before the message is built (argument order is unspecified).
        const bool same = same_tokens(alone, a, true, &d, &tie);
        check(same && b.error.empty() && b.tokens.size() == 5,
              "batched generation: a session that stops early leaves the other's tokens as alone "
              "(" +
                  std::to_string(a.tokens.size()) + " and " + std::to_string(b.tokens.size()) +
                  " tokens, first difference at " + std::to_string(d) +
                  (tie ? ", a near tie" : "") + a.error + b.error + ")");
    }
    // Out of GPU memory in a batched step: D's cache is full at 512 positions and may not grow,
    // A's has room. D's generation fails with the module's one line (no "session i of N"
    // prefix), A's goes on with its lone tokens (its rows run again without D's).
    {
        SessionOptions big = so;
        big.n_ctx = 2048;
        std::vector<TokenId> long_prompt;
        while (long_prompt.size() < 512 && !prompt.empty())
            long_prompt.push_back(prompt[long_prompt.size() % prompt.size()]);
        auto sa = Session::create(*m, big), sd = Session::create(*m, big);
        auto s0 = Session::create(*m, big);
        // Both prefilled before the limit (their caches are taken as they fill); generate() then
        // evaluates only the prompt's last token again.
        if (!sa || !sd || !s0 || !(*sd)->prefill(long_prompt) ||
            !(*sa)->prefill(prompt_for(prompt, 1)) || !(*s0)->prefill(prompt_for(prompt, 1)))
            return check(false, "batched out of memory: sessions"), failures;
        const Gen alone = generate(**s0, prompt_for(prompt, 1), SamplerParams::greedy(), -1, true);
        s0->reset();
        const auto before = batcher.stats();
        setenv("RWB_CUDA_VRAM_LIMIT_MIB", "512", 1); // the module's reserve alone: nothing grows
        Gen a, d;
        std::thread ta([&] { a = generate(**sa, prompt_for(prompt, 1), SamplerParams::greedy()); });
        std::thread td([&] { d = generate(**sd, long_prompt, SamplerParams::greedy()); });
        ta.join();
        td.join();
        unsetenv("RWB_CUDA_VRAM_LIMIT_MIB");
        const auto after = batcher.stats();
        size_t diff = 0;
        bool tie = false;
        const bool a_ok = same_tokens(alone, a, true, &diff, &tie);
        const bool d_ok = !d.error.empty() && d.error.find('\n') == std::string::npos &&
                          d.error.rfind("out of GPU memory", 0) == 0;
        std::printf("D: %s; batched steps %llu\n", d.error.c_str(),
                    static_cast<unsigned long long>(after.batched_steps - before.batched_steps));
        check(a_ok && d_ok, "batched out of memory: D fails alone with one line, A's " +
                                std::to_string(a.tokens.size()) +
                                " tokens are its lone ones (first difference at " +
                                std::to_string(diff) + (tie ? ", a near tie" : "") + ")" + a.error);
    }
    unsetenv("RWB_CUDA_DEVICE_SAMPLING");
    return failures;
}

} // namespace rwb::cuda_test
