#version 450
// Monte-Carlo PnL of the positions, one invocation per path (docs/gpu.md):
//   z  = N standard normals from Philox4x32-10 (counter = path, block of 4;
//        key = seed), Box-Muller in float32 (GLSL has no double log/cos)
//   x  = L z, L the Cholesky factor of the covariance scaled to the horizon
//   pnl = sum_i exposure_i * (exp(x_i) - 1)   (full revaluation)
// The host (native backend) runs the same steps in the same order, so the
// PnL of a path agrees across backends up to float transcendental rounding.
layout(local_size_x = 64) in;
layout(constant_id = 0) const int max_n = 64; // symbols: private array size
layout(std430, binding = 0) readonly buffer chol_buf { REAL l_mat[]; };
layout(std430, binding = 1) readonly buffer exposure_buf { REAL e[]; };
layout(std430, binding = 2) writeonly buffer pnl_buf { REAL pnl[]; };
layout(push_constant) uniform params {
  uint n;
  uint paths;
  uint first_path;
  uint seed_lo;
  uint seed_hi;
} pc;

uvec4 philox_round(uvec4 c, uvec2 k) {
  uint hi0, lo0, hi1, lo1;
  umulExtended(0xD2511F53u, c.x, hi0, lo0);
  umulExtended(0xCD9E8D57u, c.z, hi1, lo1);
  return uvec4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
}

uvec4 philox4x32_10(uvec4 c, uvec2 k) {
  c = philox_round(c, k);
  for (int r = 1; r < 10; ++r) {
    k += uvec2(0x9E3779B9u, 0xBB67AE85u);
    c = philox_round(c, k);
  }
  return c;
}

// 24 random bits -> (0, 1), exactly representable in float.
float unit_open(uint bits) {
  return (float(bits >> 8) + 0.5) * (1.0 / 16777216.0);
}

vec4 normals(uvec4 b) {
  float r0 = sqrt(-2.0 * log(unit_open(b.x)));
  float t0 = 6.28318530717958647692 * unit_open(b.y);
  float r1 = sqrt(-2.0 * log(unit_open(b.z)));
  float t1 = 6.28318530717958647692 * unit_open(b.w);
  return vec4(r0 * cos(t0), r0 * sin(t0), r1 * cos(t1), r1 * sin(t1));
}

// exp(x) - 1 without cancellation for small x: Taylor series on |r| <= 0.5
// after reduction by multiples of ln 2 (GLSL has no double exp). Terms to
// r^14/14! (truncation below 1e-16 relative); reciprocals from a table, so
// the chain has no division. Double literals need the lf suffix, which a
// float shader must not carry (it would need the Float64 capability).
#ifdef REAL_IS_DOUBLE
const REAL inv_k[15] = REAL[](0.0lf, 1.0lf, 0.5lf, 0.33333333333333333333lf, 0.25lf, 0.2lf,
  0.16666666666666666667lf, 0.14285714285714285714lf, 0.125lf, 0.11111111111111111111lf, 0.1lf,
  0.090909090909090909091lf, 0.083333333333333333333lf, 0.076923076923076923077lf,
  0.071428571428571428571lf);
const REAL ln2 = 0.69314718055994530942lf;
#else
const REAL inv_k[15] = REAL[](0.0, 1.0, 0.5, 0.33333333333333333333, 0.25, 0.2,
  0.16666666666666666667, 0.14285714285714285714, 0.125, 0.11111111111111111111, 0.1,
  0.090909090909090909091, 0.083333333333333333333, 0.076923076923076923077,
  0.071428571428571428571);
const REAL ln2 = 0.69314718055994530942;
#endif

REAL expm1_series(REAL r) {
  REAL s = REAL(1);
  for (int k = 14; k >= 2; --k)
    s = REAL(1) + s * r * inv_k[k];
  return r * s;
}

REAL expm1_r(REAL x) {
  if (abs(x) <= REAL(0.5))
    return expm1_series(x);
  x = clamp(x, REAL(-700), REAL(700));
  REAL k = floor(x / ln2 + REAL(0.5));
  REAL r = x - k * ln2;
  return ldexp(expm1_series(r) + REAL(1), int(k)) - REAL(1);
}

void main() {
  uint p = gl_GlobalInvocationID.x;
  if (p >= pc.paths)
    return;
  uint n = pc.n;
  REAL x[max_n];
  for (uint i = 0u; i < n; ++i)
    x[i] = REAL(0);
  uvec2 key = uvec2(pc.seed_lo, pc.seed_hi);
  for (uint j0 = 0u; j0 < n; j0 += 4u) {
    vec4 g = normals(philox4x32_10(uvec4(pc.first_path + p, j0 / 4u, 0u, 0u), key));
    for (uint q = 0u; q < 4u && j0 + q < n; ++q) {
      uint j = j0 + q;
      REAL zj = REAL(g[q]);
      for (uint i = j; i < n; ++i)
        x[i] += l_mat[i * n + j] * zj;
    }
  }
  REAL total = REAL(0);
  for (uint i = 0u; i < n; ++i)
    total += e[i] * expm1_r(x[i]);
  pnl[p] = total;
}
