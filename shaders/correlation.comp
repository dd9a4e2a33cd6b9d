#version 450
// Pass 2 of the correlation: C = Z Z^T with Z the centred, unit-norm
// returns (standardize.comp), so C[i][j] is Pearson's r. Tiled: each 16x16
// workgroup stages a 16-wide slice of 16 rows of Z for both operands in
// shared memory, so every element of Z is read from global memory N/16
// times instead of N. Only blocks on or above the diagonal run; each writes
// its block and the mirrored one (C is symmetric).
layout(local_size_x = 16, local_size_y = 16) in;
layout(std430, binding = 0) readonly buffer z_buf { REAL z[]; };
layout(std430, binding = 1) writeonly buffer c_buf { REAL c[]; };
layout(push_constant) uniform params { uint n; uint w; } pc;

shared REAL tile_a[16][17]; // +1 column: no bank conflicts on the transposed read
shared REAL tile_b[16][17];

void main() {
  uvec2 g = gl_WorkGroupID.xy;
  if (g.x < g.y)
    return; // whole workgroup: uniform, before any barrier
  uint lx = gl_LocalInvocationID.x;
  uint ly = gl_LocalInvocationID.y;
  uint row_a = g.y * 16u + ly;
  uint row_b = g.x * 16u + ly;
  REAL acc = REAL(0);
  for (uint k0 = 0u; k0 < pc.w; k0 += 16u) {
    uint k = k0 + lx;
    tile_a[ly][lx] = (row_a < pc.n && k < pc.w) ? z[row_a * pc.w + k] : REAL(0);
    tile_b[ly][lx] = (row_b < pc.n && k < pc.w) ? z[row_b * pc.w + k] : REAL(0);
    barrier();
    for (uint kk = 0u; kk < 16u; ++kk)
      acc += tile_a[ly][kk] * tile_b[lx][kk];
    barrier();
  }
  uint i = g.y * 16u + ly;
  uint j = g.x * 16u + lx;
  if (i < pc.n && j < pc.n) {
    REAL v = i == j ? REAL(1) : clamp(acc, REAL(-1), REAL(1));
    c[i * pc.n + j] = v;
    c[j * pc.n + i] = v;
  }
}
