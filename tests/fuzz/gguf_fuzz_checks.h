// What the fuzzer and the replay test demand of every parse: an opened file is consistent
// (every accessor answers, every tensor's bytes lie inside the image); a refused one says why
// in exactly one non-empty line starting "gguf: ". Returns an empty string when all holds.
#pragma once

#include "gguf/gguf_file.h"
#include "gguf/gguf_metadata.h"

#include <string>

namespace gguf_fuzz {

inline std::string check_opened(const rwb::gguf::GgufFile& f) {
    using namespace rwb::gguf;
    if (f.data_offset() % f.alignment() != 0) return "data offset not aligned";
    volatile uint64_t sink = 0;
    for (const auto& e : f.metadata()) {
        // Every accessor must answer without crashing, whatever the type.
        sink = sink + f.get_string(e.key).is_ok() + f.get_uint(e.key).is_ok() +
               f.get_int(e.key).is_ok() + f.get_float(e.key).is_ok() + f.get_bool(e.key).is_ok() +
               f.get_string_array(e.key).is_ok() + f.get_int_array(e.key).is_ok() +
               f.get_float_array(e.key).is_ok() + e.value.array_size();
        if (f.find(e.key) != &e.value) return "find() does not return the first entry";
    }
    const uint8_t* begin = f.mapped_data();
    const uint8_t* end = begin + f.file_size();
    for (const auto& t : f.tensors()) {
        const uint8_t* p = f.tensor_data(t);
        if (p < begin + f.data_offset() || t.n_bytes > uint64_t(end - p))
            return "tensor '" + t.name + "' outside the file";
        sink = sink + p[0] + p[t.n_bytes - 1]; // the sanitizers check these reads
        if (f.find_tensor(t.name) != &t) return "find_tensor('" + t.name + "') is wrong";
        if (t.offset % f.alignment() != 0) return "tensor '" + t.name + "' misaligned";
    }
    sink = sink + parameter_count(f) + file_type(f).value_or(0) + (chat_template(f) ? 1 : 0) +
           arch_uint(f, "context_length").is_ok();
    return {};
}

inline std::string check_refused(const std::string& message) {
    if (message.rfind("gguf: ", 0) != 0) return "message does not start with 'gguf: '";
    if (message.size() <= 6) return "empty message";
    if (message.find('\n') != std::string::npos) return "message has more than one line";
    if (message.size() > 1000) return "message longer than 1000 characters";
    return {};
}

} // namespace gguf_fuzz
