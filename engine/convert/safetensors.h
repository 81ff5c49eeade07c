// Safetensors reading for `rwb convert`: one file (model.safetensors) or a sharded checkpoint
// (model.safetensors.index.json + its shards). Every header is validated before use since the
// files come from strangers: header length within the file, well-formed JSON, known dtypes,
// shapes whose byte size matches the data_offsets, and offsets inside the file's data section.
// Tensor bytes stay in the read-only mapping; nothing is copied here.
#pragma once

#include "gguf/file_mapping.h"
#include "rwb/status.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rwb::convert {

enum class SafeDtype { F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL, F8_E4M3, F8_E5M2 };

// Bytes per element, and the safetensors spelling ("F32", "BF16", ...).
uint64_t safe_dtype_size(SafeDtype t);
const char* safe_dtype_name(SafeDtype t);

struct SafeTensor {
    std::string name;
    SafeDtype dtype = SafeDtype::F32;
    std::vector<uint64_t> shape; // outermost first, as PyTorch orders it
    const uint8_t* data = nullptr;
    uint64_t n_bytes = 0;
    uint64_t n_elements = 0;
    std::string file; // which file it lives in (for messages)
};

class SafetensorsFile {
public:
    static Result<std::unique_ptr<SafetensorsFile>> open(const std::string& path);
    const std::vector<SafeTensor>& tensors() const { return tensors_; }
    const SafeTensor* find(const std::string& name) const;

private:
    std::unique_ptr<gguf::FileMapping> map_;
    std::vector<SafeTensor> tensors_;
    std::map<std::string, size_t> index_;
};

// All tensors of a Hugging Face model folder, single-file or sharded.
class SafetensorsModel {
public:
    // Opens DIR/model.safetensors.index.json if present, else DIR/model.safetensors.
    static Result<SafetensorsModel> open_dir(const std::string& dir);
    const SafeTensor* find(const std::string& name) const;
    std::vector<std::string> names() const; // sorted
    size_t n_files() const { return files_.size(); }

private:
    std::vector<std::shared_ptr<SafetensorsFile>> files_;
    std::map<std::string, const SafeTensor*> by_name_;
};

} // namespace rwb::convert
