// estimate_memory and fit_verdict: the engine's own allocation rules written out (see
// docs/model-fit.md). Every term names the code that allocates it.
#include "rwb/fit.h"

#include "backends/cpu/thread_pool.h"
#include "runtime/attention.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace rwb {
namespace {

// Reading one byte of a mapped file maps the pages around it too (Linux fault-around, 64 KiB
// by default), so each embedding row read costs up to this much resident memory.
constexpr uint64_t kFaultAround = 64 * 1024;

// Heap bytes the vocabulary takes per token and per merge: the parsed GGUF array kept by the
// model's GgufFile (std::string, 32 bytes + text) and the tokenizer's tables (token strings,
// id and merge-rank hash maps). Measured with /proc/self/statm on 152k-token vocabularies
// (tests/engine/library/tst_fit_estimate.cpp checks the whole estimate against RSS).
constexpr uint64_t kTokenBytes = 150;
constexpr uint64_t kMergeBytes = 100;
// Engine code pages touched by loading and running a model, thread stacks and malloc arenas:
// about 2.5 MiB measured on x86-64 Linux (RSS of a fresh process around Model::load + prefill,
// minus the terms above, on models of 1-80 MiB).
constexpr uint64_t kRuntimeBytes = uint64_t(5) << 19; // 2.5 MiB

uint64_t round_up(uint64_t v, uint64_t to) {
    return (v + to - 1) / to * to;
}

} // namespace

uint64_t kv_bytes_per_token(const ModelFootprint& m) {
    // runtime::KvCache: K and V, per layer and KV head, [n_ctx][head_dim] of F16.
    return 2u * uint64_t(m.n_layer) * uint64_t(m.n_head_kv) * uint64_t(m.head_dim) * 2u;
}

MemoryEstimate estimate_memory(const ModelFootprint& m, const MemoryOptions& o) {
    MemoryEstimate e;
    const uint64_t n_ctx = uint64_t(std::max<int64_t>(o.n_ctx, 1));
    const uint64_t batch = uint64_t(std::clamp<int64_t>(o.n_batch, 1, int64_t(n_ctx)));
    const uint64_t threads =
        uint64_t(o.n_threads > 0 ? o.n_threads : cpu::ThreadPool::physical_cores());

    // Weights are memory-mapped and become resident as the forward pass reads them: every
    // layer and the output matrix in full; the embedding table only row by row (a fault-around
    // window or more per distinct token, at most n_ctx of them), unless it doubles as the output.
    uint64_t weights = m.tensor_bytes;
    if (!m.tied_output && m.embedding_bytes > 0) {
        const uint64_t touched =
            n_ctx * round_up(std::max<uint64_t>(m.embedding_row_bytes, 1), kFaultAround);
        weights = weights - m.embedding_bytes + std::min(m.embedding_bytes, touched);
    }
    e.weights = weights;
    e.metadata = m.file_bytes > m.tensor_bytes ? m.file_bytes - m.tensor_bytes : 0;
    e.small_tensors = m.small_tensor_elements * 4; // model::load_weights: 1-D tensors as float
    e.tokenizer = m.tokenizer_tokens * kTokenBytes + m.tokenizer_merges * kMergeBytes;

    e.kv_cache = kv_bytes_per_token(m) * n_ctx;
    e.per_layer_kv = m.n_layer > 0 ? e.kv_cache / uint64_t(m.n_layer) : 0;

    // runtime::Forward: x, xn [B][n_embd]; q, attn [B][q_dim]; k, v [B][kv_dim];
    // gate, up [B][n_ff] (floats), rope cos/sin.
    const uint64_t q_dim = uint64_t(m.n_head * m.head_dim);
    const uint64_t kv_dim = uint64_t(m.n_head_kv * m.head_dim);
    uint64_t compute =
        batch * 4u * (2u * uint64_t(m.n_embd) + 2u * q_dim + 2u * kv_dim + 2u * uint64_t(m.n_ff));
    compute += uint64_t(m.head_dim) * 4u;
    // runtime::Attention: per worker scores[kAttentionChunk] + acc + kv_row.
    compute += threads * uint64_t(runtime::kAttentionChunk + 2 * m.head_dim) * 4u;
    // cpu::matmul: the widest activation row quantized, times the batch (pool scratch).
    compute += batch * m.max_activation_row_bytes;
    // Session: logits [n_vocab] floats, token list reserved for n_ctx.
    compute += uint64_t(m.n_vocab) * 4u + n_ctx * 4u;
    e.compute = compute;
    e.runtime = kRuntimeBytes;
    return e;
}

