#pragma once
// Host side of the Monte-Carlo path generator in shaders/var_paths.comp:
// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
// 3", SC'11), a counter-based RNG: the normals of path p, block b are a pure
// function of (seed, p, b), so any backend, any thread count and any batch
// split draws the same numbers. Box-Muller runs in float32 as the shader
// does (GLSL has no double log/cos); the rest is double.

#include <array>
#include <cmath>
#include <cstdint>

namespace cwts::gpu {

using philox_block = std::array<uint32_t, 4>;

inline philox_block philox_round(philox_block c, uint32_t k0, uint32_t k1) {
  uint64_t p0 = uint64_t{0xD2511F53u} * c[0];
  uint64_t p1 = uint64_t{0xCD9E8D57u} * c[2];
  auto hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
  auto hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
  return {hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0};
}

inline philox_block philox4x32_10(philox_block c, uint64_t seed) {
  auto k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  c = philox_round(c, k0, k1);
  for (int r = 1; r < 10; ++r) {
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
    c = philox_round(c, k0, k1);
  }
  return c;
}

// 24 random bits -> (0, 1), exactly representable in float.
inline float unit_open(uint32_t bits) {
  return (static_cast<float>(bits >> 8) + 0.5f) * (1.0f / 16777216.0f);
}

inline std::array<float, 4> normals(const philox_block& b) {
  constexpr float two_pi = 6.28318530717958647692f;
  float r0 = std::sqrt(-2.0f * std::log(unit_open(b[0])));
  float t0 = two_pi * unit_open(b[1]);
  float r1 = std::sqrt(-2.0f * std::log(unit_open(b[2])));
  float t1 = two_pi * unit_open(b[3]);
  return {r0 * std::cos(t0), r0 * std::sin(t0), r1 * std::cos(t1), r1 * std::sin(t1)};
}

// exp(x) - 1 as the shader computes it (Taylor series to r^14/14! after
// reduction by ln 2, reciprocals from a table), so native and Vulkan
// revalue a path the same way.
template <class Real>
Real expm1_series(Real r) {
  static constexpr Real inv_k[15] = {
    Real(0.0), Real(1.0), Real(0.5), Real(0.33333333333333333333), Real(0.25), Real(0.2),
    Real(0.16666666666666666667), Real(0.14285714285714285714), Real(0.125),
    Real(0.11111111111111111111), Real(0.1), Real(0.090909090909090909091),
    Real(0.083333333333333333333), Real(0.076923076923076923077), Real(0.071428571428571428571)};
  Real s = 1;
  for (int k = 14; k >= 2; --k)
    s = Real(1) + s * r * inv_k[k];
  return r * s;
}

template <class Real>
Real expm1_reduced(Real x) {
  constexpr Real ln2 = Real(0.69314718055994530942);
  if (std::abs(x) <= Real(0.5))
    return expm1_series(x);
  x = std::fmin(std::fmax(x, Real(-700)), Real(700));
  Real k = std::floor(x / ln2 + Real(0.5));
  Real r = x - k * ln2;
  return std::ldexp(expm1_series(r) + Real(1), static_cast<int>(k)) - Real(1);
}

} // namespace cwts::gpu
