// The sidecar next to a .part file: what the partial bytes belong to, so a resumed download
// (after a pause or a restart) continues only when the URL and the server's ETag still match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rwb::library {

struct DownloadSidecar {
    std::string url;
    std::string etag;
    uint64_t expected_size = 0;
    std::string sha256;
};

std::optional<DownloadSidecar> read_sidecar(const std::string& path);
bool write_sidecar(const std::string& path, const DownloadSidecar& s);

} // namespace rwb::library
