// Model::load: open the GGUF file, read hyperparameters, build weight tables over the mapping.
#include "rwb/model.h"

#include "model/model_data.h"

#include <map>

namespace rwb {

Model::Model() = default;
Model::~Model() = default;

uint64_t Model::kv_bytes_per_token() const {
    const auto& hp = data_->hp;
    return uint64_t(2 * hp.n_layer * hp.kv_dim()) * 2u;
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
