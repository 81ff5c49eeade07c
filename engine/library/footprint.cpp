// ModelFootprint from a GGUF tensor table, or from a HF config shape + quantization mix (the
// tensor list and per-tensor types rwb synth / rwb quantize would produce).
#include "rwb/fit.h"

#include "gguf/gguf_file.h"
#include "quant/quant.h"
#include "quant/quant_mix.h"
#include "quant/synth_shape.h"
#include "quant/synth_vocab.h"
#include "quant/synth_writer.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace rwb {
namespace {

struct TensorEntry {
    std::string_view name;
    const std::vector<uint64_t>& ne;
    GgmlType type;
    uint64_t bytes;
};

// Fills the tensor-derived fields; hyperparameters are set by the caller.
void add_tensors(ModelFootprint& fp, const std::vector<TensorEntry>& tensors) {
    fp.layer_bytes.assign(size_t(std::max<int64_t>(fp.n_layer, 0)), 0);
    std::map<std::string, uint64_t> type_bytes;
    bool has_output = false;
    uint64_t act_row = 0;
    for (const auto& t : tensors) {
        uint64_t n = 1;
        for (auto d : t.ne) n *= d;
        fp.n_params += n;
        fp.tensor_bytes += t.bytes;
        if (t.ne.size() >= 2) {
            type_bytes[std::string(ggml_type_name(t.type))] += t.bytes;
            // matmul() quantizes each activation row to the weight's vec_dot type (or reads
            // floats as they are): that row, times the batch, is the pool's scratch.
            const GgmlType act = quant::vec_dot_type(t.type);
            if (act != GgmlType::F32)
                if (auto rb = ggml_row_bytes(act, t.ne[0])) act_row = std::max(act_row, *rb);
        } else {
            fp.small_tensor_elements += n;
        }
        const int64_t layer = quant::layer_index(t.name);
        if (layer >= 0 && layer < fp.n_layer) {
            fp.layer_bytes[size_t(layer)] += t.bytes;
        } else if (t.name == "token_embd.weight") {
            fp.embedding_bytes = t.bytes;
            if (t.ne.size() >= 2 && t.ne[1] > 0) fp.embedding_row_bytes = t.bytes / t.ne[1];
        } else if (t.name == "output.weight") {
            fp.output_bytes = t.bytes;
            has_output = true;
        }
    }
    fp.tied_output = !has_output;
    fp.max_activation_row_bytes = act_row;
    uint64_t best = 0;
    for (const auto& [name, bytes] : type_bytes)
        if (bytes > best) best = bytes, fp.quantization = name;
}

int64_t meta_int(const gguf::GgufFile& f, const std::string& key, int64_t fallback) {
    auto v = f.get_int(key);
    return v ? *v : fallback;
}

} // namespace

Result<ModelFootprint> footprint_from_gguf(const std::string& path) {
    auto opened = gguf::GgufFile::open(path);
    if (!opened) return opened.status();
    const gguf::GgufFile& f = **opened;
    ModelFootprint fp;
    auto arch = f.get_string("general.architecture");
    if (!arch) return Result<ModelFootprint>::error(path + ": no general.architecture");
    fp.architecture = *arch;
    if (auto n = f.get_string("general.name")) fp.name = *n;
    if (auto n = f.get_string("general.basename")) fp.basename = *n;
    if (auto t = f.get_string("tokenizer.chat_template")) {
        fp.has_chat_template = !t->empty();
        fp.r1_template = t->find("<think>") != std::string::npos ||
                         t->find("\xef\xbd\x9c"
                                 "Assistant\xef\xbd\x9c") != std::string::npos;
    }
    const std::string a = *arch + ".";
    fp.n_embd = meta_int(f, a + "embedding_length", 0);
    fp.n_layer = meta_int(f, a + "block_count", 0);
    fp.n_ff = meta_int(f, a + "feed_forward_length", 0);
    fp.n_head = meta_int(f, a + "attention.head_count", 0);
    fp.n_head_kv = meta_int(f, a + "attention.head_count_kv", fp.n_head);
    fp.n_ctx_train = meta_int(f, a + "context_length", 0);
    if (fp.n_embd <= 0 || fp.n_layer <= 0 || fp.n_head <= 0 || fp.n_head_kv <= 0 ||
        fp.n_layer > (1 << 16))
        return Result<ModelFootprint>::error(path + ": missing or bad " + *arch +
                                             " hyperparameters");
    fp.head_dim = meta_int(f, a + "attention.key_length", fp.n_embd / fp.n_head);
    if (const auto* t = f.find_tensor("token_embd.weight"); t && t->ne.size() >= 2)
        fp.n_vocab = int64_t(t->ne[1]);
    fp.n_vocab = meta_int(f, a + "vocab_size", fp.n_vocab);
    fp.file_bytes = f.file_size();
    if (const auto* v = f.find("tokenizer.ggml.tokens")) fp.tokenizer_tokens = v->array_size();
    if (const auto* v = f.find("tokenizer.ggml.merges")) fp.tokenizer_merges = v->array_size();
    std::vector<TensorEntry> entries;
    entries.reserve(f.tensors().size());
    for (const auto& t : f.tensors()) entries.push_back({t.name, t.ne, t.type, t.n_bytes});
    add_tensors(fp, entries);
    return fp;
}

