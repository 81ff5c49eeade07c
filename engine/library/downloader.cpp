// download_file: one libcurl transfer per attempt, appending to "<dest>.part" from its current
// size (HTTP Range), until the server has sent everything; then size and SHA256 checks and the
// rename into place. See rwb/download.h for the contract.
#include "rwb/download.h"

#include "library/download_sidecar.h"
#include "library/transfer_meter.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace fs = std::filesystem;

namespace rwb {
namespace {

std::string apply_mirror(const std::string& url, const std::string& mirror) {
    if (mirror.empty()) return url;
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const auto path = url.find('/', scheme + 3);
    std::string base = mirror;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + (path == std::string::npos ? std::string("/") : url.substr(path));
}

std::string host_of(const std::string& url) {
    const auto scheme = url.find("://");
    const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto end = url.find_first_of("/:?", start);
    return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

uint64_t file_size_or_zero(const std::string& path) {
    std::error_code ec;
    const auto n = fs::file_size(path, ec);
    return ec ? 0 : uint64_t(n);
}

// State of one attempt, shared with libcurl's callbacks.
struct Attempt {
    FILE* file = nullptr;
    uint64_t offset = 0; // bytes already in the .part file when the attempt started
    uint64_t written = 0;
    long status = 0;
    std::string etag;
    bool body_started = false;
    bool restart = false; // the server sent the whole file (or a different one): start over
    bool disk_full = false;
    bool write_failed = false;
    bool space_short = false; // the pre-check found too little free space
    uint64_t space_needed = 0, space_free = 0;
    CURL* curl = nullptr;
    const DownloadRequest* req = nullptr;
    library::DownloadSidecar* sidecar = nullptr;
    std::string sidecar_path, part_path;
    library::TransferMeter* meter = nullptr;
    const DownloadProgressFn* progress = nullptr;
    const std::atomic<bool>* cancel = nullptr;
    int attempt = 1;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* a = static_cast<Attempt*>(user);
    const std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) { // a new response (redirects send several)
        a->etag.clear();
        const auto sp = line.find(' ');
        a->status = sp == std::string::npos ? 0 : std::strtol(line.c_str() + sp + 1, nullptr, 10);
    } else if (line.size() > 5 && (line.rfind("ETag:", 0) == 0 || line.rfind("etag:", 0) == 0 ||
                                   line.rfind("Etag:", 0) == 0)) {
        std::string v = line.substr(5);
        while (!v.empty() && (v.front() == ' ')) v.erase(v.begin());
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' '))
            v.pop_back();
        a->etag = v;
    }
    return size * n;
}

