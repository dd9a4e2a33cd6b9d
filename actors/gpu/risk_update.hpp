#pragma once
// One update of the GPU risk worker, CAF-free: from a snapshot of the
// return window and the positions to a correlation_report and a var_report
// (messages/gpu.hpp). The actor takes the snapshot on its own thread and
// runs compute() on the compute thread (common/serial_worker).

#include <optional>
#include <string>
#include <vector>

#include "actors/gpu/gpu_settings.hpp"
#include "actors/gpu/risk_engine.hpp"
#include "messages/gpu.hpp"

namespace cwts::gpu {

struct update_input {
  node_id node;
  timestamp_ns ts;
  std::vector<symbol> symbols;
  std::vector<double> returns; // row-major N x w
  size_t w = 0;
  std::vector<double> exposure; // quote notional per symbol (position x last price)
};

struct update_output {
  std::optional<correlation_report> correlation;
  std::optional<var_report> var;
  std::string error; // why a report is missing
};

// Exposures: position quantity x last price, by symbol order of `symbols`;
// positions of other symbols are ignored (not in the risk universe).
std::vector<double> exposures(const std::vector<symbol>& symbols, const std::vector<double>& prices,
                              const std::vector<std::pair<symbol, double>>& positions);

update_output compute_update(risk_engine& engine, const gpu_settings& s, const update_input& in);

} // namespace cwts::gpu
