// The random numbers behind every simulation and resample in vigil's
// analyses, specified so that anyone can reproduce a published result on
// any machine and with any build (std:: distributions differ between
// standard libraries):
//
//   - generator: xoshiro256** 1.0 (Blackman and Vigna, 2018);
//   - seeding: the four state words are the first four outputs of
//     SplitMix64 started at the 64-bit seed;
//   - independent streams (per station, per replicate) are seeded with
//     SplitMix64's output for Stream(seed, index) below, so results never
//     depend on how work is split between threads;
//   - Uniform01(): the top 53 bits of the next output times 2^-53, in [0, 1);
//   - Below(n): Lemire's multiply-and-reject method on 64-bit outputs,
//     uniform on 0..n-1 without modulo bias.
#pragma once

#include <cstdint>

namespace vigil::analysis {

__extension__ using Uint128 = unsigned __int128;  // GCC and Clang; not ISO C++

// SplitMix64 (Steele, Lea and Flood 2014): one step from `state`.
constexpr std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The seed of stream `index` derived from `seed`.
constexpr std::uint64_t Stream(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t state = seed ^ (index * 0xd1b54a32d192ed03ULL);
  return SplitMix64(state);
}

class Random {
 public:
  explicit constexpr Random(std::uint64_t seed) {
    for (std::uint64_t& word : s_) word = SplitMix64(seed);
  }

  constexpr std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  constexpr double Uniform01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // REQUIRES: n > 0.
  std::uint64_t Below(std::uint64_t n) {
    Uint128 m = static_cast<Uint128>(Next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(Next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  static constexpr std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4] = {};
};

}  // namespace vigil::analysis
