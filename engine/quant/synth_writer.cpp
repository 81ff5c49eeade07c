// Streaming random-model writer (see synth_writer.h).
#include "quant/synth_writer.h"

#include "gguf/gguf_writer.h"
#include "quant/normal_rng.h"
#include "quant/synth_vocab.h"
#include "quant/tensor_quantizer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <thread>

namespace rwb::quant {

namespace {
constexpr int64_t kChunkElements = int64_t(1) << 20; // generated and quantized per work item

void add_metadata(gguf::GgufWriter& w, const SynthShape& s, const QuantMix& mix) {
    const std::string& a = s.arch;
    w.add_string("general.architecture", a);
    w.add_string("general.type", "model");
    w.add_string("general.name", s.name);
    w.add_uint32(a + ".block_count", uint32_t(s.layers));
    w.add_uint32(a + ".context_length", uint32_t(s.context));
    w.add_uint32(a + ".embedding_length", uint32_t(s.hidden));
    w.add_uint32(a + ".feed_forward_length", uint32_t(s.ffn));
    w.add_uint32(a + ".attention.head_count", uint32_t(s.heads));
    w.add_uint32(a + ".attention.head_count_kv", uint32_t(s.kv_heads));
    w.add_float32(a + ".rope.freq_base", float(s.rope_theta));
    w.add_float32(a + ".attention.layer_norm_rms_epsilon", float(s.rms_eps));
    if (a == "llama") {
        w.add_uint32(a + ".vocab_size", uint32_t(s.vocab));
        w.add_uint32(a + ".rope.dimension_count", uint32_t(s.head_dim));
    } else if (s.head_dim != s.hidden / s.heads) {
        w.add_uint32(a + ".attention.key_length", uint32_t(s.head_dim));
        w.add_uint32(a + ".attention.value_length", uint32_t(s.head_dim));
    }
    w.add_uint32("general.file_type", mix.file_type);
    w.add_uint32("general.quantization_version", 2);
    const SynthVocab v = make_synth_vocab(s);
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", v.pre);
    w.add_string_array("tokenizer.ggml.tokens", v.tokens);
    w.add_int32_array("tokenizer.ggml.token_type", v.types);
    w.add_string_array("tokenizer.ggml.merges", v.merges);
    w.add_uint32("tokenizer.ggml.bos_token_id", uint32_t(v.bos));
    w.add_uint32("tokenizer.ggml.eos_token_id", uint32_t(v.eos));
    w.add_uint32("tokenizer.ggml.padding_token_id", uint32_t(v.pad));
    w.add_bool("tokenizer.ggml.add_bos_token", true);
    w.add_bool("tokenizer.ggml.add_eos_token", false);
}

// Fills `out` (the tensor in its file type) with generated values; chunk c of the tensor always
// gets the stream keyed by (seed, tensor index, c), so thread count does not change the bytes.
Status produce(const SynthPlanEntry& e, size_t index, const SynthShape& shape,
               const SynthOptions& opts, std::span<uint8_t> out) {
    const int64_t cols = int64_t(e.tensor.ne[0]);
    const int64_t rows = int64_t(e.tensor.n_elements()) / cols;
    const auto row_bytes = ggml_row_bytes(e.type, uint64_t(cols));
    if (!row_bytes || *row_bytes * uint64_t(rows) != out.size())
        return Status::error("internal: size mismatch for " + e.tensor.name);
    if (e.tensor.kind == SynthKind::RopeFreqs) {
        const auto f = llama3_rope_factors(shape);
        std::vector<float> tmp(f.begin(), f.end());
        return quantize_rows(e.type, tmp.data(), 1, cols, out.data(), 1);
    }
    float mean = 0, std = kMatrixStd;
    if (e.tensor.kind == SynthKind::Norm) mean = 1, std = kNormStd;
    if (e.tensor.kind == SynthKind::Bias) std = kBiasStd;

    const int64_t rows_per_chunk = std::max<int64_t>(1, kChunkElements / cols);
    const int64_t chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
    const int threads = int(std::min<int64_t>(resolve_threads(opts.threads), chunks));
    std::vector<Status> results(static_cast<size_t>(threads));
    auto work = [&](int t) {
        std::vector<float> buf;
        for (int64_t c = t; c < chunks; c += threads) {
            const int64_t r0 = c * rows_per_chunk, nr = std::min(rows_per_chunk, rows - r0);
            buf.resize(size_t(nr * cols));
            uint64_t key = opts.seed;
            key = splitmix64(key) ^ (uint64_t(index) * 0x100000001b3ull);
            key = splitmix64(key) ^ uint64_t(c);
            NormalRng rng(key);
            rng.fill(buf.data(), nr * cols, mean, std);
            Status s = quantize_rows(e.type, buf.data(), nr, cols,
                                     out.data() + uint64_t(r0) * *row_bytes, 1);
            if (!s.is_ok()) {
                results[size_t(t)] = s;
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (auto& s : results)
        if (!s.is_ok()) return s.with_context(e.tensor.name);
    return Status::ok();
}
} // namespace

std::vector<SynthPlanEntry> synth_plan(const SynthShape& shape, const QuantMix& mix) {
    ModelFacts facts;
    facts.n_layer = shape.layers;
    facts.has_output = !shape.tied_embeddings;
    facts.is_70b = shape.arch == "llama" && shape.layers == 80;
    std::vector<SynthPlanEntry> plan;
    for (auto& t : synth_tensors(shape)) {
        const TensorChoice c = choose_tensor_type(mix, facts, t.name, t.ne, GgmlType::F32);
        const uint64_t bytes = *ggml_row_bytes(c.type, t.ne[0]) * (t.n_elements() / t.ne[0]);
        plan.push_back({std::move(t), c.type, bytes});
    }
    return plan;
}

Status write_synth_model(const SynthShape& shape, const QuantMix& mix, const SynthOptions& opts,
                         const std::string& path) {
    gguf::GgufWriter w;
    add_metadata(w, shape, mix);
    const auto plan = synth_plan(shape, mix);
    for (size_t i = 0; i < plan.size(); ++i) {
        const SynthPlanEntry& e = plan[i];
        RWB_RETURN_IF_ERROR(w.add_tensor(
            e.tensor.name, e.type, e.tensor.ne,
            [&shape, &opts, &plan, i](std::span<uint8_t> out) -> Status {
                const SynthPlanEntry& entry = plan[i];
                if (opts.progress) {
                    std::string dims = std::to_string(entry.tensor.ne[0]);
                    for (size_t d = 1; d < entry.tensor.ne.size(); ++d) {
                        dims += 'x';
                        dims += std::to_string(entry.tensor.ne[d]);
                    }
                    std::fprintf(stderr, "synth: [%4zu/%zu] %-28s %-5s %s\n", i + 1, plan.size(),
                                 entry.tensor.name.c_str(),
                                 std::string(ggml_type_name(entry.type)).c_str(), dims.c_str());
                }
                return produce(entry, i, shape, opts, out);
            }));
    }
    return w.write(path);
}

} // namespace rwb::quant
