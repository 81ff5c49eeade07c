// rwb pull NAME|URL [--sha256 HEX] [-o DIR]: downloads a catalog model
// ("r1-distill-qwen-1.5b:q4_k_m") or any URL into DIR with a progress bar, resuming a previous
// .part, retrying dropped connections and verifying the SHA256 (catalog or --sha256).
// Exit codes: 0 done, 1 usage or local error, 2 network / HTTP error, 3 checksum mismatch (no
// file left), 4 disk full, 5 interrupted. --list shows the catalog with the fit for this machine.
#include "cli_args.h"
#include "commands.h"

#include "rwb/catalog.h"
#include "rwb/download.h"
#include "rwb/fit.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>

namespace rwb::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void pull_on_sigint(int) {
    g_interrupted.store(true);
}

std::string duration_text(double s) {
    if (s < 0) return "--:--";
    const long t = long(s + 0.5);
    char buf[32];
    if (t >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
    return buf;
}

void draw_bar(const DownloadProgress& p, bool tty) {
    if (!tty) return;
    const int width = 30;
    const double frac = p.total ? double(p.received) / double(p.total) : 0.0;
    std::string bar(size_t(width), ' ');
    for (int i = 0; i < int(frac * width + 0.5) && i < width; ++i) bar[size_t(i)] = '#';
    std::fprintf(stderr, "\r[%s] %3d%% %s / %s  %s/s  ETA %s   ", bar.c_str(), int(frac * 100),
                 format_bytes(p.received).c_str(), p.total ? format_bytes(p.total).c_str() : "?",
                 format_bytes(uint64_t(p.bytes_per_second)).c_str(),
                 duration_text(p.eta_seconds).c_str());
    std::fflush(stderr);
}

int list_catalog(int64_t n_ctx) {
    const MachineMemory machine = probe_machine_memory();
    std::printf("%-34s %-12s %-10s %-10s %s\n", "NAME", "FILE", "NEEDS", "PUBLISHED", "FIT");
    for (const auto& p : evaluate_catalog(builtin_catalog(), machine, n_ctx)) {
        std::string fit =
            p.ref.file->parts > 1
                ? "split into " + std::to_string(p.ref.file->parts) + " parts (not loadable)"
                : p.verdict.summary;
        std::printf("%-34s %-12s %-10s %-10s %s\n", catalog_entry_name(p.ref).c_str(),
                    format_bytes(p.footprint.file_bytes).c_str(),
                    format_bytes(p.estimate.total()).c_str(),
                    p.ref.file->published_size.empty() ? "-" : p.ref.file->published_size.c_str(),
                    fit.c_str());
    }
    if (auto pick = recommend_pick(builtin_catalog(), machine, n_ctx))
        std::printf("recommended for %s RAM at %lld tokens: %s\n",
                    format_bytes(machine.ram_available).c_str(), static_cast<long long>(n_ctx),
                    catalog_entry_name(pick->ref).c_str());
    return 0;
}

bool is_hex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

int exit_code(DownloadError e) {
    switch (e) {
    case DownloadError::None:
        return 0;
    case DownloadError::Offline:
    case DownloadError::NotFound:
    case DownloadError::Http:
    case DownloadError::Network:
        return 2;
    case DownloadError::ChecksumMismatch:
        return 3;
    case DownloadError::DiskFull:
        return 4;
    case DownloadError::Cancelled:
        return 5;
    case DownloadError::Io:
    case DownloadError::BadRequest:
        return 1;
    }
    return 1;
}

} // namespace

int cmd_pull(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"--sha256"}, true, "expected SHA256 (hex); overrides the catalog's", "HEX"},
        {{"-o", "--output-dir"}, true, "folder to download into (default: current)", "DIR"},
        {{"--mirror"}, true, "replace the host of the address, e.g. https://hf-mirror.com", "URL"},
        {{"--proxy"}, true, "HTTP(S) proxy", "URL"},
        {{"--retries"}, true, "attempts after a dropped connection (default 5)", "N"},
        {{"--backoff"}, true, "first retry delay in seconds, doubled each time (default 1)", "S"},
        {{"--list"}, false, "list the catalog with the fit for this machine", ""},
        {{"-c", "--ctx"}, true, "context length for --list (default 4096)", "N"},
        {{"-q", "--quiet"}, false, "no progress bar", ""},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    auto args = CliArgs::parse(argc, argv, specs);
    if (!args) return fail("pull", args.message());
    if (args->has("--help")) {
        std::printf("%s", format_help("rwb pull NAME|URL [options]   (NAME: e.g. "
                                      "r1-distill-qwen-1.5b:q4_k_m; rwb pull --list)",
                                      specs)
                              .c_str());
        return 0;
    }
    auto ctx = args->get_int("--ctx", 4096);
    if (!ctx || *ctx <= 0) return fail("pull", "--ctx must be a positive number");
    if (args->has("--list")) return list_catalog(*ctx);
    if (args->positional().size() != 1)
        return fail("pull", "give one catalog name or URL (see --help)");
    auto retries = args->get_int("--retries", 5);
    if (!retries || *retries < 0 || *retries > 100) return fail("pull", "--retries must be 0..100");
    auto backoff = args->get_double("--backoff", 1.0);
    if (!backoff || *backoff < 0 || *backoff > 600) return fail("pull", "--backoff must be 0..600");

    const std::string what = args->positional()[0];
    DownloadRequest req;
    if (what.find("://") != std::string::npos) {
        req.url = what;
        std::string file = what.substr(what.rfind('/') + 1);
        if (auto q = file.find('?'); q != std::string::npos) file.resize(q);
        if (file.empty()) return fail("pull", "cannot tell a file name from " + what);
        req.destination = file;
    } else {
        auto ref = find_catalog_entry(builtin_catalog(), what);
        if (!ref) return fail("pull", "'" + what + "' is not in the catalog (rwb pull --list)");
        if (ref->file->parts > 1)
            return fail("pull", catalog_entry_name(*ref) + " is split into " +
                                    std::to_string(ref->file->parts) +
                                    " parts, which this engine cannot load");
        req.url = ref->file->url;
        req.sha256 = ref->file->sha256;
        req.expected_size = ref->file->size;
        req.destination = std::filesystem::path(ref->file->file).filename().string();
    }
    if (args->has("--sha256")) {
        const std::string hex = args->get("--sha256");
        if (!is_hex64(hex)) return fail("pull", "--sha256 must be 64 hex digits");
        req.sha256 = hex;
    }
    const std::string dir = args->get("--output-dir", ".");
    req.destination = (std::filesystem::path(dir) / req.destination).string();
    req.mirror = args->get("--mirror");
    req.proxy = args->get("--proxy");
    req.max_retries = int(*retries);
    req.initial_backoff_s = *backoff;

    const bool tty = !args->has("--quiet") && isatty(STDERR_FILENO);
    std::signal(SIGINT, pull_on_sigint);
    const DownloadResult r = download_file(
        req, [tty](const DownloadProgress& p) { draw_bar(p, tty); }, &g_interrupted);
    if (tty) std::fprintf(stderr, "\n");
    if (!r.ok()) {
        fail("pull", r.message);
        return exit_code(r.error);
    }
    std::printf("%s\n  %s, sha256 %s%s\n", r.path.c_str(), format_bytes(r.bytes).c_str(),
                r.sha256.c_str(),
                req.sha256.empty() ? " (not checked: none published)" : " (verified)");
    return 0;
}

} // namespace rwb::cli
