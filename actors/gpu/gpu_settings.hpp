#pragma once
// [gpu] section of the node config (config/node.ini; docs/gpu.md "Config"),
// read as raw values by the node and validated here into typed settings; a
// bad value names its key and the reason.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/gpu/backend.hpp"
#include "messages/symbol.hpp"

namespace cwts::gpu {

struct gpu_settings {
  bool enabled = false;
  backend_request backend = backend_request::automatic;
  bool allow_float64 = true;  // precision = auto (float64 where the device has it) | float32
  std::vector<symbol> symbols; // empty in config: the [venue] symbols
  size_t window = 256;         // returns per symbol
  std::chrono::milliseconds bucket{1000};
  std::chrono::milliseconds update_interval{1000};
  std::vector<double> confidence{0.95, 0.99};
  std::chrono::milliseconds horizon{60'000};
  uint64_t paths = 100'000;
  uint64_t seed = 1;
  double var_limit = 0; // quote currency; 0: off. Read by risk.
  int32_t var_kill_level = 2;
};

struct gpu_raw_options {
  bool enabled = false;
  std::string backend = "auto";
  std::string precision = "auto";
  std::vector<std::string> symbols;
  int64_t window = 256;
  int64_t bucket_ms = 1000;
  int64_t update_interval_ms = 1000;
  std::vector<std::string> confidence{"0.95", "0.99"};
  int64_t horizon_ms = 60'000;
  int64_t paths = 100'000;
  int64_t seed = 1;
  std::string var_limit = "0";
  int64_t var_kill_level = 2;
};

bool parse_gpu_settings(const gpu_raw_options& raw, const std::vector<symbol>& venue_symbols,
                        gpu_settings& out, std::string& error);

} // namespace cwts::gpu
