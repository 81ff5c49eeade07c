// `rwb quantize`: converts every tensor of a GGUF model to the types a quantization mix chooses,
// copying all metadata (general.file_type updated). Tensors are streamed one at a time through
// GgufWriter producers and converted in row chunks, so memory stays bounded for any model size.
#pragma once

#include "quant/quant_mix.h"
#include "rwb/status.h"

#include <string>
#include <vector>

namespace rwb::quant {

struct QuantizeOptions {
    int threads = 0;      // <= 0: all hardware threads
    bool progress = true; // one line per tensor on stderr
};

struct QuantizeSummary {
    std::vector<std::string> warnings; // requantization, fallbacks
    uint64_t input_tensor_bytes = 0;
    uint64_t output_tensor_bytes = 0;
    size_t tensors = 0;
};

Result<QuantizeSummary> quantize_model(const std::string& input, const std::string& output,
                                       const QuantMix& mix, const QuantizeOptions& opts);

} // namespace rwb::quant
