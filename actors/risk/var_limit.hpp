#pragma once
// VaR limit (docs/gpu.md "VaR limit"): the GPU risk worker's var_report
// (messages/gpu.hpp) against [gpu] var-limit. The VaR checked is the
// Monte-Carlo VaR at the highest configured confidence level. A breach is
// reported once: it latches, and re-arms only when VaR is back within the
// limit while the order gate is open again (as pnl_guard), so a VaR that
// stays high while the node is halted sends one kill, not one per update.
// Risk keeps the latest reports, and says in its stats whether the limit is
// breached now (`breach_now.var`: a reset vote is no while it is 1).

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "messages/gpu.hpp"
#include "messages/kill.hpp"

namespace cwts::risk {

struct var_limit_config {
  double limit = 0; // quote currency; 0: off
  kill_level level = kill_level::cancel_all;
};

struct var_breach {
  double var = 0;
  double limit = 0;
  double confidence = 0;
  int64_t horizon_ms = 0;
  std::string backend;

  // "VaR 99% over 60000 ms 1234.5 above limit 1000 (backend cpu-vulkan)"
  std::string describe() const;
};

class var_limit {
public:
  explicit var_limit(var_limit_config cfg = {}) : cfg_(cfg) {}

  // The breach that starts with this report, if any.
  std::optional<var_breach> on_report(const var_report& r, bool gate_open);
  void on_correlation(const correlation_report& r) { correlation_ = r; }

  bool enabled() const { return cfg_.limit > 0; }
  const var_limit_config& config() const { return cfg_; }
  bool breached_now() const;
  bool latched() const { return latched_; }
  uint64_t breaches() const { return breaches_; }
  const std::optional<var_report>& latest() const { return latest_; }
  const std::optional<correlation_report>& latest_correlation() const { return correlation_; }

  // var_reports, var_latest (whole quote units), var_limit, var_breaches,
  // var_breach_active (the latch), breach_now.var.
  void add_stats(std::map<std::string, int64_t>& counters) const;

private:
  // The VaR at the highest confidence of `r` and that confidence.
  static std::pair<double, double> headline(const var_report& r);

  var_limit_config cfg_;
  std::optional<var_report> latest_;
  std::optional<correlation_report> correlation_;
  bool latched_ = false;
  uint64_t breaches_ = 0;
  uint64_t reports_ = 0;
};

} // namespace cwts::risk
