// GgufFile: a parsed, validated, memory-mapped GGUF v2/v3 file. Metadata is parsed at open with
// every bound checked (files come from strangers); tensor data is never copied: tensor_data()
// points into the read-only mapping, which lives as long as the GgufFile.
#pragma once

#include "gguf/ggml_types.h"
#include "rwb/status.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rwb::gguf {

enum class ValueType : uint32_t {
    UINT8 = 0,
    INT8 = 1,
    UINT16 = 2,
    INT16 = 3,
    UINT32 = 4,
    INT32 = 5,
    FLOAT32 = 6,
    BOOL = 7,
    STRING = 8,
    ARRAY = 9,
    UINT64 = 10,
    INT64 = 11,
    FLOAT64 = 12,
};
std::string_view value_type_name(ValueType t);

// One metadata value. Scalars keep their file type; arrays keep their element type and may nest.
struct Value {
    ValueType type = ValueType::UINT8;
    uint64_t u = 0;                         // UINT8/16/32/64 and BOOL (0/1)
    int64_t i = 0;                          // INT8/16/32/64
    double f = 0;                           // FLOAT32/64
    std::string s;                          // STRING
    ValueType elem_type = ValueType::UINT8; // ARRAY: element type
    std::vector<Value> items;               // ARRAY of anything but strings/numbers is nested here
    std::vector<std::string> strings;       // ARRAY of STRING (kept flat: vocabularies are large)
    std::vector<int64_t> ints;              // ARRAY of integer or BOOL elements
    std::vector<double> floats;             // ARRAY of FLOAT32/64 elements
    uint64_t array_size() const;
};

struct MetaEntry {
    std::string key;
    Value value;
};

struct TensorInfo {
    std::string name;
    std::vector<uint64_t> ne; // dimensions, ne[0] innermost (contiguous), as ggml orders them
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0; // from the start of the data section
    uint64_t n_elements = 0;
    uint64_t n_bytes = 0;
};

class GgufFile {
public:
    // Maps, parses and validates the whole file; a bad file gives a one-line message.
    static Result<std::shared_ptr<GgufFile>> open(const std::string& path);
    // Parses a GGUF image held in memory (copied, so the caller's buffer may go away); the same
    // checks as open(). For tests, the fuzzer and files that arrive as bytes.
    static Result<std::shared_ptr<GgufFile>> open_memory(std::span<const uint8_t> bytes,
                                                         std::string name = "<memory>");
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }
    uint64_t file_size() const { return size_; }

    const std::vector<MetaEntry>& metadata() const { return metadata_; }
    const Value* find(std::string_view key) const;

    // Typed accessors: an error names the key and what was found instead.
    Result<std::string> get_string(std::string_view key) const;
    Result<uint64_t> get_uint(std::string_view key) const; // any non-negative integer type
    Result<int64_t> get_int(std::string_view key) const;   // any integer type
    Result<double> get_float(std::string_view key) const;  // FLOAT32/64 or any integer type
    Result<bool> get_bool(std::string_view key) const;
    Result<std::vector<std::string>> get_string_array(std::string_view key) const;
    Result<std::vector<int64_t>> get_int_array(std::string_view key) const;
    Result<std::vector<double>> get_float_array(std::string_view key) const;

    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find_tensor(std::string_view name) const;
    const uint8_t* tensor_data(const TensorInfo& t) const {
        return base_ + data_offset_ + t.offset;
    }

    // The whole file as mapped (read-only); tensor_data() points inside [mapped_data, +file_size).
    const uint8_t* mapped_data() const { return base_; }
    // Whether the bytes are an OS file mapping (open) rather than an owned copy (open_memory).
    bool is_mapped() const { return mapping_ != nullptr; }

private:
    GgufFile() = default;
    void build_tensor_index();
    friend class GgufParser;

    std::string path_;
    const uint8_t* base_ = nullptr;
    uint64_t size_ = 0;
    void* mapping_ = nullptr; // platform handle owned by the file
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::vector<MetaEntry> metadata_;
    std::vector<TensorInfo> tensors_;
    std::vector<uint8_t> owned_; // open_memory's copy of the bytes
    std::vector<std::pair<std::string_view, size_t>> tensor_index_; // sorted by name
};

} // namespace rwb::gguf
