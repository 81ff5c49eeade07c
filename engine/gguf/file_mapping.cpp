// Read-only whole-file mapping for POSIX and Windows.
#include "gguf/file_mapping.h"

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace rwb::gguf {

#ifdef _WIN32

namespace {
std::wstring widen(const std::string& utf8) {
    if (utf8.empty()) return {};
    int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}
std::string last_error_text() {
    return "Windows error " + std::to_string(static_cast<unsigned long>(GetLastError()));
}
} // namespace

Result<std::unique_ptr<FileMapping>> FileMapping::map_readonly(const std::string& path) {
    HANDLE file = CreateFileW(widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr,
                              OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE)
        return Result<std::unique_ptr<FileMapping>>::error("gguf: cannot open '" + path +
                                                           "': " + last_error_text());
    LARGE_INTEGER size{};
    if (!GetFileSizeEx(file, &size)) {
        CloseHandle(file);
        return Result<std::unique_ptr<FileMapping>>::error("gguf: cannot read the size of '" +
                                                           path + "': " + last_error_text());
    }
    if (size.QuadPart == 0) {
        CloseHandle(file);
        return Result<std::unique_ptr<FileMapping>>::error("gguf: '" + path +
                                                           "' is empty (0 bytes)");
    }
    HANDLE mapping = CreateFileMappingW(file, nullptr, PAGE_READONLY, 0, 0, nullptr);
    if (!mapping) {
        CloseHandle(file);
        return Result<std::unique_ptr<FileMapping>>::error("gguf: cannot map '" + path +
                                                           "': " + last_error_text());
    }
    void* view = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, 0);
    if (!view) {
        CloseHandle(mapping);
        CloseHandle(file);
        return Result<std::unique_ptr<FileMapping>>::error("gguf: cannot map '" + path +
                                                           "': " + last_error_text());
    }
    std::unique_ptr<FileMapping> m(new FileMapping());
    m->data_ = static_cast<const uint8_t*>(view);
    m->size_ = static_cast<uint64_t>(size.QuadPart);
    m->file_handle_ = file;
    m->mapping_handle_ = mapping;
    return m;
}

FileMapping::~FileMapping() {
    if (data_) UnmapViewOfFile(data_);
    if (mapping_handle_) CloseHandle(mapping_handle_);
    if (file_handle_) CloseHandle(file_handle_);
}

#else

Result<std::unique_ptr<FileMapping>> FileMapping::map_readonly(const std::string& path) {
    using R = Result<std::unique_ptr<FileMapping>>;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return R::error("gguf: cannot open '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        return R::error("gguf: cannot stat '" + path + "': " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return R::error("gguf: '" + path + "' is not a regular file");
    }
    if (st.st_size == 0) {
        ::close(fd);
        return R::error("gguf: '" + path + "' is empty (0 bytes)");
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > static_cast<uint64_t>(SIZE_MAX)) {
        ::close(fd);
        return R::error("gguf: '" + path + "' is too large to map on this system");
    }
    void* p = mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    ::close(fd); // the mapping keeps the file alive
    if (p == MAP_FAILED) return R::error("gguf: cannot map '" + path + "': " + std::strerror(err));
    std::unique_ptr<FileMapping> m(new FileMapping());
    m->data_ = static_cast<const uint8_t*>(p);
    m->size_ = size;
    return m;
}

FileMapping::~FileMapping() {
    if (data_) munmap(const_cast<uint8_t*>(data_), static_cast<size_t>(size_));
}

#endif

} // namespace rwb::gguf
