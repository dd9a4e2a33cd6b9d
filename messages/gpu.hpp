#pragma once
// What the GPU risk workers send to risk (docs/gpu.md): the rolling
// correlation matrix of log returns and the VaR / Expected Shortfall of the
// node's positions. Doubles are allowed here: analytics, never money that
// is booked (DESIGN.md §2).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"
#include "caf/meta/type_name.hpp"

namespace cwts {

struct correlation_report {
  node_id node;
  timestamp_ns ts;              // when it was computed (wall clock)
  std::vector<symbol> symbols;  // row/column order of `matrix`
  int32_t window = 0;           // returns per symbol it used
  int64_t bucket_ms = 0;        // one return per bucket
  std::vector<double> matrix;   // row-major N x N Pearson correlation
  std::vector<double> volatility; // sample stdev of each symbol's bucket returns
  std::string backend;          // "cpu-vulkan", "discrete", "native", ...
  std::string device;
  int64_t compute_ns = 0;       // kernel time, transfers included
};

struct var_report {
  node_id node;
  timestamp_ns ts;
  std::vector<symbol> symbols;
  std::vector<double> exposure;   // quote notional per symbol (signed)
  std::vector<double> confidence; // e.g. 0.95, 0.99
  std::vector<double> var;        // Monte-Carlo VaR per confidence (quote, loss > 0)
  std::vector<double> es;         // Monte-Carlo Expected Shortfall per confidence
  std::vector<double> hist_var;   // historical simulation over the window
  std::vector<double> hist_es;
  int64_t horizon_ms = 0;
  int64_t paths = 0;
  uint64_t seed = 0;
  int32_t window = 0;
  bool double_precision = true; // false: the device ran the float32 shaders
  std::string backend;
  std::string device;
  int64_t compute_ns = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, correlation_report& x) {
  return f(caf::meta::type_name("correlation_report"), x.node, x.ts, x.symbols, x.window,
           x.bucket_ms, x.matrix, x.volatility, x.backend, x.device, x.compute_ns);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, var_report& x) {
  return f(caf::meta::type_name("var_report"), x.node, x.ts, x.symbols, x.exposure, x.confidence,
           x.var, x.es, x.hist_var, x.hist_es, x.horizon_ms, x.paths, x.seed, x.window,
           x.double_precision, x.backend, x.device, x.compute_ns);
}

} // namespace cwts
