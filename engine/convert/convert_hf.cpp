// Hugging Face folder -> GGUF (see convert_hf.h). Order of work: read and check config.json, the
// safetensors headers, the tensor plan and the tokenizer; only then write. Metadata keys and
// their order are those llama.cpp's convert_hf_to_gguf.py writes for these architectures.
#include "convert/convert_hf.h"

#include "convert/hf_config.h"
#include "convert/hf_tokenizer_meta.h"
#include "convert/llama_layout.h"
#include "convert/safetensors.h"
#include "convert/tensor_plan.h"
#include "gguf/gguf_writer.h"
#include "quant/fp16.h"
#include "quant/quant_mix.h"
#include "quant/tensor_quantizer.h"
#include "tokenizer/gguf_vocab.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>

namespace rwb::convert {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTypeNames = "f32, f16, bf16, q8_0, q4_0, q4_k, q5_k, q6_k, q4_k_m, q5_k_m";
// Rows are converted to float and quantized in chunks of about this many elements, so the float
// copy of a tensor never exceeds a few tens of MB whatever the model size.
constexpr int64_t kChunkElements = int64_t(8) << 20;

float source_value(const SafeTensor& t, uint64_t index) {
    const uint8_t* p = t.data + index * safe_dtype_size(t.dtype);
    switch (t.dtype) {
    case SafeDtype::F32: {
        float v;
        std::memcpy(&v, p, 4);
        return v;
    }
    case SafeDtype::F16:
    case SafeDtype::BF16: {
        uint16_t h;
        std::memcpy(&h, p, 2);
        return t.dtype == SafeDtype::F16 ? quant::fp16_to_fp32(h) : quant::bf16_to_fp32(h);
    }
    default:
        return 0.0f; // unreachable: the plan admits F32/F16/BF16 only
    }
}

// One source row (or, for a 1-D tensor, one element run) to floats. Tight loops per dtype: this
// runs over every weight of a multi-GB checkpoint.
void source_row(const SafeTensor& t, int64_t row, int64_t cols, float* dst) {
    const uint64_t first = static_cast<uint64_t>(row) * static_cast<uint64_t>(cols);
    const size_t n = static_cast<size_t>(cols);
    if (t.dtype == SafeDtype::F32) {
        std::memcpy(dst, t.data + first * 4, n * 4);
        return;
    }
    const uint8_t* src = t.data + first * 2;
    if (t.dtype == SafeDtype::F16) {
        for (size_t c = 0; c < n; ++c) {
            uint16_t h;
            std::memcpy(&h, src + 2 * c, 2);
            dst[c] = quant::fp16_to_fp32(h);
        }
    } else {
        for (size_t c = 0; c < n; ++c) {
            uint16_t h;
            std::memcpy(&h, src + 2 * c, 2);
            dst[c] = quant::bf16_to_fp32(h);
        }
    }
}

struct TensorJob {
    PlannedTensor plan;
    GgmlType type;
    int64_t head_dim;
    std::vector<float> generated; // rope_freqs
    int threads;
};

Status produce_tensor(const TensorJob& job, std::span<uint8_t> out) {
    const PlannedTensor& p = job.plan;
    const int64_t cols = static_cast<int64_t>(p.ne[0]);
    int64_t rows = 1;
    for (size_t i = 1; i < p.ne.size(); ++i) rows *= static_cast<int64_t>(p.ne[i]);
    auto row_bytes = ggml_row_bytes(job.type, static_cast<uint64_t>(cols));
    if (!row_bytes || *row_bytes * static_cast<uint64_t>(rows) != out.size())
        return Status::error(p.gguf_name + ": output size mismatch");
    if (p.source == nullptr)
        return quant::quantize_rows(job.type, job.generated.data(), 1, cols, out.data(), 1);

    const int64_t chunk_rows = std::max<int64_t>(1, kChunkElements / std::max<int64_t>(cols, 1));
    std::vector<float> buf(static_cast<size_t>(std::min(rows, chunk_rows) * cols));
    for (int64_t r0 = 0; r0 < rows; r0 += chunk_rows) {
        const int64_t n = std::min(chunk_rows, rows - r0);
        for (int64_t r = 0; r < n; ++r) {
            float* dst = buf.data() + r * cols;
            if (p.permute_qk && p.ne.size() == 1) { // a Q/K bias: permute its elements
                for (int64_t c = 0; c < cols; ++c)
                    dst[c] = source_value(
                        *p.source, static_cast<uint64_t>(llama_qk_source_row(c, job.head_dim)));
            } else {
                const int64_t src =
                    p.permute_qk ? llama_qk_source_row(r0 + r, job.head_dim) : r0 + r;
                source_row(*p.source, src, cols, dst);
            }
        }
        RWB_RETURN_IF_ERROR(
            quant::quantize_rows(job.type, buf.data(), n, cols,
                                 out.data() + static_cast<uint64_t>(r0) * *row_bytes, job.threads));
    }
    return Status::ok();
}

void add_model_metadata(gguf::GgufWriter& w, const HfModelConfig& c, const std::string& name,
                        uint32_t file_type) {
    const std::string a = gguf_arch_name(c.arch);
    w.add_string("general.architecture", a);
    w.add_string("general.type", "model");
    w.add_string("general.name", name);
    w.add_uint32(a + ".block_count", static_cast<uint32_t>(c.n_layer));
    w.add_uint32(a + ".context_length", static_cast<uint32_t>(c.context_length));
    w.add_uint32(a + ".embedding_length", static_cast<uint32_t>(c.hidden_size));
    w.add_uint32(a + ".feed_forward_length", static_cast<uint32_t>(c.intermediate_size));
    w.add_uint32(a + ".attention.head_count", static_cast<uint32_t>(c.n_head));
    w.add_uint32(a + ".attention.head_count_kv", static_cast<uint32_t>(c.n_head_kv));
    w.add_float32(a + ".rope.freq_base", static_cast<float>(c.rope_theta));
    w.add_float32(a + ".attention.layer_norm_rms_epsilon", static_cast<float>(c.rms_norm_eps));
    w.add_uint32("general.file_type", file_type);
    if (c.arch == HfArch::Llama) {
        w.add_uint32(a + ".vocab_size", static_cast<uint32_t>(c.vocab_size));
        w.add_uint32(a + ".rope.dimension_count", static_cast<uint32_t>(c.head_dim));
    }
    w.add_uint32("general.quantization_version", 2);
}

} // namespace

