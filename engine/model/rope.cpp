// Frequencies in double: at 32k positions a float angle would lose several digits.
#include "model/rope.h"

#include <cmath>
#include <numbers>

namespace rwb::model {

std::vector<float> llama3_rope_divisors(const HParams& hp) {
    const auto& s = hp.rope_scaling;
    const int64_t half = hp.n_rot / 2;
    std::vector<float> div(size_t(half), 1.0f);
    const double low_wavelen = s.original_context / s.low_freq_factor;
    const double high_wavelen = s.original_context / s.high_freq_factor;
    for (int64_t i = 0; i < half; ++i) {
        const double freq = std::pow(hp.rope_base, -2.0 * double(i) / double(hp.n_rot));
        const double wavelen = 2.0 * std::numbers::pi / freq;
        if (wavelen < high_wavelen) {
            div[size_t(i)] = 1.0f;
        } else if (wavelen > low_wavelen) {
            div[size_t(i)] = float(s.factor);
        } else {
            // Smooth interpolation between scaled and unscaled frequency (Llama 3.1 recipe).
            const double smooth = (s.original_context / wavelen - s.low_freq_factor) /
                                  (s.high_freq_factor - s.low_freq_factor);
            div[size_t(i)] = float(1.0 / ((1.0 - smooth) / s.factor + smooth));
        }
    }
    return div;
}

RopeTable make_rope_table(const HParams& hp, const std::vector<float>& rope_freqs) {
    RopeTable t;
    t.pairing = hp.pairing;
    t.n_rot = hp.n_rot;
    const int64_t half = hp.n_rot / 2;
    std::vector<float> div = rope_freqs;
    if (div.empty() && hp.rope_scaling.type == "llama3") div = llama3_rope_divisors(hp);
    const double linear = hp.rope_scaling.type == "linear" ? 1.0 / hp.rope_scaling.factor : 1.0;
    t.inv_freq.resize(size_t(half));
    for (int64_t i = 0; i < half; ++i) {
        double f = std::pow(hp.rope_base, -2.0 * double(i) / double(hp.n_rot)) * linear;
        if (!div.empty()) f /= double(div[size_t(i)]);
        t.inv_freq[size_t(i)] = f;
    }
    return t;
}

} // namespace rwb::model
