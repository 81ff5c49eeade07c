// MappedFile: a whole file mapped read-only into memory (POSIX mmap). The converter reads
// multi-GB safetensors shards through it so tensor bytes are paged in on demand and never copied
// into one big buffer.
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <memory>
#include <string>

namespace rwb::convert {

class MappedFile {
public:
    static Result<std::unique_ptr<MappedFile>> open(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return data_; }
    uint64_t size() const { return size_; }
    const std::string& path() const { return path_; }

private:
    MappedFile() = default;
    std::string path_;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
};

} // namespace rwb::convert