std::string convert_type_names() {
    return kTypeNames;
}

Result<ConvertReport> convert_hf_to_gguf(const ConvertOptions& opts) {
    using R = Result<ConvertReport>;
    const auto mix = quant::parse_quant_mix(opts.type);
    static const std::vector<std::string> kAccepted = {"f32",  "f16",  "bf16", "q8_0",   "q4_0",
                                                       "q4_k", "q5_k", "q6_k", "q4_k_m", "q5_k_m"};
    std::string lower = opts.type;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (!mix || std::find(kAccepted.begin(), kAccepted.end(), lower) == kAccepted.end())
        return R::error("unknown type '" + opts.type + "' (supported: " + kTypeNames + ")");

    std::error_code ec;
    if (!fs::is_directory(opts.hf_dir, ec)) return R::error("not a folder: " + opts.hf_dir);
    const fs::path dir(opts.hf_dir);
    if (!fs::exists(dir / "config.json", ec)) return R::error("no config.json in " + opts.hf_dir);
    auto cfg = load_hf_config((dir / "config.json").string());
    if (!cfg) return cfg.status();
    const HfModelConfig& c = cfg.value();

    auto model = SafetensorsModel::open_dir(opts.hf_dir);
    if (!model) return model.status();
    auto plan = plan_tensors(c, model.value());
    if (!plan) return plan.status();
    auto tok = load_hf_tokenizer_meta(opts.hf_dir, c.vocab_size);
    if (!tok) return tok.status();

    ConvertReport report;
    report.architecture = gguf_arch_name(c.arch);
    report.pre_tokenizer = tok->vocab.pre;
    report.n_vocab = static_cast<int64_t>(tok->vocab.tokens.size());

    gguf::GgufWriter w;
    std::string name = fs::absolute(dir, ec).lexically_normal().filename().string();
    if (name.empty())
        name = fs::absolute(dir, ec).lexically_normal().parent_path().filename().string();
    add_model_metadata(w, c, name, mix->file_type);
    write_vocabulary_gguf(w, tok->vocab);
    if (!tok->chat_template.empty()) w.add_string("tokenizer.chat_template", tok->chat_template);

    quant::ModelFacts facts;
    facts.n_layer = c.n_layer;
    facts.has_output = std::any_of(plan->begin(), plan->end(), [](const PlannedTensor& p) {
        return p.gguf_name == "output.weight";
    });
    facts.is_70b = c.arch == HfArch::Llama && c.n_layer == 80;
    const int threads = quant::resolve_threads(opts.threads);
    for (PlannedTensor& p : plan.value()) {
        const quant::TensorChoice choice =
            quant::choose_tensor_type(*mix, facts, p.gguf_name, p.ne, GgmlType::F32);
        // Tensors the mix leaves alone (norms, biases, rope_freqs) are written as F32, as
        // llama.cpp's converter does for 1-D tensors.
        auto job = std::make_shared<TensorJob>();
        job->type = choice.converted ? choice.type : GgmlType::F32;
        job->head_dim = c.head_dim;
        job->threads = threads;
        if (!choice.note.empty()) report.notes.push_back(p.gguf_name + ": " + choice.note);
        if (p.gguf_name == "rope_freqs.weight")
            job->generated = llama3_rope_freq_factors(c.llama3, c.rope_theta, c.head_dim);
        job->plan = p;
        auto bytes = ggml_row_bytes(job->type, p.ne[0]);
        uint64_t rows = 1;
        for (size_t i = 1; i < p.ne.size(); ++i) rows *= p.ne[i];
        report.tensor_bytes += bytes ? *bytes * rows : 0;
        RWB_RETURN_IF_ERROR(
            w.add_tensor(p.gguf_name, job->type, p.ne,
                         [job](std::span<uint8_t> out) { return produce_tensor(*job, out); }));
        ++report.n_tensors;
    }
    RWB_RETURN_IF_ERROR(w.write(opts.out_path).with_context("writing " + opts.out_path));
    return report;
}

} // namespace rwb::convert
