// Model requantization through the mix rules (see model_quantizer.h).
#include "quant/model_quantizer.h"

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "quant/quant.h"
#include "quant/tensor_quantizer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace rwb::quant {

namespace {
constexpr int64_t kChunkElements = int64_t(1) << 22; // floats held per tensor chunk (16 MiB)

bool is_float_type(GgmlType t) {
    return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

std::string dims_text(const std::vector<uint64_t>& ne) {
    std::string s = std::to_string(ne.empty() ? 0 : ne[0]);
    for (size_t i = 1; i < ne.size(); ++i) {
        s += 'x';
        s += std::to_string(ne[i]);
    }
    return s;
}

ModelFacts model_facts(const gguf::GgufFile& f) {
    ModelFacts facts;
    int64_t max_layer = -1;
    for (const auto& t : f.tensors()) max_layer = std::max(max_layer, layer_index(t.name));
    facts.n_layer = max_layer + 1;
    if (auto arch = f.get_string("general.architecture")) {
        if (auto n = f.get_uint(arch.value() + ".block_count")) facts.n_layer = int64_t(n.value());
        facts.is_70b = arch.value() == "llama" && facts.n_layer == 80;
    }
    facts.has_output = f.find_tensor("output.weight") != nullptr;
    return facts;
}

// Converts tensor `t` of `src` into `out` as `type`, chunk by chunk of rows.
Status convert_tensor(const gguf::GgufFile& src, const gguf::TensorInfo& t, GgmlType type,
                      int threads, std::span<uint8_t> out) {
    const int64_t cols = int64_t(t.ne.empty() ? 1 : t.ne[0]);
    const int64_t rows = int64_t(t.n_elements) / std::max<int64_t>(cols, 1);
    const auto in_row = ggml_row_bytes(t.type, uint64_t(cols));
    const auto out_row = ggml_row_bytes(type, uint64_t(cols));
    if (!in_row || !out_row || *out_row * uint64_t(rows) != out.size())
        return Status::error("internal: size mismatch");
    const uint8_t* in = src.tensor_data(t);
    const int64_t chunk_rows = std::max<int64_t>(1, kChunkElements / std::max<int64_t>(cols, 1));
    std::vector<float> buf(size_t(std::min(chunk_rows, rows) * cols));
    for (int64_t r0 = 0; r0 < rows; r0 += chunk_rows) {
        const int64_t nr = std::min(chunk_rows, rows - r0);
        RWB_RETURN_IF_ERROR(
            dequantize_rows(t.type, in + uint64_t(r0) * *in_row, nr, cols, buf.data(), threads));
        RWB_RETURN_IF_ERROR(
            quantize_rows(type, buf.data(), nr, cols, out.data() + uint64_t(r0) * *out_row, threads)
                .with_context("row " + std::to_string(r0) + "+"));
    }
    return Status::ok();
}
} // namespace

Result<QuantizeSummary> quantize_model(const std::string& input, const std::string& output,
                                       const QuantMix& mix, const QuantizeOptions& opts) {
    std::error_code ec;
    if (std::filesystem::exists(output, ec) && std::filesystem::equivalent(input, output, ec))
        return Result<QuantizeSummary>::error("the output would overwrite the input");
    auto opened = gguf::GgufFile::open(input);
    if (!opened) return opened.status();
    const std::shared_ptr<gguf::GgufFile> src = opened.value();
    const ModelFacts facts = model_facts(*src);

    QuantizeSummary summary;
    gguf::GgufWriter w;
    w.set_alignment(src->alignment());
    bool wrote_file_type = false;
    for (const auto& m : src->metadata()) {
        if (m.key == "general.alignment" || m.key == "general.quantization_version") continue;
        if (m.key == "general.file_type") {
            w.add_uint32("general.file_type", mix.file_type);
            wrote_file_type = true;
            continue;
        }
        w.add(m.key, m.value);
    }
    if (!wrote_file_type) w.add_uint32("general.file_type", mix.file_type);
    w.add_uint32("general.quantization_version", 2);

    // choose every tensor's type first: unreadable inputs fail before anything is written
    struct Planned {
        const gguf::TensorInfo* info;
        TensorChoice choice;
    };
    std::vector<Planned> plan;
    std::vector<std::string> requantized;
    for (const auto& t : src->tensors()) {
        TensorChoice c = choose_tensor_type(mix, facts, t.name, t.ne, t.type);
        if (c.converted && c.type != t.type) {
            if (!is_supported(t.type))
                return Result<QuantizeSummary>::error(
                    "tensor " + t.name + " has type " + std::string(ggml_type_name(t.type)) +
                    ", which rwb cannot read (supported: f32 f16 bf16 q8_0 q4_0 q4_K q5_K q6_K)");
            if (!is_float_type(t.type)) requantized.push_back(std::string(ggml_type_name(t.type)));
        } else {
            c.converted = false; // same type: bytes copied unchanged
        }
        if (!c.note.empty()) summary.warnings.push_back(t.name + ": " + c.note);
        plan.push_back({&t, c});
        summary.input_tensor_bytes += t.n_bytes;
        summary.output_tensor_bytes +=
            *ggml_row_bytes(c.type, t.ne.empty() ? 1 : t.ne[0]) *
            (t.n_elements / std::max<uint64_t>(t.ne.empty() ? 1 : t.ne[0], 1));
    }
    if (!requantized.empty()) {
        std::sort(requantized.begin(), requantized.end());
        requantized.erase(std::unique(requantized.begin(), requantized.end()), requantized.end());
        std::string types;
        for (const auto& r : requantized) types += (types.empty() ? "" : ", ") + r;
        summary.warnings.insert(summary.warnings.begin(),
                                "the input is already quantized (" + types +
                                    "): requantizing from its dequantized values loses more "
                                    "accuracy than quantizing the original model would");
    }
    if (opts.progress)
        for (const auto& warn : summary.warnings)
            std::fprintf(stderr, "warning: %s\n", warn.c_str());

    summary.tensors = plan.size();
    for (size_t i = 0; i < plan.size(); ++i) {
        const Planned& p = plan[i];
        const gguf::TensorInfo& t = *p.info;
        auto producer = [&src, &opts, &t, p, i, n = plan.size()](std::span<uint8_t> out) -> Status {
            if (opts.progress)
                std::fprintf(stderr, "quantize: [%4zu/%zu] %-28s %-5s -> %-5s %s\n", i + 1, n,
                             t.name.c_str(), std::string(ggml_type_name(t.type)).c_str(),
                             std::string(ggml_type_name(p.choice.type)).c_str(),
                             dims_text(t.ne).c_str());
            if (!p.choice.converted) {
                if (out.size() != t.n_bytes) return Status::error("internal: size mismatch");
                std::memcpy(out.data(), src->tensor_data(t), out.size());
                return Status::ok();
            }
            return convert_tensor(*src, t, p.choice.type, opts.threads, out).with_context(t.name);
        };
        RWB_RETURN_IF_ERROR(w.add_tensor(t.name, p.choice.type, t.ne, producer));
    }
    RWB_RETURN_IF_ERROR(w.write(output));
    return summary;
}

} // namespace rwb::quant
