// Model::load: open the GGUF file, read hyperparameters, build weight tables over the mapping.
#include "rwb/model.h"

#include "backends/cuda_host/cuda_model.h"
#include "model/model_data.h"
#include "runtime/resident_memory.h"

#include <algorithm>
#include <map>

namespace rwb {

std::string_view backend_name(Backend b) {
    switch (b) {
    case Backend::Cpu:
        return "cpu";
    case Backend::Cuda:
        return "cuda";
    case Backend::Auto:
        return "auto";
    }
    return "cpu";
}

Result<Backend> parse_backend(std::string_view name) {
    if (name == "cpu") return Backend::Cpu;
    if (name == "cuda") return Backend::Cuda;
    if (name == "auto") return Backend::Auto;
    return Result<Backend>::error("unknown backend '" + std::string(name) +
                                  "' (cpu, cuda or auto)");
}

namespace {

// Places the layers on the GPU as the options ask. A missing module or device is not an error
// (notice set, CPU used); a placement that does not fit is, unless Auto chose to fit nothing.
Status place_on_gpu(model::ModelData& data, const ModelOptions& o, ModelInfo& info,
                    std::string& notice) {
    if (o.backend == Backend::Cpu) return Status::ok();
    if (o.gpu_layers == 0) return Status::ok();
    std::string why;
    const cuda_host::CudaModule* mod = cuda_host::cuda_module(&why);
    if (!mod) {
        notice = "CUDA backend unavailable: " + why + "; running on the CPU";
        return Status::ok();
    }
    // Cuda without a count asks for every layer (and says what fits when they do not).
    const int layers =
        o.gpu_layers < 0 && o.backend == Backend::Cuda ? int(data.hp.n_layer) : o.gpu_layers;
    auto g = cuda_host::CudaModel::create(*mod, data, layers, std::max<int64_t>(o.plan_n_ctx, 1),
                                          std::max<int64_t>(o.plan_max_batch, 1), o.on_progress);
    if (!g) {
        if (o.backend == Backend::Auto && o.gpu_layers < 0) {
            notice = "CUDA backend unavailable: " + g.status().message() + "; running on the CPU";
            return Status::ok();
        }
        return Status::error("CUDA: " + g.status().message());
    }
    data.cuda = *g;
    info.backend = (*g)->all_layers() ? "cuda" : "cuda+cpu";
    info.gpu_layers = (*g)->gpu_layers();
    info.vram_bytes = (*g)->vram_bytes();
    info.device = mod->device_name;
    return Status::ok();
}

// Bytes of the float copies load_weights and the rope table hold.
uint64_t heap_weight_bytes(const model::ModelData& d) {
    uint64_t floats = d.weights.output_norm.capacity() + d.weights.rope_freqs.capacity();
    for (const auto& l : d.weights.layers)
        floats += l.attn_norm.capacity() + l.ffn_norm.capacity() + l.bq.capacity() +
                  l.bk.capacity() + l.bv.capacity();
    return floats * sizeof(float) + d.rope.inv_freq.capacity() * sizeof(double) +
           d.weights.layers.capacity() * sizeof(model::LayerWeights);
}

} // namespace

Model::Model() = default;
Model::~Model() = default;

uint64_t Model::kv_bytes_per_token() const {
    const auto& hp = data_->hp;
    return uint64_t(2 * hp.n_layer * hp.kv_dim()) * 2u;
}

ModelMemory Model::memory() const {
    ModelMemory m;
    const gguf::GgufFile& f = *data_->file;
    m.mapped_bytes = f.file_size();
    // A file parsed from memory (tests) is an owned copy: all of it is in RAM.
    m.resident_bytes = f.is_mapped()
                           ? runtime::resident_bytes(f.mapped_data(), size_t(f.file_size()))
                           : f.file_size();
    m.heap_bytes = heap_bytes_;
    m.vram_bytes = info_.vram_bytes;
    return m;
}

uint64_t Model::resident_weight_bytes() const {
    const ModelMemory m = memory();
    return m.resident_bytes + m.heap_bytes;
}

Result<std::shared_ptr<const Model>> Model::load(const std::string& path,
                                                 const ModelOptions& options) {
    using R = Result<std::shared_ptr<const Model>>;
    auto file = gguf::GgufFile::open(path);
    if (!file) return file.status();
    auto data = std::make_unique<model::ModelData>();
    data->file = *file;
    const gguf::GgufFile& f = *data->file;

    int64_t vocab_hint = 0;
    if (const auto* t = f.find_tensor("token_embd.weight"); t && t->ne.size() >= 2)
        vocab_hint = int64_t(t->ne[1]);
    auto hp = model::read_hparams(f, vocab_hint);
    if (!hp) return hp.status().with_context(path);
    data->hp = *hp;
    auto w = model::load_weights(f, data->hp);
    if (!w) return w.status().with_context(path);
    data->weights = std::move(*w);
    data->rope = model::make_rope_table(data->hp, data->weights.rope_freqs);

    std::shared_ptr<Model> m(new Model());
    ModelInfo& info = m->info_;
    info.path = path;
    info.architecture = data->hp.arch_name;
    if (auto n = f.get_string("general.name")) info.name = *n;
    info.file_size = f.file_size();
    std::map<std::string, uint64_t> type_bytes;
    for (const auto& t : f.tensors()) {
        info.n_params += t.n_elements;
        if (t.ne.size() >= 2) type_bytes[std::string(ggml_type_name(t.type))] += t.n_bytes;
    }
    uint64_t best = 0;
    for (const auto& [name, bytes] : type_bytes)
        if (bytes > best) best = bytes, info.file_type = name;
    const auto& h = data->hp;
    info.n_vocab = h.n_vocab;
    info.n_ctx_train = h.n_ctx_train;
    info.n_embd = h.n_embd;
    info.n_layer = h.n_layer;
    info.n_ff = h.n_ff;
    info.n_head = h.n_head;
    info.n_head_kv = h.n_head_kv;
    info.head_dim = h.head_dim;
    if (Status st = place_on_gpu(*data, options, info, m->backend_notice_); !st)
        return st.with_context(path);
    m->heap_bytes_ = heap_weight_bytes(*data);
    m->data_ = std::move(data);

    if (options.load_tokenizer) {
        auto tok = Tokenizer::load_gguf(path);
        if (tok) {
            if (tok->n_vocab() > m->info_.n_vocab)
                m->tokenizer_status_ = Status::error("tokenizer has more tokens than the model");
            else
                m->tokenizer_ = std::make_unique<Tokenizer>(std::move(*tok));
        } else {
            m->tokenizer_status_ = tok.status();
        }
    } else {
        m->tokenizer_status_ = Status::error("tokenizer not loaded");
    }
    return R(std::shared_ptr<const Model>(std::move(m)));
}

} // namespace rwb
