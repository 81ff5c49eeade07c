// tst_cuda_backend, GPU memory running out (RWB_CUDA_VRAM_LIMIT_MIB): KV caches that grow as
// they fill, a session's step that cannot grow fails alone with one line while the others go on,
// a batch whose shared buffers cannot grow runs as smaller batches, and a model larger than VRAM
// is refused with the numbers.
#include "cuda_backend_memory.h"

#include "cuda_backend_util.h"
#include "rwb/session.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

namespace rwb::cuda_test {
namespace {

int g_failures = 0;
void check(bool ok, const std::string& what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
    if (!ok) ++g_failures;
}

// seq150 repeated to n tokens: long prompts for the KV cache's growth (positions matter here).
std::vector<TokenId> long_tokens(size_t n) {
    const auto t = read_tokens("seq150");
    std::vector<TokenId> v(n);
    for (size_t i = 0; i < n && !t.empty(); ++i) v[i] = t[i % t.size()];
    return v;
}
bool one_line_about_memory(const std::string& msg) {
    return !msg.empty() && msg.find('\n') == std::string::npos &&
           msg.find("out of GPU memory") != std::string::npos;
}
// RWB_CUDA_VRAM_LIMIT_MIB for a test's span: 512 MiB is the module's reserve alone, so no new
// buffer of ours fits while those in place stay.
struct NoRoomForMore {
    NoRoomForMore() { setenv("RWB_CUDA_VRAM_LIMIT_MIB", "512", 1); }
    ~NoRoomForMore() { lift(); }
    void lift() { unsetenv("RWB_CUDA_VRAM_LIMIT_MIB"); }
};

// The device KV cache is taken as it fills (512 positions, then doubling). Two sessions do the
// same arithmetic (prefill chunks of 300 + 300 rows, then decode) but grow at different points:
// g (n_batch 300) starts at 512 positions and moves 300 written ones to grow for the second
// chunk; h (n_batch 600) starts at 600 and moves 600 to grow for the first decoded token.
void kv_cache_grows() {
    auto m = load(ref_dir() + "/models/llama-tiny-q8_0.gguf", Backend::Cuda);
    if (!m) return check(false, "KV growth: model loads");
    const auto toks = long_tokens(620);
    const std::span<const TokenId> all(toks);
    SessionOptions gs, hs;
    gs.n_ctx = hs.n_ctx = 2048;
    gs.n_batch = 300;
    hs.n_batch = 600;
    auto g = Session::create(m, gs), h = Session::create(m, hs);
    if (!g || !h) return check(false, "KV growth: sessions");
    double worst = 0;
    for (size_t i = 300; i <= toks.size(); i += i < 600 ? 300 : 1) {
        const bool ok =
            i <= 600 ? (*g)->prefill(all.first(i)) && (*h)->prefill(all.first(i))
                     : (*g)->append(all.subspan(i - 1, 1)) && (*h)->append(all.subspan(i - 1, 1));
        if (!ok) return check(false, "KV growth: evaluates");
        const auto x = (*g)->logits(), y = (*h)->logits();
        worst = std::max(worst, rel_l2(x.data(), y.data(), x.size()));
    }
    check(worst < 1e-5, "a KV cache moved to grow gives the same logits (worst relL2 " +
                            std::to_string(worst) + ")");
}

// Issue #7: running out of GPU memory mid-generation ends that session's step with one line and
// leaves the others running. A decodes throughout; B's long continuation needs its cache to grow
// past 512 positions when no memory is left; D (cache full at 512) fails a batched step with A;
// no new session opens. A's logits must equal an undisturbed run's at every step, and once the
// memory is back B is destroyed and new sessions work.
void out_of_memory_mid_generation() {
    auto m = load(ref_dir() + "/models/llama-tiny-q8_0.gguf", Backend::Cuda);
    if (!m) return check(false, "OOM: model loads");
    const auto toks = long_tokens(1200);
    const std::span<const TokenId> all(toks);
    const auto prompt = all.first(40), next = all.subspan(40, 24);
    SessionOptions so;
    so.n_ctx = 2048;
    std::vector<std::vector<float>> ref; // the undisturbed run: logits after each of next
    {
        auto r = Session::create(m, so);
        if (!r || !(*r)->prefill(prompt)) return check(false, "OOM: reference run");
        for (size_t i = 0; i < next.size(); ++i) {
            if (!(*r)->append(next.subspan(i, 1))) return check(false, "OOM: reference run");
            const auto l = (*r)->logits();
            ref.emplace_back(l.begin(), l.end());
        }
    }
    auto a = Session::create(m, so), b = Session::create(m, so), d = Session::create(m, so);
    if (!a || !b || !d || !(*a)->prefill(prompt) || !(*b)->prefill(all.first(100)) ||
        !(*d)->prefill(all.first(512)))
        return check(false, "OOM: sessions start");
    double worst = 0;
    size_t done = 0;
    auto a_decodes = [&](size_t until) {
        for (; done < until; ++done) {
            if (!(*a)->append(next.subspan(done, 1))) return false;
            const auto l = (*a)->logits();
            worst = std::max(worst, rel_l2(l.data(), ref[done].data(), l.size()));
        }
        return true;
    };
    if (!a_decodes(8)) return check(false, "OOM: A decodes");

    NoRoomForMore limit;
    const Status sb = (*b)->append(all.subspan(100, 600)); // chunks of 256: the second must grow
    std::printf("B: %s\n", sb ? "(no error)" : sb.message().c_str());
    check(!sb && one_line_about_memory(sb.message()) && (*b)->n_past() > 100 &&
              (*b)->n_past() <= 512,
          "B's step that needs its KV cache to grow fails with one line, B keeps what fitted (" +
              std::to_string((*b)->n_past()) + " tokens)");
    check(a_decodes(12), "A decodes after B ran out of memory");

    Session* pair[] = {a->get(), d->get()};
    const TokenId pair_tokens[] = {next[done], toks[512]};
    const Status sd = Session::append_batch(pair, pair_tokens);
    std::printf("batch: %s\n", sd ? "(no error)" : sd.message().c_str());
    check(!sd && one_line_about_memory(sd.message()) &&
              sd.message().find("session 2 of 2") != std::string::npos &&
              (*a)->n_past() == int64_t(40 + done) && (*d)->n_past() == 512,
          "a batched step fails naming the session that cannot grow, and changes neither");
    auto c = Session::create(m, so);
    std::printf("new session: %s\n", c ? "(created)" : c.message().c_str());
    check(!c && c.message().find('\n') == std::string::npos &&
              c.message().find("memory") != std::string::npos,
          "no new session opens without memory, with one line");
    check(a_decodes(next.size()), "A decodes to the end");
    check(worst < 1e-5, "A's logits equal the undisturbed run's at every step (worst relL2 " +
                            std::to_string(worst) + ")");

    (*b)->clear();
    b->reset(); // destroyed while memory is still short
    limit.lift();
    auto e = Session::create(m, so);
    check(e && (*e)->prefill(all.first(700)) && (*d)->append(all.subspan(512, 1)),
          "with memory back, a new session fills 700 positions and D grows");
}

// Batched decode whose shared buffers (one row here) cannot grow to the batch runs as smaller
// batches instead of failing, with each session's logits those of its own steps.
void batch_without_room_to_grow() {
    ModelOptions o;
    o.load_tokenizer = false;
    o.backend = Backend::Cuda;
    o.plan_n_ctx = 256;
    o.plan_max_batch = 1;
    auto m = Model::load(ref_dir() + "/models/llama-tiny-q8_0.gguf", o);
    if (!m) return check(false, "batch without room: model loads: " + m.message());
    const auto toks = read_tokens("seq150");
    const std::span<const TokenId> all(toks);
    SessionOptions so;
    so.n_ctx = 256;
    so.n_batch = 1;
    std::vector<std::unique_ptr<Session>> s;
    for (int i = 0; i < 4; ++i) {
        auto x = Session::create(*m, so);
        if (!x || !(*x)->prefill(all.first(i % 2 ? 35 : 20)))
            return check(false, "batch without room: sessions");
        s.push_back(std::move(*x));
    }
    NoRoomForMore limit;
    double worst = 0;
    Session* pair[] = {s[0].get(), s[1].get()};
    for (size_t step = 0; step < 6; ++step) {
        const TokenId t[] = {toks[60 + step], toks[90 + step]};
        if (Status st = Session::append_batch(pair, t); !st)
            return check(false, "batch without room: append_batch: " + st.message());
        for (size_t i = 0; i < 2; ++i) {
            if (!s[i + 2]->append(std::span<const TokenId>(&t[i], 1)))
                return check(false, "batch without room: append");
            const auto x = s[i]->logits(), y = s[i + 2]->logits();
            worst = std::max(worst, rel_l2(x.data(), y.data(), x.size()));
        }
    }
    check(worst < 1e-5, "a batch whose buffers cannot grow runs in smaller batches (worst relL2 " +
                            std::to_string(worst) + ")");
}

void too_small() {
    const std::string path = ref_dir() + "/models/qwen2-tiny-q8_0.gguf";
    setenv("RWB_CUDA_VRAM_LIMIT_MIB", "513", 1); // 1 MiB above the planner's reserve
    ModelOptions o;
    o.load_tokenizer = false;
    o.backend = Backend::Cuda;
    o.plan_n_ctx = 4096;
    auto m = Model::load(path, o);
    const std::string msg = m ? std::string() : m.message();
    std::printf("message: %s\n", msg.c_str());
    check(!m && msg.find("MiB") != std::string::npos &&
              msg.find("--gpu-layers") != std::string::npos &&
              msg.find("fits") != std::string::npos,
          "a model larger than VRAM gives the numbers and the largest --gpu-layers that fits");
    o.backend = Backend::Auto;
    auto a = Model::load(path, o);
    check(a && (*a)->info().backend == "cpu" &&
              (*a)->backend_notice().find("running on the CPU") != std::string::npos,
          "auto falls back to the CPU with a notice: " +
              (a ? (*a)->backend_notice() : a.message()));
    unsetenv("RWB_CUDA_VRAM_LIMIT_MIB");
}

} // namespace

int memory_cases() {
    g_failures = 0;
    kv_cache_grows();
    out_of_memory_mid_generation();
    batch_without_room_to_grow();
    too_small();
    return g_failures;
}

} // namespace rwb::cuda_test
