// Writes a random-weight model of a given shape as GGUF, streaming: each tensor is generated
// (normal values from a fast counter-seeded PRNG, in parallel chunks) and quantized straight into
// the writer's buffer when the writer asks for it, so even a 70B model never sits in memory.
// Output is deterministic for a seed, whatever the thread count.
#pragma once

#include "quant/quant_mix.h"
#include "quant/synth_shape.h"
#include "rwb/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rwb::quant {

struct SynthPlanEntry {
    SynthTensor tensor;
    GgmlType type;
    uint64_t bytes;
};

std::vector<SynthPlanEntry> synth_plan(const SynthShape& shape, const QuantMix& mix);

struct SynthOptions {
    uint64_t seed = 1;
    int threads = 0;       // <= 0: all hardware threads
    bool progress = false; // one line per tensor on stderr
};

Status write_synth_model(const SynthShape& shape, const QuantMix& mix, const SynthOptions& opts,
                         const std::string& path);

// Standard deviations used for each kind of tensor (norms are 1 + N(0, kNormStd)).
constexpr float kMatrixStd = 0.02f;
constexpr float kNormStd = 0.02f;
constexpr float kBiasStd = 0.01f;

} // namespace rwb::quant
