// Model: the immutable weights of one GGUF file (memory-mapped, never copied) plus its
// hyperparameters and tokenizer. Load once, then create any number of Sessions on it; a Model is
// shared between them (std::shared_ptr<const Model>) and safe to use from several threads.
#pragma once

#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace rwb {

namespace model {
struct ModelData; // engine-private: hparams, weight tables, rope table (model/model_data.h)
}

// Where a model's layers run. Cuda and Auto need the CUDA module (librwb_cuda.so) and a device;
// without them the model runs on the CPU and Model::backend_notice() says why.
enum class Backend { Cpu, Cuda, Auto };
std::string_view backend_name(Backend b);
Result<Backend> parse_backend(std::string_view name); // "cpu", "cuda", "auto"

struct ModelOptions {
    bool load_tokenizer = true; // false: logits only (rwb logits), tokenizer() is null
    Backend backend = Backend::Cpu;
    // Layers on the GPU (the first N; the rest run on the CPU). -1: all of them for Cuda (an
    // error naming the largest count that fits when they do not), as many as fit for Auto.
    int gpu_layers = -1;
    // The session the GPU placement leaves room for (KV cache of plan_n_ctx tokens, buffers of
    // plan_max_batch rows).
    int64_t plan_n_ctx = 4096;
    int64_t plan_max_batch = 256;
    // Upload progress (0..1); returning false cancels the load.
    std::function<bool(double)> on_progress;
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
    std::string backend = "cpu"; // "cpu", "cuda" (all layers), "cuda+cpu" (partial offload)
    int gpu_layers = 0;
    uint64_t vram_bytes = 0; // weights and buffers on the GPU
    std::string device;      // GPU name when on the GPU
};

// What a loaded model's weights take now, measured (not estimated from the file size).
struct ModelMemory {
    uint64_t mapped_bytes = 0; // the GGUF file as mapped (the weights are used in place)
    // Of the mapping, the bytes on pages in RAM now (mincore): the file's pages in the OS page
    // cache, shared by every session and process that maps the file. Pages come in as the
    // forward pass first reads them and may be evicted under memory pressure.
    uint64_t resident_bytes = 0;
    // Copies made at load: norms and biases converted to float, the rope table. (The
    // tokenizer's tables and the parsed metadata are not weights and not counted.)
    uint64_t heap_bytes = 0;
    uint64_t vram_bytes = 0; // on the GPU (ModelInfo::vram_bytes); not part of the others
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

    // One line when the requested GPU backend could not be used ("CUDA backend unavailable:
    // ...; running on the CPU"); empty otherwise.
    const std::string& backend_notice() const { return backend_notice_; }

    // Bytes of F16 KV cache one token of context takes.
    uint64_t kv_bytes_per_token() const;

    // The weights' memory now. Asks the kernel about every page of the mapping (no allocation;
    // a few ms per GiB mapped), so sample it now and then, not per token. Thread-safe.
    ModelMemory memory() const;
    // memory().resident_bytes + memory().heap_bytes: the RAM the weights take now.
    uint64_t resident_weight_bytes() const;

    const model::ModelData& data() const { return *data_; } // engine-internal

private:
    Model();
    ModelInfo info_;
    std::unique_ptr<model::ModelData> data_;
    std::unique_ptr<Tokenizer> tokenizer_;
    Status tokenizer_status_;
    std::string backend_notice_;
    uint64_t heap_bytes_ = 0;
};

} // namespace rwb
