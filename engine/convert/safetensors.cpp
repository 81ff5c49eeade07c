// Safetensors parsing (see safetensors.h). Layout: u64 little-endian header length N, N bytes of
// JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then the data
// section; offsets are relative to the start of the data section.
#include "convert/safetensors.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace rwb::convert {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Real headers are a few hundred KB even for 70B shards; this bounds what a bad file can make us
// allocate while parsing.
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

struct DtypeInfo {
    const char* name;
    SafeDtype type;
    uint64_t size;
};
constexpr DtypeInfo kDtypes[] = {
    {"F32", SafeDtype::F32, 4},         {"F16", SafeDtype::F16, 2},
    {"BF16", SafeDtype::BF16, 2},       {"F64", SafeDtype::F64, 8},
    {"I64", SafeDtype::I64, 8},         {"I32", SafeDtype::I32, 4},
    {"I16", SafeDtype::I16, 2},         {"I8", SafeDtype::I8, 1},
    {"U8", SafeDtype::U8, 1},           {"BOOL", SafeDtype::BOOL, 1},
    {"F8_E4M3", SafeDtype::F8_E4M3, 1}, {"F8_E5M2", SafeDtype::F8_E5M2, 1},
};

uint64_t read_u64_le(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

Result<SafeTensor> parse_entry(const std::string& name, const json& e, const uint8_t* data_start,
                               uint64_t data_size, const std::string& file) {
    auto bad = [&](const std::string& why) {
        return Result<SafeTensor>::error("tensor " + name + ": " + why);
    };
    if (!e.is_object()) return bad("header entry is not an object");
    auto dt = e.find("dtype");
    auto sh = e.find("shape");
    auto off = e.find("data_offsets");
    if (dt == e.end() || !dt->is_string()) return bad("missing dtype");
    if (sh == e.end() || !sh->is_array()) return bad("missing shape");
    if (off == e.end() || !off->is_array() || off->size() != 2) return bad("bad data_offsets");
    SafeTensor t;
    t.name = name;
    t.file = file;
    const std::string dname = dt->get<std::string>();
    uint64_t elem = 0;
    for (const auto& d : kDtypes) {
        if (dname == d.name) {
            t.dtype = d.type;
            elem = d.size;
        }
    }
    if (elem == 0) return bad("unknown dtype " + dname);
    if (sh->size() > 8) return bad("too many dimensions");
    uint64_t n = 1;
    for (const auto& d : *sh) {
        if (!d.is_number_unsigned()) return bad("shape is not a list of non-negative integers");
        uint64_t v = d.get<uint64_t>();
        if (v != 0 && n > UINT64_MAX / v) return bad("shape overflows");
        n *= v;
        t.shape.push_back(v);
    }
    if (n > UINT64_MAX / elem) return bad("shape overflows");
    for (const auto& o : *off)
        if (!o.is_number_unsigned()) return bad("data_offsets are not non-negative integers");
    uint64_t begin = (*off)[0].get<uint64_t>();
    uint64_t end = (*off)[1].get<uint64_t>();
    if (begin > end || end > data_size) return bad("data_offsets outside the file");
    if (end - begin != n * elem)
        return bad("data size " + std::to_string(end - begin) +
                   " does not match shape and dtype (" + std::to_string(n * elem) + " bytes)");
    t.n_elements = n;
    t.n_bytes = n * elem;
    t.data = data_start + begin;
    return t;
}

} // namespace

uint64_t safe_dtype_size(SafeDtype t) {
    for (const auto& d : kDtypes)
        if (d.type == t) return d.size;
    return 0;
}

