// convert_hf_to_gguf while this build lacks the GGUF writer, the tokenizer.json reader or the
// quantization mixes (see CMakeLists.txt): a clear error instead of a link failure.
#include "convert/convert_hf.h"

namespace rwb::convert {

std::string convert_type_names() {
    return "f32, f16, bf16, q8_0, q4_0, q4_k, q5_k, q6_k, q4_k_m, q5_k_m";
}

Result<ConvertReport> convert_hf_to_gguf(const ConvertOptions&) {
    return Result<ConvertReport>::error("not available in this build yet (needs the GGUF writer)");
}

} // namespace rwb::convert
