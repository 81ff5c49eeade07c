// The model catalog: the six DeepSeek-R1 distills in their common quantizations with public
// download addresses (resources/catalog/r1-distills.json, compiled into the engine), and a
// recommended pick for a machine from the engine's own memory estimate.
#pragma once

#include "rwb/fit.h"
#include "rwb/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rwb {

struct CatalogFile {
    std::string quant;          // "q4_k_m", "q5_k_m", "q6_k", "q8_0", "f16"
    std::string file;           // path inside the repository
    std::string url;            // download address (first part when split)
    int parts = 1;              // > 1: split GGUF, which this engine does not load
    uint64_t size = 0;          // exact bytes when published, else 0
    std::string sha256;         // when published, else empty
    std::string published_size; // as the repository page shows it ("1.12 GB"), may be empty
};

struct CatalogModel {
    std::string id;    // "r1-distill-qwen-1.5b"
    std::string shape; // synth/fit preset: "r1-qwen-1.5b"
    std::string name;  // "DeepSeek-R1-Distill-Qwen-1.5B"
    std::string base_model;
    std::string repo;
    std::vector<CatalogFile> files;
};

// The built-in catalog.
const std::vector<CatalogModel>& builtin_catalog();
// Parses catalog JSON (same schema as resources/catalog/r1-distills.json).
Result<std::vector<CatalogModel>> parse_catalog(const std::string& json_text);

struct CatalogRef {
    const CatalogModel* model = nullptr;
    const CatalogFile* file = nullptr;
};
// "r1-distill-qwen-1.5b:q4_k_m" (case-insensitive; the quant defaults to q4_k_m).
std::optional<CatalogRef> find_catalog_entry(const std::vector<CatalogModel>& catalog,
                                             std::string_view name);
// "r1-distill-qwen-1.5b:q4_k_m"
std::string catalog_entry_name(const CatalogRef& ref);

struct CatalogPick {
    CatalogRef ref;
    ModelFootprint footprint;
    MemoryEstimate estimate;
    FitVerdict verdict;
};

// Every catalog file with its estimate and verdict at n_ctx for this machine.
std::vector<CatalogPick> evaluate_catalog(const std::vector<CatalogModel>& catalog,
                                          const MachineMemory& machine, int64_t n_ctx);
// The recommendation: the largest model whose Q4_K_M fits (fully on a GPU preferred over the
// CPU or partial offload), then the highest-precision file of that model that fits the same way.
// Split files are never picked. nullopt when nothing fits.
std::optional<CatalogPick> recommend_pick(const std::vector<CatalogModel>& catalog,
                                          const MachineMemory& machine, int64_t n_ctx);

} // namespace rwb