const char* safe_dtype_name(SafeDtype t) {
    for (const auto& d : kDtypes)
        if (d.type == t) return d.name;
    return "?";
}

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string& path) {
    using R = Result<std::unique_ptr<SafetensorsFile>>;
    auto mapped = gguf::FileMapping::map_readonly(path);
    if (!mapped) { // the mapping's messages name GGUF, which this file is not
        std::string msg = mapped.message();
        if (msg.rfind("gguf: ", 0) == 0) msg.erase(0, 6);
        return R::error(msg);
    }
    std::unique_ptr<SafetensorsFile> f(new SafetensorsFile());
    f->map_ = std::move(mapped.value());
    const uint8_t* base = f->map_->data();
    const uint64_t size = f->map_->size();
    const std::string fname = fs::path(path).filename().string();
    if (size < 8) return R::error(fname + ": too small for a safetensors file");
    const uint64_t hlen = read_u64_le(base);
    if (hlen > size - 8 || hlen > kMaxHeaderBytes)
        return R::error(fname + ": header length " + std::to_string(hlen) +
                        " exceeds the file (not a safetensors file?)");
    json header = json::parse(base + 8, base + 8 + hlen, nullptr, /*allow_exceptions=*/false);
    if (header.is_discarded() || !header.is_object())
        return R::error(fname + ": header is not valid JSON");
    const uint8_t* data_start = base + 8 + hlen;
    const uint64_t data_size = size - 8 - hlen;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") continue;
        auto t = parse_entry(name, entry, data_start, data_size, fname);
        if (!t) return t.status().with_context(fname);
        f->index_[name] = f->tensors_.size();
        f->tensors_.push_back(std::move(t.value()));
    }
    return f;
}

const SafeTensor* SafetensorsFile::find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &tensors_[it->second];
}

Result<SafetensorsModel> SafetensorsModel::open_dir(const std::string& dir) {
    using R = Result<SafetensorsModel>;
    SafetensorsModel m;
    const fs::path index_path = fs::path(dir) / "model.safetensors.index.json";
    const fs::path single_path = fs::path(dir) / "model.safetensors";
    std::error_code ec;
    if (fs::exists(index_path, ec)) {
        std::ifstream in(index_path, std::ios::binary);
        json idx = json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (idx.is_discarded() || !idx.is_object())
            return R::error("model.safetensors.index.json is not valid JSON");
        auto wm = idx.find("weight_map");
        if (wm == idx.end() || !wm->is_object() || wm->empty())
            return R::error("model.safetensors.index.json has no weight_map");
        std::map<std::string, std::shared_ptr<SafetensorsFile>> shards;
        for (const auto& [name, file] : wm->items()) {
            if (!file.is_string())
                return R::error("weight_map entry for " + name + " is not a string");
            const std::string fn = file.get<std::string>();
            // Shards must sit beside the index: no paths that could leave the folder.
            if (fn.empty() || fn.find('/') != std::string::npos ||
                fn.find('\\') != std::string::npos || fn == "." || fn == "..")
                return R::error("weight_map names an invalid shard file '" + fn + "'");
            auto it = shards.find(fn);
            if (it == shards.end()) {
                auto f = SafetensorsFile::open((fs::path(dir) / fn).string());
                if (!f) return f.status();
                it = shards.emplace(fn, std::shared_ptr<SafetensorsFile>(std::move(f.value())))
                         .first;
                m.files_.push_back(it->second);
            }
            const SafeTensor* t = it->second->find(name);
            if (t == nullptr)
                return R::error("tensor " + name + " is listed for " + fn + " but not in it");
            m.by_name_[name] = t;
        }
        return m;
    }
    if (!fs::exists(single_path, ec))
        return R::error("no model.safetensors or model.safetensors.index.json in " + dir);
    auto f = SafetensorsFile::open(single_path.string());
    if (!f) return f.status();
    std::shared_ptr<SafetensorsFile> sf(std::move(f.value()));
    for (const auto& t : sf->tensors()) m.by_name_[t.name] = &t;
    m.files_.push_back(sf);
    return m;
}

const SafeTensor* SafetensorsModel::find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::string> SafetensorsModel::names() const {
    std::vector<std::string> out;
    out.reserve(by_name_.size());
    for (const auto& [n, t] : by_name_) out.push_back(n);
    return out;
}

} // namespace rwb::convert
