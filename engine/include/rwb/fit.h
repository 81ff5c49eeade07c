// Memory fit: how much memory a model needs in this engine for a given context (weights + KV
// cache + compute buffers + tokenizer), and whether that fits a machine's RAM and GPU memory.
// The figures follow what Model::load and Session::create really allocate (see
// docs/model-fit.md for the formulas); a footprint comes from a GGUF file's tensor table or, for
// files not downloaded yet, from a published HF config.json shape and a quantization mix.
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rwb {

// The sizes the estimate needs, whatever their source.
struct ModelFootprint {
    std::string name;
    std::string architecture; // "qwen2", "llama"
    std::string quantization; // the most common 2-D weight type, e.g. "q4_K"
    std::string basename;     // general.basename, if any
    bool has_chat_template = false;
    bool r1_template =
        false; // the chat template uses DeepSeek-R1's markers (<think>, <｜Assistant｜>)
    int64_t n_vocab = 0;
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_ff = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0;
    int64_t n_ctx_train = 0;
    uint64_t n_params = 0;
    uint64_t file_bytes = 0;               // the whole GGUF file (header, metadata, tensor data)
    uint64_t tensor_bytes = 0;             // the tensor data in it
    uint64_t embedding_bytes = 0;          // token_embd.weight
    uint64_t embedding_row_bytes = 0;      // one token's row of it
    bool tied_output = false;              // no output.weight: the embedding is read in full
    uint64_t output_bytes = 0;             // output.weight (0 when tied)
    std::vector<uint64_t> layer_bytes;     // tensor bytes of blk.N.*, one entry per layer
    uint64_t small_tensor_elements = 0;    // 1-D tensors (norms, biases) converted to float at load
    uint64_t max_activation_row_bytes = 0; // widest matmul input row in its quantized form
    uint64_t tokenizer_tokens = 0;
    uint64_t tokenizer_merges = 0;
};

// From a GGUF file (reads the header and tensor table only; no weights are touched).
Result<ModelFootprint> footprint_from_gguf(const std::string& path);
// From a HF config.json text and a quantization mix name ("q4_k_m", "q5_k_m", "q6_k", "q8_0",
// "f16"): the tensors llama.cpp's converter would write, each with the mix's type.
Result<ModelFootprint> footprint_from_hf_config(const std::string& config_json,
                                                std::string_view quant);
// The same for a published R1-distill shape ("r1-qwen-1.5b", ... see rwb synth --like).
Result<ModelFootprint> footprint_from_preset(std::string_view preset, std::string_view quant);

struct MemoryOptions {
    int64_t n_ctx = 4096;
    int64_t n_batch = 256; // SessionOptions::n_batch (clamped to n_ctx as the session does)
    int n_threads = 0;     // 0: this machine's thread count
};

// Bytes, split by what owns them.
struct MemoryEstimate {
    uint64_t weights = 0;       // mapped tensor data that becomes resident (see docs)
    uint64_t metadata = 0;      // the file's header/metadata pages (read at load)
    uint64_t small_tensors = 0; // norms and biases as float
    uint64_t tokenizer = 0;     // vocabulary and merge tables in memory
    uint64_t kv_cache = 0;      // F16 keys and values for n_ctx positions
    uint64_t compute = 0;       // activation buffers, attention and matmul scratch, logits
    uint64_t runtime = 0;       // engine code pages and thread stacks (measured constant)
    uint64_t per_layer_kv = 0;  // kv_cache / n_layer
    uint64_t total() const {
        return weights + metadata + small_tensors + tokenizer + kv_cache + compute + runtime;
    }
};

MemoryEstimate estimate_memory(const ModelFootprint& model, const MemoryOptions& options);

// Bytes of F16 KV cache per token of context: 2 (K and V) * n_layer * n_head_kv * head_dim * 2.
uint64_t kv_bytes_per_token(const ModelFootprint& model);

enum class FitKind { Gpu, PartialGpu, Cpu, DoesNotFit };
std::string_view fit_kind_name(FitKind kind); // "fits on GPU", ...

struct MachineMemory {
    uint64_t ram_available = 0; // bytes a new process can use (MemAvailable)
    uint64_t ram_total = 0;
    std::vector<uint64_t> gpu_free; // free bytes per GPU (empty: no usable GPU)
    std::vector<std::string> gpu_names;
};

// RAM from /proc/meminfo (Linux) or the OS equivalent; GPUs are left empty here (the app fills
// them from the CUDA module when it is present).
MachineMemory probe_machine_memory();

struct GpuMemory {
    std::string name; // e.g. "NVIDIA H200"
    uint64_t free_bytes = 0;
    uint64_t total_bytes = 0;
};

// Each CUDA device's name, free and total memory, asked of the CUDA module now (free memory
// changes as other programs allocate). Empty when the module, the driver or a device is missing.
// The first call loads the module and creates a CUDA context on each device.
std::vector<GpuMemory> probe_gpus();

// probe_machine_memory() with gpu_free / gpu_names filled from probe_gpus().
MachineMemory probe_machine_memory_with_gpus();

struct FitVerdict {
    FitKind kind = FitKind::DoesNotFit;
    int gpu = -1;           // which GPU, for Gpu / PartialGpu
    int64_t gpu_layers = 0; // layers offloaded (all of them for Gpu)
    uint64_t ram_needed = 0;
    uint64_t vram_needed = 0;
    std::string summary; // one line, e.g. "partial GPU offload: 20 of 28 layers (5.1 GiB VRAM)"
};

// GPU placement follows the usual offload split: repeating layers (weights + their KV) and the
// output matrix + compute buffers on the GPU, the embedding table and the rest on the CPU.
// kGpuReserve is kept free on the device for the runtime's own context.
inline constexpr uint64_t kGpuReserveBytes = uint64_t(512) << 20;
FitVerdict fit_verdict(const ModelFootprint& model, const MemoryEstimate& estimate,
                       const MachineMemory& machine);

// "1.23 GiB" style.
std::string format_bytes(uint64_t bytes);

} // namespace rwb
