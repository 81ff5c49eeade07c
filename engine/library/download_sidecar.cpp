// Sidecar JSON read/write (nlohmann-json, no exceptions).
#include "library/download_sidecar.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace rwb::library {

std::optional<DownloadSidecar> read_sidecar(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    DownloadSidecar s;
    s.url = j.value("url", std::string());
    s.etag = j.value("etag", std::string());
    s.sha256 = j.value("sha256", std::string());
    if (j.contains("expected_size") && j["expected_size"].is_number_unsigned())
        s.expected_size = j["expected_size"].get<uint64_t>();
    return s;
}

bool write_sidecar(const std::string& path, const DownloadSidecar& s) {
    nlohmann::json j = {
        {"url", s.url}, {"etag", s.etag}, {"expected_size", s.expected_size}, {"sha256", s.sha256}};
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << j.dump(1) << '\n';
    return bool(out);
}

} // namespace rwb::library
