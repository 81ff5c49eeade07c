// GgufWriter: writes GGUF v3 files (rwb convert/quantize/synth and tests that make models).
// Tensor data is produced one tensor at a time at write() so a multi-GB model never sits in
// memory whole; the file is written under a temporary name and renamed into place when complete.
#pragma once

#include "gguf/gguf_file.h"

#include <functional>
#include <span>

namespace rwb::gguf {

class GgufWriter {
public:
    using Producer = std::function<Status(std::span<uint8_t> out)>;

    void set_alignment(uint64_t alignment); // default 32; written as general.alignment if not 32

    void add(std::string key, Value value); // any value, arrays included
    void add_uint8(std::string key, uint8_t v);
    void add_uint32(std::string key, uint32_t v);
    void add_int32(std::string key, int32_t v);
    void add_uint64(std::string key, uint64_t v);
    void add_float32(std::string key, float v);
    void add_bool(std::string key, bool v);
    void add_string(std::string key, std::string v);
    void add_string_array(std::string key, std::vector<std::string> v);
    void add_int32_array(std::string key, const std::vector<int32_t>& v);
    void add_float32_array(std::string key, const std::vector<float>& v);

    // ne[0] innermost. n_bytes is derived from type and ne; produce fills exactly that many bytes.
    Status add_tensor(std::string name, GgmlType type, std::vector<uint64_t> ne, Producer produce);
    Status add_tensor(std::string name, GgmlType type, std::vector<uint64_t> ne,
                      std::vector<uint8_t> data);

    Status write(const std::string& path) const;

private:
    struct PendingTensor {
        std::string name;
        GgmlType type;
        std::vector<uint64_t> ne;
        uint64_t n_bytes;
        Producer produce;
    };
    uint64_t alignment_ = 32;
    std::vector<MetaEntry> metadata_;
    std::vector<PendingTensor> tensors_;
};

} // namespace rwb::gguf
