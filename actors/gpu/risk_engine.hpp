#pragma once
// Picks the compute backend at start (backend.hpp), then computes the
// correlation matrix and VaR / ES on it, timing each kernel. A Vulkan
// backend that fails at run time (device lost, out of memory) is replaced by
// the native one, with the reason kept: risk numbers keep coming.
// CAF-free; used from one thread at a time.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/gpu/backend.hpp"
#include "actors/gpu/compute_backend.hpp"
#include "actors/gpu/risk_math.hpp"

namespace cwts::gpu {

struct engine_config {
  backend_request request = backend_request::automatic;
  // false: the float32 shaders even where the device has shaderFloat64.
  bool allow_float64 = true;
};

struct var_input {
  std::vector<double> exposure; // quote notional per symbol (signed)
  std::vector<double> returns;  // row-major N x W log returns of the window
  size_t w = 0;
  std::vector<double> corr;  // N x N, from correlation()
  std::vector<double> stdev; // N, per bucket
  double horizon = 1;        // in buckets
  uint64_t paths = 0;
  uint64_t seed = 0;
  std::vector<double> confidence; // each in (0, 1)
};

struct var_output {
  std::vector<tail> monte_carlo; // per confidence
  std::vector<tail> historical;  // per confidence
  size_t dropped_factors = 0;    // Cholesky columns zeroed (degenerate series)
};

class risk_engine {
public:
  explicit risk_engine(engine_config cfg);
  ~risk_engine();

  const backend_choice& choice() const { return choice_; }
  const std::vector<device_info>& devices() const { return devices_; }
  const device_info* chosen_device() const;
  bool double_precision() const { return backend_->double_precision(); }

  // False with `error` on bad input (sizes); a device failure falls back.
  bool correlation(const std::vector<double>& returns, size_t n, size_t w, correlation_output& out,
                   std::string& error);
  bool var(const var_input& in, var_output& out, std::string& error);

  int64_t last_correlation_ns() const { return correlation_ns_; }
  int64_t last_var_ns() const { return var_ns_; }
  int64_t fallbacks() const { return fallbacks_; }

private:
  void fall_back(const std::string& why);

  engine_config cfg_;
  std::vector<device_info> devices_;
  backend_choice choice_;
  std::unique_ptr<compute_backend> backend_;
  int64_t correlation_ns_ = 0;
  int64_t var_ns_ = 0;
  int64_t fallbacks_ = 0;
};

} // namespace cwts::gpu