std::string_view fit_kind_name(FitKind kind) {
    switch (kind) {
    case FitKind::Gpu:
        return "fits on GPU";
    case FitKind::PartialGpu:
        return "partial GPU offload";
    case FitKind::Cpu:
        return "fits on CPU";
    case FitKind::DoesNotFit:
        return "does not fit";
    }
    return "unknown";
}

std::string format_bytes(uint64_t bytes) {
    char buf[64];
    const double b = double(bytes);
    if (bytes >= (uint64_t(1) << 30))
        std::snprintf(buf, sizeof buf, "%.2f GiB", b / double(uint64_t(1) << 30));
    else if (bytes >= (uint64_t(1) << 20))
        std::snprintf(buf, sizeof buf, "%.1f MiB", b / double(uint64_t(1) << 20));
    else if (bytes >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    return buf;
}

MachineMemory probe_machine_memory() {
    MachineMemory mm;
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string key;
        uint64_t kib = 0;
        ls >> key >> kib;
        if (key == "MemAvailable:") mm.ram_available = kib * 1024;
        if (key == "MemTotal:") mm.ram_total = kib * 1024;
    }
    return mm;
}

FitVerdict fit_verdict(const ModelFootprint& m, const MemoryEstimate& e,
                       const MachineMemory& machine) {
    FitVerdict v;
    const uint64_t total = e.total();
    const int64_t n_layer = std::max<int64_t>(m.n_layer, 1);
    uint64_t layers_weights = 0;
    for (auto b : m.layer_bytes) layers_weights += b;
    const uint64_t per_layer = layers_weights / uint64_t(n_layer) + e.per_layer_kv;
    // What stays on the GPU besides the layers: the output matrix (or the tied embedding) and
    // the compute buffers.
    const uint64_t gpu_fixed =
        (m.tied_output ? m.embedding_bytes : m.output_bytes) + e.compute + kGpuReserveBytes;
    const uint64_t gpu_full = gpu_fixed + layers_weights + e.kv_cache;
    // Host side when everything is offloaded: metadata, tokenizer, small tensors, embedding rows.
    const uint64_t host_min =
        e.metadata + e.tokenizer + e.small_tensors +
        (e.weights > layers_weights + m.output_bytes ? e.weights - layers_weights - m.output_bytes
                                                     : 0);

    int best_gpu = -1;
    uint64_t best_free = 0;
    for (size_t i = 0; i < machine.gpu_free.size(); ++i)
        if (machine.gpu_free[i] > best_free) best_free = machine.gpu_free[i], best_gpu = int(i);

    if (best_gpu >= 0 && gpu_full <= best_free && host_min <= machine.ram_available) {
        v.kind = FitKind::Gpu;
        v.gpu = best_gpu;
        v.gpu_layers = m.n_layer;
        v.vram_needed = gpu_full - kGpuReserveBytes;
        v.ram_needed = host_min;
        v.summary = "fits on GPU " + std::to_string(best_gpu) + ": " + format_bytes(v.vram_needed) +
                    " of " + format_bytes(best_free) + " free";
        return v;
    }
    if (best_gpu >= 0 && best_free > gpu_fixed && per_layer > 0) {
        const int64_t layers =
            std::min<int64_t>(int64_t((best_free - gpu_fixed) / per_layer), n_layer - 1);
        const uint64_t host = total - uint64_t(layers) * per_layer;
        if (layers > 0 && host <= machine.ram_available) {
            v.kind = FitKind::PartialGpu;
            v.gpu = best_gpu;
            v.gpu_layers = layers;
            v.vram_needed = gpu_fixed - kGpuReserveBytes + uint64_t(layers) * per_layer;
            v.ram_needed = host;
            v.summary = "partial GPU offload: " + std::to_string(layers) + " of " +
                        std::to_string(m.n_layer) + " layers on GPU " + std::to_string(best_gpu) +
                        " (" + format_bytes(v.vram_needed) + "), " + format_bytes(host) + " RAM";
            return v;
        }
    }
    v.ram_needed = total;
    if (total <= machine.ram_available) {
        v.kind = FitKind::Cpu;
        v.summary = "fits on CPU: " + format_bytes(total) + " of " +
                    format_bytes(machine.ram_available) + " available";
    } else {
        v.kind = FitKind::DoesNotFit;
        v.summary = "does not fit: needs " + format_bytes(total) + ", " +
                    format_bytes(machine.ram_available) + " RAM available" +
                    (best_gpu >= 0 ? " and " + format_bytes(best_free) + " GPU memory" : "");
    }
    return v;
}

} // namespace rwb
