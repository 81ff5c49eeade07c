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
    // n normal values with the given mean and std (Box-Muller, two values per pair of uniforms).
    void fill(float* out, int64_t n, float mean, float std) {
        constexpr double kTwoPi = 6.283185307179586;
        for (int64_t i = 0; i < n; i += 2) {
            // u1 in (0, 1]: never log(0)
            const double u1 = (double(next() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
            const double u2 = double(next() >> 11) * (1.0 / 9007199254740992.0);
            const double r = std::sqrt(-2.0 * std::log(u1));
            out[i] = mean + std * float(r * std::cos(kTwoPi * u2));
            if (i + 1 < n) out[i + 1] = mean + std * float(r * std::sin(kTwoPi * u2));
        }
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

} // namespace rwb::quant
