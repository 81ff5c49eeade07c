// FileMapping: a whole file mapped read-only into memory (mmap on POSIX, CreateFileMapping on
// Windows). GGUF weights are used straight from the mapping so a multi-GB model is never copied.
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <memory>
#include <string>

namespace rwb::gguf {

class FileMapping {
public:
    // Maps `path` read-only. Empty files and anything but a regular file are refused.
    static Result<std::unique_ptr<FileMapping>> map_readonly(const std::string& path);
    ~FileMapping();
    FileMapping(const FileMapping&) = delete;
    FileMapping& operator=(const FileMapping&) = delete;

    const uint8_t* data() const { return data_; }
    uint64_t size() const { return size_; }

private:
    FileMapping() = default;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
#ifdef _WIN32
    void* file_handle_ = nullptr;
    void* mapping_handle_ = nullptr;
#endif
};

} // namespace rwb::gguf
