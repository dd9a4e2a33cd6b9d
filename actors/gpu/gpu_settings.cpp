#include "actors/gpu/gpu_settings.hpp"

#include <cmath>
#include <cstdlib>

#include "actors/gpu/compute_backend.hpp"

namespace cwts::gpu {

namespace {

bool in_range(const std::string& key, int64_t v, int64_t lo, int64_t hi, std::string& error) {
  if (v >= lo && v <= hi)
    return true;
  error = key + ": " + std::to_string(v) + " is outside " + std::to_string(lo) + ".."
          + std::to_string(hi);
  return false;
}

bool parse_number(const std::string& key, const std::string& text, double& out,
                  std::string& error) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  if (text.empty() || end == nullptr || *end != '\0' || !std::isfinite(out)) {
    error = key + ": '" + text + "' is not a number";
    return false;
  }
  return true;
}

} // namespace

bool parse_gpu_settings(const gpu_raw_options& raw, const std::vector<symbol>& venue_symbols,
                        gpu_settings& out, std::string& error) {
  out.enabled = raw.enabled;
  auto backend = parse_backend_request(raw.backend);
  if (!backend) {
    error = "gpu.backend: '" + raw.backend
            + "' is not one of auto, discrete, integrated, cpu-vulkan, native";
    return false;
  }
  out.backend = *backend;
  if (raw.precision != "auto" && raw.precision != "float32") {
    error = "gpu.precision: '" + raw.precision + "' is not auto or float32";
    return false;
  }
  out.allow_float64 = raw.precision == "auto";
  out.symbols.clear();
  for (auto& text : raw.symbols) {
    auto sym = symbol::parse(text);
    if (!sym) {
      error = "gpu.symbols: '" + text + "' is not an upper-case symbol of 1..15 characters";
      return false;
    }
    out.symbols.push_back(*sym);
  }
  if (out.symbols.empty())
    out.symbols = venue_symbols;
  if (!in_range("gpu.window", raw.window, 2, 100'000, error)
      || !in_range("gpu.bucket-ms", raw.bucket_ms, 1, 86'400'000, error)
      || !in_range("gpu.update-interval-ms", raw.update_interval_ms, 10, 3'600'000, error)
      || !in_range("gpu.horizon-ms", raw.horizon_ms, 1, 365LL * 86'400'000, error)
      || !in_range("gpu.paths", raw.paths, 1, static_cast<int64_t>(max_var_paths), error)
      || !in_range("gpu.seed", raw.seed, 0, INT64_MAX, error)
      || !in_range("gpu.var-kill-level", raw.var_kill_level, 1, 4, error))
    return false;
  out.window = static_cast<size_t>(raw.window);
  out.bucket = std::chrono::milliseconds(raw.bucket_ms);
  out.update_interval = std::chrono::milliseconds(raw.update_interval_ms);
  out.horizon = std::chrono::milliseconds(raw.horizon_ms);
  out.paths = static_cast<uint64_t>(raw.paths);
  out.seed = static_cast<uint64_t>(raw.seed);
  out.var_kill_level = static_cast<int32_t>(raw.var_kill_level);
  if (raw.confidence.empty()) {
    error = "gpu.confidence: at least one level";
    return false;
  }
  out.confidence.clear();
  for (auto& text : raw.confidence) {
    double c = 0;
    if (!parse_number("gpu.confidence", text, c, error))
      return false;
    if (!(c > 0 && c < 1)) {
      error = "gpu.confidence: " + text + " is not within (0, 1)";
      return false;
    }
    out.confidence.push_back(c);
  }
  if (!parse_number("gpu.var-limit", raw.var_limit, out.var_limit, error))
    return false;
  if (out.var_limit < 0) {
    error = "gpu.var-limit: " + raw.var_limit + " is negative (0: off)";
    return false;
  }
  return true;
}

} // namespace cwts::gpu
