// Downloads a file over HTTP(S) for the model library and `rwb pull`: progress (bytes, speed,
// ETA), resume from "<dest>.part" with HTTP range requests (a small "<dest>.part.json" sidecar
// keeps the URL, ETag and expected size, so a pause or a restart of the program continues where
// it stopped), retries with exponential back-off when the connection drops, a free-space check
// before starting, SHA256 verified at the end and the file renamed into place only when complete
// and verified. Blocking: run it on a worker thread; cancel (pause) through the atomic flag.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace rwb {

struct DownloadRequest {
    std::string url;
    std::string destination;    // final path; "<destination>.part" while downloading
    std::string sha256;         // expected hex digest; empty: not checked (the digest is reported)
    uint64_t expected_size = 0; // 0: unknown (taken from the server)
    std::string proxy;          // e.g. "http://proxy:3128"; empty: libcurl's environment rules
    // Mirror: replaces the scheme and host of url ("https://huggingface.co/a/b" with mirror
    // "https://hf-mirror.example" -> "https://hf-mirror.example/a/b"); empty: none.
    std::string mirror;
    int max_retries = 5;            // further attempts after a dropped connection
    double initial_backoff_s = 1.0; // doubled after each failed attempt (capped at 60 s)
    long connect_timeout_s = 20;
    long stall_timeout_s = 60; // give up an attempt after this long below 1 byte/s
};

struct DownloadProgress {
    uint64_t received = 0; // bytes on disk so far, resumed part included
    uint64_t total = 0;    // 0 when unknown
    double bytes_per_second = 0;
    double eta_seconds = -1; // -1 when unknown
    int attempt = 1;
};

enum class DownloadError {
    None,
    Offline,          // host unreachable / name not resolved
    NotFound,         // HTTP 404
    Http,             // any other HTTP error status
    DiskFull,         // not enough space before starting, or a write failed for lack of space
    ChecksumMismatch, // the file was removed
    Cancelled,        // paused: the .part file and sidecar are kept for resuming
    Network,          // the connection kept failing after all retries
    Io,               // other local file errors
    BadRequest,       // bad URL/destination
};

struct DownloadResult {
    DownloadError error = DownloadError::None;
    std::string message; // one line; empty on success
    std::string path;    // the final file on success
    std::string sha256;  // hex digest of the final file
    uint64_t bytes = 0;
    int attempts = 0;
    bool resumed = false; // continued from an existing .part file
    bool ok() const { return error == DownloadError::None; }
};

using DownloadProgressFn = std::function<void(const DownloadProgress&)>;

DownloadResult download_file(const DownloadRequest& request, const DownloadProgressFn& progress,
                             const std::atomic<bool>* cancel = nullptr);

// "<destination>.part" and its sidecar "<destination>.part.json".
std::string download_part_path(const std::string& destination);
std::string download_sidecar_path(const std::string& destination);

// Hex SHA256 of a file ("" and a message on failure).
std::string sha256_file(const std::string& path, std::string* error = nullptr);

} // namespace rwb
