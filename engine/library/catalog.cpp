// Catalog parsing, lookup and the recommended pick.
#include "rwb/catalog.h"

#include "library/catalog_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace rwb {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const char* const kQuantOrder[] = {"q4_k_m", "q5_k_m", "q6_k", "q8_0", "f16"};

int quant_rank(const std::string& q) {
    for (int i = 0; i < 5; ++i)
        if (q == kQuantOrder[i]) return i;
    return -1;
}

int kind_rank(FitKind k) {
    switch (k) {
    case FitKind::Gpu:
        return 3;
    case FitKind::PartialGpu:
        return 2;
    case FitKind::Cpu:
        return 1;
    case FitKind::DoesNotFit:
        return 0;
    }
    return 0;
}

} // namespace

Result<std::vector<CatalogModel>> parse_catalog(const std::string& text) {
    using R = Result<std::vector<CatalogModel>>;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("models") || !j["models"].is_array())
        return R::error("catalog is not a JSON object with a \"models\" array");
    std::vector<CatalogModel> out;
    for (const auto& m : j["models"]) {
        if (!m.is_object()) return R::error("catalog model entry is not an object");
        CatalogModel cm;
        cm.id = m.value("id", std::string());
        cm.shape = m.value("shape", std::string());
        cm.name = m.value("name", std::string());
        cm.base_model = m.value("base_model", std::string());
        cm.repo = m.value("repo", std::string());
        if (cm.id.empty()) return R::error("catalog model without an id");
        if (!m.contains("files") || !m["files"].is_array())
            return R::error("catalog model " + cm.id + " has no files");
        for (const auto& f : m["files"]) {
            if (!f.is_object())
                return R::error("catalog file entry of " + cm.id + " is not an object");
            CatalogFile cf;
            cf.quant = lower(f.value("quant", std::string()));
            cf.file = f.value("file", std::string());
            cf.url = f.value("url", std::string());
            cf.parts = f.value("parts", 1);
            if (f.contains("size") && f["size"].is_number_unsigned())
                cf.size = f["size"].get<uint64_t>();
            cf.sha256 = lower(f.value("sha256", std::string()));
            cf.published_size = f.value("published_size", std::string());
            if (cf.quant.empty() || cf.url.empty())
                return R::error("catalog file of " + cm.id + " lacks quant or url");
            if (!cf.sha256.empty() && cf.sha256.size() != 64)
                return R::error("catalog sha256 of " + cm.id + ":" + cf.quant +
                                " is not 64 hex digits");
            cm.files.push_back(std::move(cf));
        }
        out.push_back(std::move(cm));
    }
    return out;
}

const std::vector<CatalogModel>& builtin_catalog() {
    static const std::vector<CatalogModel> catalog = [] {
        auto parsed = parse_catalog(library::catalog_json());
        return parsed ? std::move(*parsed) : std::vector<CatalogModel>{};
    }();
    return catalog;
}

std::optional<CatalogRef> find_catalog_entry(const std::vector<CatalogModel>& catalog,
                                             std::string_view name) {
    const std::string n = lower(name);
    const auto colon = n.find(':');
    const std::string id = n.substr(0, colon);
    const std::string quant = colon == std::string::npos ? "q4_k_m" : n.substr(colon + 1);
    for (const auto& m : catalog) {
        if (lower(m.id) != id) continue;
        for (const auto& f : m.files)
            if (f.quant == quant) return CatalogRef{&m, &f};
    }
    return std::nullopt;
}

std::string catalog_entry_name(const CatalogRef& ref) {
    if (!ref.model || !ref.file) return {};
    return ref.model->id + ":" + ref.file->quant;
}

std::vector<CatalogPick> evaluate_catalog(const std::vector<CatalogModel>& catalog,
                                          const MachineMemory& machine, int64_t n_ctx) {
    std::vector<CatalogPick> out;
    MemoryOptions mo;
    mo.n_ctx = n_ctx;
    for (const auto& m : catalog)
        for (const auto& f : m.files) {
            auto fp = footprint_from_preset(m.shape, f.quant);
            if (!fp) continue;
            CatalogPick p;
            p.ref = {&m, &f};
            p.footprint = std::move(*fp);
            p.estimate = estimate_memory(p.footprint, mo);
            p.verdict = fit_verdict(p.footprint, p.estimate, machine);
            out.push_back(std::move(p));
        }
    return out;
}

std::optional<CatalogPick> recommend_pick(const std::vector<CatalogModel>& catalog,
                                          const MachineMemory& machine, int64_t n_ctx) {
    const auto all = evaluate_catalog(catalog, machine, n_ctx);
    // 1. the best way a Q4_K_M fits, over all models; 2. the largest model fitting that way.
    const CatalogPick* base = nullptr;
    for (const auto& p : all) {
        if (p.ref.file->quant != "q4_k_m" || p.ref.file->parts > 1) continue;
        if (p.verdict.kind == FitKind::DoesNotFit) continue;
        if (!base || kind_rank(p.verdict.kind) > kind_rank(base->verdict.kind) ||
            (kind_rank(p.verdict.kind) == kind_rank(base->verdict.kind) &&
             p.footprint.n_params > base->footprint.n_params))
            base = &p;
    }
    if (!base) return std::nullopt;
    // 3. the highest-precision file of that model that fits the same way.
    const CatalogPick* best = base;
    for (const auto& p : all) {
        if (p.ref.model != base->ref.model || p.ref.file->parts > 1) continue;
        if (kind_rank(p.verdict.kind) < kind_rank(base->verdict.kind)) continue;
        if (p.verdict.kind == FitKind::PartialGpu &&
            p.verdict.gpu_layers < base->verdict.gpu_layers)
            continue;
        if (quant_rank(p.ref.file->quant) > quant_rank(best->ref.file->quant)) best = &p;
    }
    return *best;
}

} // namespace rwb
