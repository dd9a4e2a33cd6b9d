#include "actors/gpu/risk_engine.hpp"

#include <chrono>
#include <cmath>

#include "actors/gpu/vulkan_device.hpp"

namespace cwts::gpu {

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace

risk_engine::risk_engine(engine_config cfg) : cfg_(cfg) {
  std::string vk_error;
  std::shared_ptr<vulkan_instance> instance;
  if (cfg.request != backend_request::native) {
    instance = vulkan_instance::create(vk_error);
    if (instance)
      devices_ = instance->devices();
  }
  choice_ = choose_backend(cfg.request, devices_, vk_error);
  if (auto* d = chosen_device()) {
    std::string error;
    backend_ = make_vulkan_backend(instance, *d, d->shader_float64 && cfg.allow_float64, error);
    if (!backend_)
      choice_ = backend_choice{backend_kind::native, std::nullopt, "native C++",
                               std::string(to_string(choice_.kind)) + " device '" + d->name
                                 + "' failed to open: " + error};
  }
  if (!backend_)
    backend_ = make_native_backend();
}

risk_engine::~risk_engine() = default;

const device_info* risk_engine::chosen_device() const {
  if (!choice_.device_index)
    return nullptr;
  for (auto& d : devices_)
    if (d.index == *choice_.device_index)
      return &d;
  return nullptr;
}

void risk_engine::fall_back(const std::string& why) {
  ++fallbacks_;
  choice_ = backend_choice{backend_kind::native, std::nullopt, "native C++",
                           std::string(to_string(choice_.kind)) + " failed at run time: " + why};
  backend_ = make_native_backend();
}

bool risk_engine::correlation(const std::vector<double>& returns, size_t n, size_t w,
                              correlation_output& out, std::string& error) {
  if (n == 0 || w < 2 || returns.size() != n * w) {
    error = "correlation needs N >= 1 series of W >= 2 returns (got N=" + std::to_string(n)
            + " W=" + std::to_string(w) + ", " + std::to_string(returns.size()) + " values)";
    return false;
  }
  auto start = now_ns();
  std::string device_error;
  if (!backend_->correlate(returns, n, w, out, device_error)) {
    fall_back(device_error);
    backend_->correlate(returns, n, w, out, device_error);
  }
  correlation_ns_ = now_ns() - start;
  return true;
}

bool risk_engine::var(const var_input& in, var_output& out, std::string& error) {
  size_t n = in.exposure.size();
  if (n == 0 || n > max_var_symbols || in.corr.size() != n * n || in.stdev.size() != n
      || in.returns.size() != n * in.w || in.w < 2) {
    error = "var needs 1.." + std::to_string(max_var_symbols)
            + " symbols with an N x N correlation, N deviations and N x W returns";
    return false;
  }
  if (in.paths < 1 || in.paths > max_var_paths || !(in.horizon > 0)) {
    error = "var needs 1.." + std::to_string(max_var_paths) + " paths and a positive horizon";
    return false;
  }
  for (double c : in.confidence)
    if (!(c > 0 && c < 1)) {
      error = "confidence " + std::to_string(c) + " is not within (0, 1)";
      return false;
    }
  auto start = now_ns();
  auto chol = covariance(in.corr, in.stdev, in.horizon);
  out.dropped_factors = cholesky_psd(chol, n);
  std::vector<double> pnl;
  std::string device_error;
  if (!backend_->simulate_pnl(chol, in.exposure, in.paths, in.seed, pnl, device_error)) {
    fall_back(device_error);
    backend_->simulate_pnl(chol, in.exposure, in.paths, in.seed, pnl, device_error);
  }
  out.monte_carlo.clear();
  for (double c : in.confidence)
    out.monte_carlo.push_back(loss_tail(pnl, c));
  var_ns_ = now_ns() - start;
  auto hist = historical_pnl(in.returns, n, in.w, in.exposure, in.horizon);
  out.historical.clear();
  for (double c : in.confidence)
    out.historical.push_back(loss_tail(hist, c));
  return true;
}

} // namespace cwts::gpu
