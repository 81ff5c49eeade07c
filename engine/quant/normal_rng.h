// Fast reproducible normal random numbers for synthetic weights: xoshiro256** seeded through
// splitmix64 (so any 64-bit key gives an independent stream), Box-Muller for the normals.
#pragma once

#include <cmath>
#include <cstdint>

namespace rwb::quant {

inline uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

class NormalRng {
public:
    explicit NormalRng(uint64_t key) {
        for (auto& w : s_) w = splitmix64(key);
    }
    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // n normal values with the given mean and std (Box-Muller, two values per pair of uniforms;
    // float math: 23-bit uniforms are plenty for synthetic weights and much faster than double).
    // |z| is kept >= 1e-4 standard deviations so no weight is exactly zero, even after F16
    // rounding (a distortion of the distribution far below anything measurable).
    void fill(float* out, int64_t n, float mean, float std) {
        constexpr float kTwoPi = 6.2831853f;
        constexpr float kInv23 = 1.0f / 8388608.0f;
        constexpr float kMinZ = 1e-4f;
        for (int64_t i = 0; i < n; i += 2) {
            const uint64_t bits = next();
            // u1 in [2^-24, 1 - 2^-24]: log(u1) is finite and non-zero
            const float u1 = (float(bits >> 41) + 0.5f) * kInv23;
            const float u2 = float((bits >> 8) & 0x7FFFFFu) * kInv23;
            const float r = std::sqrt(-2.0f * std::log(u1));
            const float a = kTwoPi * u2;
            float z1 = r * std::cos(a), z2 = r * std::sin(a);
            if (std::fabs(z1) < kMinZ) z1 = std::copysign(kMinZ, z1);
            if (std::fabs(z2) < kMinZ) z2 = std::copysign(kMinZ, z2);
            out[i] = mean + std * z1;
            if (i + 1 < n) out[i + 1] = mean + std * z2;
        }
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

} // namespace rwb::quant
