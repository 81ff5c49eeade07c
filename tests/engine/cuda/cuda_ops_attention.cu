// RoPE + KV write + attention group: rope_kv_store and attention against the CPU engine's
// rope_row (runtime/ops.h), its F16 cache conversion (quant/fp16.h, as KvCache::store) and its
// attention (runtime/attention.h, run on a KvCache holding the device cache's bytes), for
// several head layouts (GQA 12/2, 28/4, 32/8, 14/2, MHA 8/8, MQA 8/1; head_dim 64, 128, 256;
// full and partial rotation; NEOX and normal pairing), for batched decode (one row per session,
// each with its own cache size and position, long and short caches in one call) and prefill
// (consecutive positions of one session), with one split and with decode_splits() splits (merged
// by a second kernel, or by the last split through AttentionArgs::counters; all rows with the
// launch's splits, or each with its own, AttentionArgs::per_split); and attention_decode
// (RoPE, the KV write and attention in one kernel) for the decode rows; and attention_prefill
// (tensor cores) for prompts of one session, short ones and ones of several 64-row tiles.
// Bounds:
// - rotated q and k: relative L2 1e-6 (same double angles, float rotation; the device may fuse
//   a multiply-add).
// - cache: the written positions within 1 F16 unit of the CPU's conversion of its own rotated k
//   (exactly v), every other position unchanged.
// - attention: relative L2 1e-4 against the CPU on identical inputs (the device's q and cache);
//   float sums in a different order and the device's fast exp (__expf) differ at ~1e-6.
// - attention_prefill: relative L2 2e-3: q and the softmax weights go into the products as F16
//   (11-bit mantissa, ~5e-4 relative each).
#include "cuda_ops_common.h"

#include "backends/cpu/thread_pool.h"
#include "backends/cuda/kernels.h"
#include "quant/fp16.h"
#include "runtime/attention.h"
#include "runtime/kv_cache.h"
#include "runtime/ops.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

