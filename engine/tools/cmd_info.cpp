// rwb info: what a GGUF file holds, without loading the weights: architecture, file type,
// parameter count, tensor types, hyper-parameters, tokenizer and special tokens, chat template,
// layout. --json prints the same as one JSON object; --tensors and --metadata list everything.
#include "cli_args.h"
#include "commands.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_metadata.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <optional>

namespace rwb::cli {

namespace {

using gguf::GgufFile;
using gguf::Value;
using gguf::ValueType;
using nlohmann::json;

const std::vector<OptionSpec> kSpecs = {
    {{"--json"}, false, "print one JSON object instead of text"},
    {{"--tensors"}, false, "also list every tensor: name, type, shape, offset, bytes"},
    {{"--metadata"}, false, "also list every metadata key (long arrays abbreviated)"},
    {{"-h", "--help"}, false, "show this help"},
};

// Special tokens shown, with llama.cpp's key names.
const std::pair<const char*, const char*> kSpecialTokenKeys[] = {
    {"bos", "bos_token_id"},     {"eos", "eos_token_id"},     {"eot", "eot_token_id"},
    {"pad", "padding_token_id"}, {"unk", "unknown_token_id"},
};

// Control bytes escaped so one token's text stays on one line.
std::string printable(const std::string& s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u == '\n')
            out += "\\n";
        else if (u == '\t')
            out += "\\t";
        else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

// A scalar or (for per-layer values) an array of integers as JSON; null when absent.
json number_json(const Value* v) {
    if (!v) return nullptr;
    switch (v->type) {
    case ValueType::UINT8:
    case ValueType::UINT16:
    case ValueType::UINT32:
    case ValueType::UINT64:
    case ValueType::BOOL:
        return v->u;
    case ValueType::INT8:
    case ValueType::INT16:
    case ValueType::INT32:
    case ValueType::INT64:
        return v->i;
    case ValueType::FLOAT32:
    case ValueType::FLOAT64:
        return v->f;
    case ValueType::ARRAY:
        if (v->elem_type == ValueType::FLOAT32 || v->elem_type == ValueType::FLOAT64)
            return v->floats;
        if (v->elem_type != ValueType::STRING && v->elem_type != ValueType::ARRAY) return v->ints;
        return nullptr;
    default:
        return nullptr;
    }
}

std::string json_text(const json& j) {
    if (j.is_null()) return "(not set)";
    if (j.is_array()) {
        if (j.empty()) return "[]";
        return "per layer " + j.front().dump() + ".." + j.back().dump() + " (" +
               std::to_string(j.size()) + " values)";
    }
    return j.dump();
}

// Short text of any metadata value for --metadata.
std::string value_text(const Value& v) {
    switch (v.type) {
    case ValueType::STRING:
        return "\"" + printable(v.s.size() > 120 ? v.s.substr(0, 120) + "..." : v.s) + "\"";
    case ValueType::ARRAY: {
        std::string out = "[" + std::string(gguf::value_type_name(v.elem_type)) + " x " +
                          std::to_string(v.array_size()) + "]";
        if (v.elem_type == ValueType::STRING && !v.strings.empty())
            out += " \"" + printable(v.strings.front()) + "\", ...";
        return out;
    }
    default:
        return number_json(&v).dump();
    }
}

json summary(const GgufFile& f) {
    json j;
    j["path"] = f.path();
    j["file_size"] = f.file_size();
    j["gguf_version"] = f.version();
    j["alignment"] = f.alignment();
    j["data_offset"] = f.data_offset();
    j["metadata_count"] = f.metadata().size();
    auto arch = gguf::architecture(f);
    j["architecture"] = arch ? json(*arch) : json(nullptr);
    auto name = f.get_string("general.name");
    j["name"] = name ? json(*name) : json(nullptr);
    if (auto ft = gguf::file_type(f))
        j["file_type"] = {{"id", *ft}, {"name", gguf::file_type_name(*ft)}};
    else
        j["file_type"] = nullptr;
    const uint64_t params = gguf::parameter_count(f);
    j["parameters"] = params;
    j["parameters_human"] = gguf::human_count(params);
    j["tensor_count"] = f.tensors().size();

    std::map<std::string, std::pair<uint64_t, uint64_t>> by_type; // count, bytes
    uint64_t tensor_bytes = 0;
    for (const auto& t : f.tensors()) {
        auto& e = by_type[std::string(ggml_type_name(t.type))];
        e.first += 1;
        e.second += t.n_bytes;
        tensor_bytes += t.n_bytes;
    }
    j["tensor_bytes"] = tensor_bytes;
    json types = json::array();
    for (const auto& [type, e] : by_type)
        types.push_back({{"type", type}, {"count", e.first}, {"bytes", e.second}});
    j["tensor_types"] = types;

    for (const char* key :
         {"context_length", "embedding_length", "block_count", "feed_forward_length",
          "attention.head_count", "attention.head_count_kv"})
        j["hparams"][key] = number_json(gguf::arch_key(f, key));

    const Value* tokens = f.find("tokenizer.ggml.tokens");
    const bool have_tokens =
        tokens && tokens->type == ValueType::ARRAY && tokens->elem_type == ValueType::STRING;
    j["vocab_size"] = have_tokens ? json(tokens->strings.size()) : json(nullptr);
    auto model = f.get_string("tokenizer.ggml.model");
    auto pre = f.get_string("tokenizer.ggml.pre");
    j["tokenizer_model"] = model ? json(*model) : json(nullptr);
    j["tokenizer_pre"] = pre ? json(*pre) : json(nullptr);
    json special = json::object();
    for (const auto& [which, key] : kSpecialTokenKeys) {
        auto id = f.get_uint(std::string("tokenizer.ggml.") + key);
        if (!id) {
            special[which] = nullptr;
            continue;
        }
        json s = {{"id", *id}};
        if (have_tokens && *id < tokens->strings.size())
            s["text"] = tokens->strings[*id];
        else
            s["text"] = nullptr;
        special[which] = s;
    }
    j["special_tokens"] = special;
    auto tmpl = gguf::chat_template(f);
    j["chat_template"] = {{"present", tmpl.has_value()},
                          {"length", tmpl ? json(tmpl->size()) : json(nullptr)}};
    return j;
}

json tensors_json(const GgufFile& f) {
    json out = json::array();
    for (const auto& t : f.tensors())
        out.push_back({{"name", t.name},
                       {"type", std::string(ggml_type_name(t.type))},
                       {"ne", t.ne},
                       {"offset", f.data_offset() + t.offset},
                       {"bytes", t.n_bytes}});
    return out;
}

void print_text(const GgufFile& f, const json& j, bool list_tensors, bool list_metadata) {
    auto line = [](const char* label, const std::string& value) {
        std::printf("%-18s %s\n", label, value.c_str());
    };
    auto str = [](const json& v) {
        return v.is_null() ? std::string("(not set)") : v.get<std::string>();
    };
    line("file:", f.path());
    line("file size:",
         gguf::human_bytes(f.file_size()) + " (" + std::to_string(f.file_size()) + " bytes)");
    line("GGUF version:", std::to_string(f.version()));
    line("alignment:", std::to_string(f.alignment()));
    line("data offset:", std::to_string(f.data_offset()));
    line("architecture:", str(j["architecture"]));
    if (!j["name"].is_null()) line("name:", str(j["name"]));
    const json& ft = j["file_type"];
    line("file type:", ft.is_null() ? "(not set)"
                                    : ft["name"].get<std::string>() + " (" +
                                          std::to_string(ft["id"].get<uint32_t>()) + ")");
    line("parameters:", j["parameters_human"].get<std::string>() + " (" +
                            std::to_string(j["parameters"].get<uint64_t>()) + ")");
    line("tensors:", std::to_string(f.tensors().size()) + ", " +
                         gguf::human_bytes(j["tensor_bytes"].get<uint64_t>()));
    for (const auto& t : j["tensor_types"])
        std::printf("  %-8s %5llu tensors  %s\n", t["type"].get<std::string>().c_str(),
                    static_cast<unsigned long long>(t["count"].get<uint64_t>()),
                    gguf::human_bytes(t["bytes"].get<uint64_t>()).c_str());
    const json& h = j["hparams"];
    line("context length:", json_text(h["context_length"]));
    line("embedding length:", json_text(h["embedding_length"]));
    line("layers:", json_text(h["block_count"]));
    line("feed forward:", json_text(h["feed_forward_length"]));
    line("heads:", json_text(h["attention.head_count"]));
    line("kv heads:", json_text(h["attention.head_count_kv"]));
    line("vocabulary size:", json_text(j["vocab_size"]));
    line("tokenizer:", str(j["tokenizer_model"]) + " (pre: " + str(j["tokenizer_pre"]) + ")");
    for (const auto& [which, key] : kSpecialTokenKeys) {
        const json& s = j["special_tokens"][which];
        std::string label = std::string(which) + " token:";
        if (s.is_null())
            line(label.c_str(), "(not set)");
        else
            line(label.c_str(),
                 std::to_string(s["id"].get<uint64_t>()) + " " +
                     (s["text"].is_null() ? std::string("(out of vocabulary)")
                                          : "'" + printable(s["text"].get<std::string>()) + "'"));
    }
    const json& ct = j["chat_template"];
    line("chat template:",
         ct["present"].get<bool>()
             ? "present (" + std::to_string(ct["length"].get<uint64_t>()) + " bytes)"
             : "none");
    if (list_metadata) {
        std::printf("metadata (%zu keys):\n", f.metadata().size());
        for (const auto& e : f.metadata())
            std::printf("  %-44s %-8s %s\n", printable(e.key).c_str(),
                        std::string(gguf::value_type_name(e.value.type)).c_str(),
                        value_text(e.value).c_str());
    }
    if (list_tensors) {
        std::printf("tensors (%zu):\n", f.tensors().size());
        for (const auto& t : f.tensors()) {
            std::string shape;
            for (uint64_t d : t.ne) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
            std::printf("  %-40s %-8s %-22s offset %-12llu %s\n", printable(t.name).c_str(),
                        std::string(ggml_type_name(t.type)).c_str(), shape.c_str(),
                        static_cast<unsigned long long>(f.data_offset() + t.offset),
                        gguf::human_bytes(t.n_bytes).c_str());
        }
    }
}

} // namespace

int cmd_info(int argc, char** argv) {
    auto args = CliArgs::parse(argc, argv, kSpecs);
    if (!args) return fail("info", args.message());
    if (args->has("--help")) {
        std::fputs(
            format_help("rwb info FILE.gguf [--json] [--tensors] [--metadata]", kSpecs).c_str(),
            stdout);
        return 0;
    }
    if (args->positional().empty()) return fail("info", "no file given (rwb info FILE.gguf)");
    if (args->positional().size() > 1)
        return fail("info", "unexpected argument '" + args->positional()[1] + "' (see --help)");
    auto file = GgufFile::open(args->positional().front());
    if (!file) return fail("info", file.message());
    const GgufFile& f = **file;
    json j = summary(f);
    if (args->has("--json")) {
        if (args->has("--tensors")) j["tensors"] = tensors_json(f);
        if (args->has("--metadata")) {
            json m = json::object();
            for (const auto& e : f.metadata()) m[e.key] = value_text(e.value);
            j["metadata"] = m;
        }
        std::puts(j.dump(2, ' ', false, json::error_handler_t::replace).c_str());
        return 0;
    }
    print_text(f, j, args->has("--tensors"), args->has("--metadata"));
    return 0;
}

} // namespace rwb::cli
