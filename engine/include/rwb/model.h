// Model: the immutable weights of one GGUF file (memory-mapped, never copied) plus its
// hyperparameters and tokenizer. Load once, then create any number of Sessions on it; a Model is
// shared between them (std::shared_ptr<const Model>) and safe to use from several threads.
#pragma once

#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace rwb {

namespace model {
struct ModelData; // engine-private: hparams, weight tables, rope table (model/model_data.h)
}

struct ModelOptions {
    bool load_tokenizer = true; // false: logits only (rwb logits), tokenizer() is null
};

// What the file says about the model (for `rwb info`, the UI and stats).
struct ModelInfo {
    std::string path;
    std::string architecture; // "qwen2", "llama"
    std::string name;         // general.name, if any
    std::string file_type;    // the most common 2-D weight type, e.g. "q4_K"
    uint64_t file_size = 0;
    uint64_t n_params = 0;
    int64_t n_vocab = 0;
    int64_t n_ctx_train = 0;
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_ff = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0;
};

class Model {
public:
    static Result<std::shared_ptr<const Model>> load(const std::string& path,
                                                     const ModelOptions& options = {});
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelInfo& info() const { return info_; }
    // Null when the file has no usable tokenizer (or ModelOptions::load_tokenizer was false);
    // tokenizer_status() then says why.
    const Tokenizer* tokenizer() const { return tokenizer_ ? &*tokenizer_ : nullptr; }
    const Status& tokenizer_status() const { return tokenizer_status_; }

    // Bytes of F16 KV cache one token of context takes.
    uint64_t kv_bytes_per_token() const;

    const model::ModelData& data() const { return *data_; } // engine-internal

private:
    Model();
    ModelInfo info_;
    std::unique_ptr<model::ModelData> data_;
    std::unique_ptr<Tokenizer> tokenizer_;
    Status tokenizer_status_;
};

} // namespace rwb