namespace cuda_ops {
namespace {

constexpr int64_t kLayers = 2;

struct Heads {
    int64_t n_head, n_head_kv, head_dim, n_rot;
    int neox;
    double freq_base;
};
const Heads kHeads[] = {
    {12, 2, 128, 128, 1, 1e6}, {28, 4, 128, 128, 1, 1e6}, {32, 8, 128, 128, 0, 5e5},
    {14, 2, 64, 64, 1, 1e4},   {8, 8, 64, 32, 0, 1e4},    {8, 1, 256, 256, 1, 1e4},
};

// One session's cache, on the host (its history, random F16) and on the device.
struct Session {
    int64_t n_ctx;
    std::vector<uint16_t> k, v; // [layer][kv_head][n_ctx][head_dim]
    std::unique_ptr<DevBuf<uint16_t>> dk, dv;
};

struct Groups {
    Group rope{"rope_kv_store q/k", 1e-6};
    Group cache{"rope_kv_store cache (ulps)", 1.0};
    Group attn{"attention", 1e-4};
    Group fused_cache{"attention_decode cache (ulps)", 1.0};
    Group fused_attn{"attention_decode", 1e-4};
    Group tiled{"attention_prefill (F16 q, p)", 2e-3};
};

std::vector<uint16_t> random_halves(Rng& rng, size_t n) {
    std::vector<uint16_t> h(n);
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (auto& x : h) x = rwb::quant::fp32_to_fp16(d(rng));
    return h;
}

int64_t ulps(uint16_t a, uint16_t b) {
    auto line = [](uint16_t h) { return (h & 0x8000) ? -int64_t(h & 0x7fff) : int64_t(h); };
    return std::llabs(line(a) - line(b));
}

// Runs rope_kv_store then attention (fused: attention_decode, which does both) for rows
// (session, position) and checks the rotation, the cache and the attention output.
void run_scenario(Rng& rng, const Heads& hc, std::vector<Session>& ss,
                  const std::vector<std::pair<int, int32_t>>& rows, int splits, bool fused,
                  bool counters, rwb::cpu::ThreadPool& pool, Groups& g, const std::string& what,
                  int tiled = 0, bool per_row = false) { // tiled: attention_prefill's K/V tile
    const int n = int(rows.size());
    const int64_t hd = hc.head_dim, qd = hc.n_head * hd, kd = hc.n_head_kv * hd;
    const int64_t layer = pick(rng, 0, int(kLayers - 1));
    for (Session& s : ss) { // fresh history for every scenario
        s.dk->upload(s.k);
        s.dv->upload(s.v);
    }
    std::vector<rwb::cuda::RowKv> rk(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        Session& s = ss[size_t(rows[size_t(i)].first)];
        rk[size_t(i)] = {reinterpret_cast<__half*>(s.dk->p), reinterpret_cast<__half*>(s.dv->p),
                         rows[size_t(i)].second, int32_t(s.n_ctx)};
    }
    rwb::model::RopeTable table;
    table.pairing = hc.neox ? rwb::model::RopePairing::Neox : rwb::model::RopePairing::Normal;
    table.n_rot = hc.n_rot;
    for (int64_t i = 0; i < hc.n_rot / 2; ++i)
        table.inv_freq.push_back(std::pow(hc.freq_base, -2.0 * double(i) / double(hc.n_rot)));

    const std::vector<float> q = normal(rng, size_t(n * qd), 2.0f);
    const std::vector<float> k = normal(rng, size_t(n * kd));
    const std::vector<float> v = normal(rng, size_t(n * kd));
    DevBuf<float> dq(q.size()), dkk(k.size()), dvv(v.size()), dout(q.size());
    DevBuf<float> partial(size_t(n * hc.n_head * splits * (hd + 2)));
    DevBuf<rwb::cuda::RowKv> drows(rk.size());
    DevBuf<double> dfreq(table.inv_freq.size());
    dq.upload(q), dkk.upload(k), dvv.upload(v), drows.upload(rk), dfreq.upload(table.inv_freq);

    const rwb::cuda::RopeArgs ra{hc.n_head, hc.n_head_kv, hd, hc.n_rot, hc.neox, dfreq.p, layer};
    const float scale = float(1.0 / std::sqrt(double(hd)));
    // counters: the last split of each (row, head) merges the splits and zeroes its counter
    // again; without them a second kernel merges.
    DevBuf<int> dcount(size_t(n * hc.n_head));
    must(cudaMemset(dcount.p, 0, dcount.n * sizeof(int)), "cudaMemset");
    rwb::cuda::AttentionArgs aa{
        hc.n_head, hc.n_head_kv, hd, layer, scale, splits, splits > 1 ? partial.p : nullptr};
    aa.counters = counters ? dcount.p : nullptr;
    aa.per_split = per_row ? rwb::cuda::kPositionsPerSplit : 0;
    if (fused) {
        rwb::cuda::attention_decode(dq.p, dkk.p, dvv.p, drows.p, n, dout.p, aa, ra, nullptr);
        sync("attention_decode");
    } else {
        rwb::cuda::rope_kv_store(dq.p, dkk.p, dvv.p, drows.p, n, ra, nullptr);
        sync("rope_kv_store");
        if (tiled)
            g.tiled.require(
                rwb::cuda::attention_prefill(dq.p, drows.p, n, dout.p, aa, nullptr, tiled),
                what + ": launched");
        else
            rwb::cuda::attention(dq.p, drows.p, n, dout.p, aa, nullptr);
        sync("attention");
    }
    const std::vector<float> gq = dq.download(), gk = dkk.download(), gout = dout.download();
    if (counters) {
        bool zero = true;
        for (int c : dcount.download()) zero &= c == 0;
        (fused ? g.fused_attn : g.attn).require(zero, what + ": split counters back to zero");
    }

    // RoPE: the CPU's rotation of the same q and k at each row's position.
    std::vector<float> cq = q, ck = k, cs(size_t(hc.n_rot / 2)), sn(cs.size());
    for (int i = 0; i < n; ++i) {
        const int64_t pos = rows[size_t(i)].second;
        rwb::runtime::rope_row(cq.data() + i * qd, hc.n_head, hd, pos, table, cs.data(), sn.data());
        rwb::runtime::rope_row(ck.data() + i * kd, hc.n_head_kv, hd, pos, table, cs.data(),
                               sn.data());
    }
    if (!fused) // attention_decode rotates in shared memory and leaves q, k as they were
        g.rope.add(std::max(rel_l2(gq.data(), cq.data(), cq.size()),
                            rel_l2(gk.data(), ck.data(), ck.size())),
                   what);
    Group& gcache = fused ? g.fused_cache : g.cache;
    Group& gattn = fused ? g.fused_attn : tiled ? g.tiled : g.attn;
    // Attention reference input: the device's rotated q, or the CPU's when the device keeps its
    // own in shared memory.
    const std::vector<float>& qref = fused ? cq : gq;

    // Cache: what the CPU would store at the written positions, the history elsewhere.
    for (size_t si = 0; si < ss.size(); ++si) {
        Session& s = ss[si];
        std::vector<uint16_t> wk = s.k, wv = s.v;
        for (int i = 0; i < n; ++i) {
            if (rows[size_t(i)].first != int(si)) continue;
            const int64_t pos = rows[size_t(i)].second;
            for (int64_t h = 0; h < hc.n_head_kv; ++h)
                for (int64_t d = 0; d < hd; ++d) {
                    const size_t off =
                        size_t(((layer * hc.n_head_kv + h) * s.n_ctx + pos) * hd + d);
                    wk[off] = rwb::quant::fp32_to_fp16(ck[size_t(i * kd + h * hd + d)]);
                    wv[off] = rwb::quant::fp32_to_fp16(v[size_t(i * kd + h * hd + d)]);
                }
        }
        const std::vector<uint16_t> gk16 = s.dk->download(), gv16 = s.dv->download();
        int64_t worst = 0;
        for (size_t j = 0; j < wk.size(); ++j) {
            worst = std::max(worst, ulps(gk16[j], wk[j]));
            worst = std::max(worst, gv16[j] == wv[j] ? int64_t(0) : int64_t(1000));
        }
        gcache.add(double(worst), what + " session " + std::to_string(si));

        // Attention reference: the CPU engine's attention over a KvCache holding this session's
        // device cache, for this session's rows, each at its own position.
        rwb::runtime::KvCache kv(rwb::KvCacheType::F16, kLayers, hc.n_head_kv, s.n_ctx, hd);
        const size_t head_bytes = size_t(s.n_ctx * hd) * 2;
        for (int64_t l = 0; l < kLayers; ++l)
            for (int64_t h = 0; h < hc.n_head_kv; ++h) {
                const size_t off = size_t((l * hc.n_head_kv + h) * s.n_ctx * hd);
                std::memcpy(kv.k(l, h), gk16.data() + off, head_bytes);
                std::memcpy(kv.v(l, h), gv16.data() + off, head_bytes);
            }
        rwb::runtime::Attention attention(pool.size(), hd);
        for (int i = 0; i < n; ++i) {
            if (rows[size_t(i)].first != int(si)) continue;
            std::vector<float> want(static_cast<size_t>(qd));
            rwb::runtime::AttentionArgs a;
            a.q = qref.data() + i * qd, a.out = want.data(), a.n_rows = 1;
            a.pos0 = rows[size_t(i)].second, a.n_head = hc.n_head, a.n_head_kv = hc.n_head_kv;
            a.layer = layer, a.scale = scale;
            attention.run(a, kv, pool);
            gattn.add(rel_l2(gout.data() + i * qd, want.data(), size_t(qd)),
                      what + " row " + std::to_string(i) + " pos " +
                          std::to_string(rows[size_t(i)].second));
        }
    }
}

std::unique_ptr<DevBuf<uint16_t>> device_copy(const std::vector<uint16_t>& h) {
    auto d = std::make_unique<DevBuf<uint16_t>>(h.size());
    d->upload(h);
    return d;
}

} // namespace

bool run_attention(Rng& rng) {
    rwb::cpu::ThreadPool pool;
    Groups g;
    for (const Heads& hc : kHeads) {
        const std::string heads = std::to_string(hc.n_head) + "/" + std::to_string(hc.n_head_kv) +
                                  " hd " + std::to_string(hc.head_dim) + " rot " +
                                  std::to_string(hc.n_rot) + (hc.neox ? " neox" : " normal");
        // Three sessions of different cache sizes: a short, a medium and a long one.
        const int32_t pos[3] = {int32_t(pick(rng, 0, 20)), int32_t(pick(rng, 100, 700)),
                                int32_t(pick(rng, 1500, 3000))};
        std::vector<Session> ss(3);
        for (int i = 0; i < 3; ++i) {
            Session& s = ss[size_t(i)];
            s.n_ctx = pos[i] + 1 + pick(rng, 0, 300);
            const size_t count = size_t(kLayers * hc.n_head_kv * s.n_ctx * hc.head_dim);
            s.k = random_halves(rng, count), s.v = random_halves(rng, count);
            s.dk = device_copy(s.k), s.dv = device_copy(s.v);
        }
        // Batched decode: one row per session (long and short caches in one call).
        const std::vector<std::pair<int, int32_t>> decode = {{2, pos[2]}, {0, pos[0]}, {1, pos[1]}};
        const int dsplits = rwb::cuda::decode_splits(int64_t(pos[2]) + 1);
        // One decode row alone, at a random depth of the long cache.
        const int32_t p1 = int32_t(pick(rng, 0, pos[2]));
        const int splits1 = std::max(2, rwb::cuda::decode_splits(int64_t(p1) + 1));
        // Split merging: with splits > 1, both by a second kernel and by the last split
        // (counters).
        for (bool fused : {false, true})
            for (int counters = 0; counters < 2; ++counters) {
                const std::string how =
                    std::string(fused ? " attention_decode" : "") + (counters ? " counters" : "");
                for (int splits : {1, dsplits}) {
                    if (splits == 1 && counters) continue;
                    run_scenario(rng, hc, ss, decode, splits, fused, counters, pool, g,
                                 heads + " decode x3 splits " + std::to_string(splits) + how);
                }
                // Each row with the splits of its own cache (a.per_split), as forward() runs
                // batched decode: the short rows use fewer of the launch's splits.
                run_scenario(rng, hc, ss, decode, dsplits, fused, counters, pool, g,
                             heads + " decode x3 splits " + std::to_string(dsplits) + " per row" +
                                 how,
                             0, true);
                for (int splits : {1, splits1}) {
                    if (splits == 1 && counters) continue;
                    run_scenario(rng, hc, ss, {{2, p1}}, splits, fused, counters, pool, g,
                                 heads + " decode x1 splits " + std::to_string(splits) + how);
                }
            }
        // Prefill: consecutive positions of the medium session.
        const int np = pick(rng, 5, 24);
        std::vector<std::pair<int, int32_t>> prefill;
        const int32_t p0 = int32_t(pick(rng, 0, int(ss[1].n_ctx) - np));
        for (int i = 0; i < np; ++i) prefill.emplace_back(1, p0 + i);
        for (int splits : {1, 4, -4}) // -4: four splits merged by the last one (counters)
            run_scenario(rng, hc, ss, prefill, std::abs(splits), false, splits < 0, pool, g,
                         heads + " prefill " + std::to_string(np) + " rows from " +
                             std::to_string(p0) + " splits " + std::to_string(std::abs(splits)) +
                             (splits < 0 ? " counters" : ""));
        // The tensor-core kernel, with 64- and 32-position K/V tiles: the same short prompt, and
        // longer ones (several 64-row tiles and K/V tiles, rows that end mid-tile) in the medium
        // and the long cache.
        for (int keys : {64, 32}) {
            const std::string tk = " tiled " + std::to_string(keys);
            run_scenario(rng, hc, ss, prefill, 1, false, false, pool, g,
                         heads + " prefill " + std::to_string(np) + " rows from " +
                             std::to_string(p0) + tk,
                         keys);
            for (int si : {1, 2}) {
                const int64_t ctx = ss[size_t(si)].n_ctx;
                const int nl = int(std::min<int64_t>(ctx, pick(rng, 65, 300)));
                const int32_t q0 = int32_t(pick(rng, 0, int(ctx - nl)));
                std::vector<std::pair<int, int32_t>> longer;
                for (int i = 0; i < nl; ++i) longer.emplace_back(si, q0 + i);
                run_scenario(rng, hc, ss, longer, 1, false, false, pool, g,
                             heads + " prefill " + std::to_string(nl) + " rows from " +
                                 std::to_string(q0) + tk,
                             keys);
            }
        }
    }
    bool ok = g.rope.report();
    ok &= g.cache.report();
    ok &= g.attn.report();
    ok &= g.fused_cache.report();
    ok &= g.fused_attn.report();
    ok &= g.tiled.report();
    return ok;
}

} // namespace cuda_ops
