#pragma once
// Every backend this machine has, for tests that compare them with the
// native reference: the native one, and each Vulkan device in float64 (when
// it has shaderFloat64) and float32, with the tiled and the direct
// correlation kernel. On CI that is lavapipe (llvmpipe).

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "actors/gpu/compute_backend.hpp"
#include "actors/gpu/vulkan_device.hpp"

namespace cwts::gpu::testing {

struct named_backend {
  std::string name;
  std::unique_ptr<compute_backend> backend;
  bool f64 = true;
};

inline std::vector<named_backend> vulkan_backends(std::string& why_none) {
  std::vector<named_backend> out;
  auto instance = vulkan_instance::create(why_none);
  if (!instance)
    return out;
  for (auto& d : instance->devices()) {
    if (!d.has_compute_queue || !d.kind)
      continue;
    // Both correlation kernels on every device: CI has only lavapipe, whose
    // automatic choice is the direct one; the tiled one must be checked too.
    for (bool f64 : {true, false})
      for (auto k : {correlation_kernel::tiled, correlation_kernel::direct}) {
        if (f64 && !d.shader_float64)
          continue;
        std::string error;
        auto b = make_vulkan_backend(instance, d, f64, error, k);
        auto name = d.name + (f64 ? " f64" : " f32")
                    + (k == correlation_kernel::tiled ? " tiled" : " direct");
        if (b)
          out.push_back({name, std::move(b), f64});
        else
          why_none += d.name + ": " + error + "; ";
      }
  }
  if (out.empty() && why_none.empty())
    why_none = "no Vulkan device with a compute queue";
  return out;
}

// N series of W returns with correlation `rho` between neighbours in a
// chain (x_i = rho x_{i-1} + sqrt(1-rho^2) e_i), scaled to `vol`.
inline std::vector<double> chained_returns(size_t n, size_t w, double rho, double vol,
                                           uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> r(n * w);
  for (size_t t = 0; t < w; ++t) {
    double prev = normal(gen);
    for (size_t i = 0; i < n; ++i) {
      double x = i == 0 ? prev : rho * prev + std::sqrt(1 - rho * rho) * normal(gen);
      r[i * w + t] = vol * x + 1e-5; // a drift: the mean must be taken out
      prev = x;
    }
  }
  return r;
}

} // namespace cwts::gpu::testing