namespace {

struct VocabSize {
    uint64_t tokens = 0, merges = 0, bytes = 0;
};

// The synthetic vocabulary depends only on the architecture and size; building one of 152k
// tokens takes a while, so the catalog (30 entries) computes each once.
VocabSize synth_vocab_size(const quant::SynthShape& shape) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, int64_t>, VocabSize> cache;
    const auto key = std::make_pair(shape.arch, shape.vocab);
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    const quant::SynthVocab vocab = quant::make_synth_vocab(shape);
    VocabSize v;
    v.tokens = vocab.tokens.size();
    v.merges = vocab.merges.size();
    for (const auto& t : vocab.tokens) v.bytes += 8 + t.size() + 4; // string + token_type
    for (const auto& m : vocab.merges) v.bytes += 8 + m.size();
    cache.emplace(key, v);
    return v;
}

Result<ModelFootprint> from_shape(const quant::SynthShape& shape, std::string_view quant_name) {
    const auto mix = quant::parse_quant_mix(quant_name);
    if (!mix)
        return Result<ModelFootprint>::error("unknown quantization '" + std::string(quant_name) +
                                             "'");
    ModelFootprint fp;
    fp.name = shape.name;
    fp.architecture = shape.arch;
    fp.n_vocab = shape.vocab;
    fp.n_embd = shape.hidden;
    fp.n_layer = shape.layers;
    fp.n_ff = shape.ffn;
    fp.n_head = shape.heads;
    fp.n_head_kv = shape.kv_heads;
    fp.head_dim = shape.head_dim;
    fp.n_ctx_train = shape.context;
    const auto plan = quant::synth_plan(shape, *mix);
    std::vector<TensorEntry> entries;
    uint64_t tensor_bytes = 0;
    for (const auto& e : plan) {
        entries.push_back({e.tensor.name, e.tensor.ne, e.type, e.bytes});
        tensor_bytes += (e.bytes + 31) / 32 * 32; // GGUF aligns each tensor to 32 bytes
    }
    add_tensors(fp, entries);
    // Metadata: the vocabulary dominates (each token and merge is a length-prefixed string).
    const VocabSize vocab = synth_vocab_size(shape);
    uint64_t meta = 64 * 1024 + vocab.bytes; // header, scalar keys, chat template, vocabulary
    for (const auto& e : plan) meta += 8 + e.tensor.name.size() + 4 + 8 * e.tensor.ne.size() + 12;
    fp.tokenizer_tokens = vocab.tokens;
    fp.tokenizer_merges = vocab.merges;
    fp.file_bytes = meta + tensor_bytes;
    return fp;
}
} // namespace

Result<ModelFootprint> footprint_from_hf_config(const std::string& config_json,
                                                std::string_view quant) {
    auto shape = quant::synth_shape_from_config_json(config_json);
    if (!shape) return shape.status();
    return from_shape(*shape, quant);
}

Result<ModelFootprint> footprint_from_preset(std::string_view preset, std::string_view quant) {
    auto shape = quant::synth_preset(preset);
    if (!shape)
        return Result<ModelFootprint>::error("unknown model shape '" + std::string(preset) + "'");
    shape->name = std::string(preset);
    return from_shape(*shape, quant);
}

} // namespace rwb
