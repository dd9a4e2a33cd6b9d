#version 450
// Pass 1 of the correlation (docs/gpu.md): per symbol the mean of its log
// returns, then the centred sum of squares (two-pass: numerically stable,
// no E[x^2] - E[x]^2 cancellation), then the series centred and scaled to
// unit norm, so the Pearson matrix is Z Z^T (correlation.comp).
// REAL is double or float (glslc -DREAL=...). One workgroup per symbol.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer returns_buf { REAL r[]; };
layout(std430, binding = 1) writeonly buffer z_buf { REAL z[]; };
layout(std430, binding = 2) writeonly buffer stats_buf { REAL s[]; }; // mean, stdev per symbol
layout(push_constant) uniform params { uint n; uint w; } pc;

shared REAL part[64];

REAL reduce_sum(REAL v, uint l) {
  part[l] = v;
  barrier();
  for (uint half_n = 32u; half_n > 0u; half_n >>= 1) {
    if (l < half_n)
      part[l] += part[l + half_n];
    barrier();
  }
  REAL total = part[0];
  barrier();
  return total;
}

void main() {
  uint i = gl_WorkGroupID.x;
  uint l = gl_LocalInvocationID.x;
  if (i >= pc.n)
    return;
  uint base = i * pc.w;
  REAL acc = REAL(0);
  for (uint t = l; t < pc.w; t += 64u)
    acc += r[base + t];
  REAL mean = reduce_sum(acc, l) / REAL(pc.w);
  acc = REAL(0);
  for (uint t = l; t < pc.w; t += 64u) {
    REAL d = r[base + t] - mean;
    acc += d * d;
  }
  REAL ss = reduce_sum(acc, l);
  // A constant series has no direction: its z is 0 (correlation 0 with all).
  REAL inv = ss > REAL(0) ? REAL(1) / sqrt(ss) : REAL(0);
  for (uint t = l; t < pc.w; t += 64u)
    z[base + t] = (r[base + t] - mean) * inv;
  if (l == 0u) {
    s[2u * i] = mean;
    s[2u * i + 1u] = pc.w > 1u ? sqrt(ss / REAL(pc.w - 1u)) : REAL(0);
  }
}