// First body bytes of a successful response: decide append vs. start over, check the space.
bool start_body(Attempt* a) {
    a->body_started = true;
    if (a->status == 200 && a->offset > 0) {
        // Range ignored: the whole file follows. Start the .part again.
        if (std::fflush(a->file) != 0 || !freopen(a->part_path.c_str(), "wb", a->file))
            return false;
        std::setvbuf(a->file, nullptr, _IONBF, 0);
        a->offset = 0;
        a->meter->reset(0);
    }
    if (a->status == 206 && !a->sidecar->etag.empty() && !a->etag.empty() &&
        a->etag != a->sidecar->etag) {
        a->restart = true; // the file changed on the server since the .part was written
        return false;
    }
    curl_off_t length = -1;
    curl_easy_getinfo(a->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    const uint64_t total = length >= 0 ? a->offset + uint64_t(length) : a->sidecar->expected_size;
    if (total > 0) {
        if (a->sidecar->expected_size == 0) a->sidecar->expected_size = total;
        a->meter->set_total(total);
        std::error_code ec;
        const auto space = fs::space(fs::path(a->part_path).parent_path(), ec);
        const uint64_t need = total > a->offset ? total - a->offset : 0;
        if (!ec && space.available < need) {
            a->space_short = true;
            a->space_needed = need;
            a->space_free = space.available;
            return false;
        }
    }
    if (!a->etag.empty()) a->sidecar->etag = a->etag;
    library::write_sidecar(a->sidecar_path, *a->sidecar);
    return true;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* a = static_cast<Attempt*>(user);
    const size_t bytes = size * n;
    if (a->status < 200 || a->status >= 300) return bytes; // error page: read and drop
    if (!a->body_started && !start_body(a)) return 0;
    errno = 0;
    if (std::fwrite(data, 1, bytes, a->file) != bytes) {
        a->write_failed = true;
        a->disk_full = errno == ENOSPC || errno == EFBIG
#ifdef EDQUOT
                       || errno == EDQUOT
#endif
            ;
        return 0;
    }
    a->written += bytes;
    a->meter->add(bytes);
    return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* a = static_cast<Attempt*>(user);
    if (a->cancel && a->cancel->load(std::memory_order_relaxed)) return 1;
    if (*a->progress && a->meter->due()) (*a->progress)(a->meter->snapshot(a->attempt));
    return 0;
}

bool sleep_unless_cancelled(double seconds, const std::atomic<bool>* cancel) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (cancel && cancel->load()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return !(cancel && cancel->load());
}

DownloadResult fail(DownloadError e, std::string message) {
    DownloadResult r;
    r.error = e;
    r.message = std::move(message);
    return r;
}

bool transient(CURLcode c) {
    switch (c) {
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

} // namespace

std::string download_part_path(const std::string& destination) {
    return destination + ".part";
}
std::string download_sidecar_path(const std::string& destination) {
    return destination + ".part.json";
}

DownloadResult download_file(const DownloadRequest& req, const DownloadProgressFn& progress,
                             const std::atomic<bool>* cancel) {
    static std::once_flag curl_init;
    std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (req.url.empty()) return fail(DownloadError::BadRequest, "no URL given");
    if (req.destination.empty()) return fail(DownloadError::BadRequest, "no destination given");
    const std::string url = apply_mirror(req.url, req.mirror);
    const std::string name = fs::path(req.destination).filename().string();
    const std::string part = download_part_path(req.destination);
    const std::string side = download_sidecar_path(req.destination);
    std::error_code ec;
    const fs::path dir = fs::absolute(req.destination, ec).parent_path();
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir))
        return fail(DownloadError::Io, "cannot create the folder " + dir.string());

    DownloadResult result;
    library::DownloadSidecar sidecar;
    if (auto old = library::read_sidecar(side); old && old->url == url && fs::exists(part)) {
        sidecar = *old;
        result.resumed = file_size_or_zero(part) > 0;
    } else {
        fs::remove(part, ec); // a .part without (or with another) sidecar is not ours to continue
        sidecar.url = url;
    }
    if (req.expected_size) sidecar.expected_size = req.expected_size;
    sidecar.sha256 = req.sha256;

    library::TransferMeter meter(file_size_or_zero(part), sidecar.expected_size);
    const bool already_complete =
        sidecar.expected_size > 0 && file_size_or_zero(part) == sidecar.expected_size;
    if (sidecar.expected_size > 0 && !already_complete) {
        const uint64_t have = file_size_or_zero(part);
        const uint64_t need = sidecar.expected_size > have ? sidecar.expected_size - have : 0;
        const auto space = fs::space(dir, ec);
        if (!ec && space.available < need)
            return fail(DownloadError::DiskFull, "not enough disk space for " + name + ": need " +
                                                     std::to_string(need) + " bytes, " +
                                                     std::to_string(space.available) + " free in " +
                                                     dir.string());
    }

    CURLcode last_code = CURLE_OK;
    long last_status = 0;
    double backoff = req.initial_backoff_s;
    int attempt = 0;
    bool done = already_complete;
    while (!done) {
        ++attempt;
        if (cancel && cancel->load())
            return fail(DownloadError::Cancelled, "paused: " + name + " (resume continues it)");
        std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(part.c_str(), "ab"), &std::fclose);
        if (!file) return fail(DownloadError::Io, "cannot write " + part);
        std::setvbuf(file.get(), nullptr, _IONBF, 0); // write errors show at once
        Attempt a;
        a.file = file.get();
        a.offset = file_size_or_zero(part);
        a.req = &req;
        a.sidecar = &sidecar;
        a.sidecar_path = side;
        a.part_path = part;
        a.meter = &meter;
        a.progress = &progress;
        a.cancel = cancel;
        a.attempt = attempt;
        meter.reset(a.offset);
        std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
        if (!curl) return fail(DownloadError::Io, "cannot start libcurl");
        a.curl = curl.get();
        CURL* c = curl.get();
        curl_easy_setopt(c, CURLOPT_URL, url.c_str());
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "reasoning-workbench");
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, req.connect_timeout_s);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, req.stall_timeout_s);
        if (!req.proxy.empty()) curl_easy_setopt(c, CURLOPT_PROXY, req.proxy.c_str());
        const std::string range = std::to_string(a.offset) + "-";
        if (a.offset > 0) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &a);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &a);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        const CURLcode code = curl_easy_perform(c);
        file.reset();
        last_code = code;
        last_status = a.status;

        if (a.space_short)
            return fail(DownloadError::DiskFull, "not enough disk space for " + name + ": need " +
                                                     std::to_string(a.space_needed) + " bytes, " +
                                                     std::to_string(a.space_free) + " free in " +
                                                     dir.string());
        if (a.disk_full)
            return fail(DownloadError::DiskFull, "disk full while writing " + part +
                                                     " (partial file kept; free space and resume)");
        if (a.write_failed) return fail(DownloadError::Io, "cannot write " + part);
        if (a.restart) {
            fs::remove(part, ec);
            sidecar.etag.clear();
            if (attempt <= req.max_retries + 1) continue;
        }
        if (code == CURLE_ABORTED_BY_CALLBACK && cancel && cancel->load())
            return fail(DownloadError::Cancelled, "paused: " + name + " (resume continues it)");
        if (code == CURLE_OK && a.status == 416) {
            // Nothing left to send: complete if the size matches, else start over.
            if (sidecar.expected_size > 0 && file_size_or_zero(part) == sidecar.expected_size) {
                done = true;
                break;
            }
            fs::remove(part, ec);
            continue;
        }
        if (code == CURLE_OK && a.status >= 200 && a.status < 300) {
            done = true;
            break;
        }
        if (code == CURLE_OK && a.status == 404) {
            if (file_size_or_zero(part) == 0) fs::remove(part, ec), fs::remove(side, ec);
            return fail(DownloadError::NotFound, "not found (HTTP 404): " + url);
        }
        if (code == CURLE_OK && a.status >= 400 && a.status < 500) {
            if (file_size_or_zero(part) == 0) fs::remove(part, ec), fs::remove(side, ec);
            return fail(DownloadError::Http, "HTTP " + std::to_string(a.status) + " from " + url);
        }
        const bool retry = (code == CURLE_OK && a.status >= 500) || transient(code);
        if (!retry || attempt > req.max_retries) break;
        if (!sleep_unless_cancelled(backoff, cancel))
            return fail(DownloadError::Cancelled, "paused: " + name + " (resume continues it)");
        backoff = std::min(backoff * 2, 60.0);
    }
    result.attempts = attempt;
    if (!done) {
        if (file_size_or_zero(part) == 0) fs::remove(part, ec), fs::remove(side, ec);
        if (last_code == CURLE_COULDNT_RESOLVE_HOST || last_code == CURLE_COULDNT_CONNECT ||
            last_code == CURLE_COULDNT_RESOLVE_PROXY)
            return fail(DownloadError::Offline, "cannot reach " + host_of(url) + " (offline?): " +
                                                    curl_easy_strerror(last_code));
        if (last_code == CURLE_OK)
            return fail(DownloadError::Http,
                        "HTTP " + std::to_string(last_status) + " from " + url);
        return fail(DownloadError::Network, "download of " + name + " failed after " +
                                                std::to_string(attempt) +
                                                " attempts: " + curl_easy_strerror(last_code));
    }

    const uint64_t size = file_size_or_zero(part);
    if (progress) progress(meter.snapshot(attempt, true));
    if (sidecar.expected_size > 0 && size != sidecar.expected_size) {
        fs::remove(part, ec), fs::remove(side, ec);
        return fail(DownloadError::Network,
                    name + " is " + std::to_string(size) + " bytes, expected " +
                        std::to_string(sidecar.expected_size) + " (partial file removed)");
    }
    std::string hash_error;
    const std::string digest = sha256_file(part, &hash_error);
    if (digest.empty()) return fail(DownloadError::Io, hash_error);
    std::string want = req.sha256;
    std::transform(want.begin(), want.end(), want.begin(),
                   [](unsigned char ch) { return char(std::tolower(ch)); });
    if (!want.empty() && want != digest) {
        fs::remove(part, ec), fs::remove(side, ec);
        return fail(DownloadError::ChecksumMismatch, "checksum mismatch for " + name +
                                                         ": expected " + want + ", got " + digest +
                                                         " (partial file removed)");
    }
    fs::rename(part, req.destination, ec);
    if (ec) return fail(DownloadError::Io, "cannot move " + part + " into place: " + ec.message());
    fs::remove(side, ec);
    result.path = req.destination;
    result.sha256 = digest;
    result.bytes = size;
    return result;
}

} // namespace rwb
