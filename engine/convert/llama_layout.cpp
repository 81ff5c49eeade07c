// Llama Q/K row order and Llama 3.1 rope factors (see llama_layout.h).
#include "convert/llama_layout.h"

#include <cmath>

namespace rwb::convert {

int64_t llama_qk_source_row(int64_t row, int64_t head_dim) {
    const int64_t half = head_dim / 2;
    const int64_t head = row / head_dim;
    const int64_t r = row % head_dim; // r = 2 * i + j
    const int64_t i = r / 2;
    const int64_t j = r % 2;
    return head * head_dim + j * half + i;
}

std::vector<float> llama3_rope_freq_factors(const Llama3RopeScaling& s, double rope_theta,
                                            int64_t head_dim) {
    const float base = static_cast<float>(rope_theta);
    const float factor = static_cast<float>(s.factor);
    const float low = static_cast<float>(s.low_freq_factor);
    const float high = static_cast<float>(s.high_freq_factor);
    const float old_ctx = static_cast<float>(s.original_max_position_embeddings);
    const float low_freq_wavelen = old_ctx / low;
    const float high_freq_wavelen = old_ctx / high;
    const float two_pi = static_cast<float>(2.0 * M_PI);
    std::vector<float> out;
    for (int64_t k = 0; k < head_dim; k += 2) {
        const float freq =
            1.0f / std::pow(base, static_cast<float>(k) / static_cast<float>(head_dim));
        const float wavelen = two_pi / freq;
        if (wavelen < high_freq_wavelen) {
            out.push_back(1.0f);
        } else if (wavelen > low_freq_wavelen) {
            out.push_back(factor);
        } else {
            const float smooth = (old_ctx / wavelen - low) / (high - low);
            out.push_back(1.0f / ((1.0f - smooth) / factor + smooth));
        }
    }
    return out;
}

} // namespace rwb::convert
