// Small readers of well-known GGUF metadata used across the engine, the CLI and the UI:
// architecture, "<arch>.<name>" hyper-parameters, chat template, parameter count, file type.
#pragma once

#include "gguf/gguf_file.h"

#include <optional>
#include <string>
#include <string_view>

namespace rwb::gguf {

// "general.architecture" ("qwen2", "llama", ...).
Result<std::string> architecture(const GgufFile& file);

// "<arch>.<name>", e.g. arch_key_name(file, "context_length") = "qwen2.context_length";
// empty when the file names no architecture.
std::string arch_key_name(const GgufFile& file, std::string_view name);
// The value stored under "<arch>.<name>", or nullptr.
const Value* arch_key(const GgufFile& file, std::string_view name);
// "<arch>.<name>" as a non-negative integer / as a number; errors name the full key.
Result<uint64_t> arch_uint(const GgufFile& file, std::string_view name);
Result<double> arch_float(const GgufFile& file, std::string_view name);

// "tokenizer.chat_template", nullopt when absent (or not a string).
std::optional<std::string> chat_template(const GgufFile& file);

// Sum of the elements of every tensor.
uint64_t parameter_count(const GgufFile& file);
// "1.54 B", "494 M", "12.3 K", "999": counts as people read them.
std::string human_count(uint64_t n);
// "1.23 GiB", "4.0 MiB", "512 B".
std::string human_bytes(uint64_t n);

// "general.file_type" (llama.cpp's LLAMA_FTYPE numbering), nullopt when absent.
std::optional<uint32_t> file_type(const GgufFile& file);
// llama.cpp's name of a LLAMA_FTYPE value ("Q4_K_M", "F16", ...); "unknown (N)" otherwise.
std::string file_type_name(uint32_t ftype);

} // namespace rwb::gguf
