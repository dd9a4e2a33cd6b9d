#version 450
// Pass 2 of the correlation for CPU Vulkan devices (lavapipe): the same
// C = Z Z^T as correlation.comp, one dot product per invocation, no shared
// memory and no barrier. On a CPU device shared memory is ordinary memory
// and every barrier splits the shader into coroutines (llvmpipe), so the
// tiled kernel is the slow one there (docs/gpu.md "Kernels").
layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) readonly buffer z_buf { REAL z[]; };
layout(std430, binding = 1) writeonly buffer c_buf { REAL c[]; };
layout(push_constant) uniform params { uint n; uint w; } pc;

void main() {
  uint j = gl_GlobalInvocationID.x;
  uint i = gl_GlobalInvocationID.y;
  if (i >= pc.n || j >= pc.n || j < i)
    return;
  REAL acc = REAL(0);
  uint a = i * pc.w, b = j * pc.w;
  for (uint t = 0u; t < pc.w; ++t)
    acc += z[a + t] * z[b + t];
  REAL v = i == j ? REAL(1) : clamp(acc, REAL(-1), REAL(1));
  c[i * pc.n + j] = v;
  c[j * pc.n + i] = v;
}
