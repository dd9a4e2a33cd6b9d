#pragma once
// The two kernels every backend runs (docs/gpu.md "Kernels"):
//  - correlate: N series of W log returns -> N x N Pearson matrix (two-pass:
//    means, then centred sums; the matrix as Z Z^T of the standardized series)
//  - simulate_pnl: Monte-Carlo PnL of the exposures for `paths` paths with
//    correlated normal shocks x = L z (Philox4x32-10 + Box-Muller)
// The native backend is the reference; Vulkan backends run the GLSL in
// shaders/ and must agree with it within the tolerance stated in docs/gpu.md.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/gpu/backend.hpp"

namespace cwts::gpu {

class vulkan_instance;

struct correlation_output {
  std::vector<double> matrix; // row-major N x N
  std::vector<double> mean;   // per symbol, of its returns
  std::vector<double> stdev;  // sample standard deviation per symbol
};

class compute_backend {
public:
  virtual ~compute_backend() = default;

  // `returns` row-major N x W, W >= 2. False with `error` on a device failure.
  virtual bool correlate(const std::vector<double>& returns, size_t n, size_t w,
                         correlation_output& out, std::string& error) = 0;

  // `chol` row-major N x N lower-triangular factor of the horizon
  // covariance; `exposure` N quote notionals. pnl gets `paths` values.
  virtual bool simulate_pnl(const std::vector<double>& chol, const std::vector<double>& exposure,
                            uint64_t paths, uint64_t seed, std::vector<double>& pnl,
                            std::string& error) = 0;

  virtual bool double_precision() const = 0;
};

// Largest symbol count simulate_pnl takes (the shader keeps one path's
// shocks in a private array of this many values).
constexpr size_t max_var_symbols = 256;
// Largest path count of one simulation (one dispatch: 65535 groups of 64).
constexpr uint64_t max_var_paths = 4'000'000;

std::unique_ptr<compute_backend> make_native_backend();

// How the correlation's matrix product runs on a Vulkan device: tiled in
// shared memory (correlation.comp, for GPUs) or one dot product per
// invocation (correlation_direct.comp, for CPU devices, where barriers are
// what costs). Automatic: direct on a CPU device, tiled otherwise.
enum class correlation_kernel : uint8_t { automatic, tiled, direct };

// Null with `error` when the device cannot be opened or a pipeline fails to
// build. `use_float64` false runs the float32 shaders even on a device with
// shaderFloat64 (it must be true only where the device has it).
std::unique_ptr<compute_backend>
make_vulkan_backend(std::shared_ptr<vulkan_instance> instance, const device_info& device,
                    bool use_float64, std::string& error,
                    correlation_kernel kernel = correlation_kernel::automatic);

} // namespace cwts::gpu
