#pragma once
// Stale market data auto-trigger (docs/kill-switch.md "Auto-triggers"): no
// validated trade for a configured symbol for `stale_after` while the node
// is trading (its order gate open) -> one level-1 node kill. Quoting on a
// price nobody has confirmed for that long is quoting blind.
//
// Time is passed in (monotonic ns), so it is tested without a clock: the
// actor calls check() on a timer. Age counts only while trading: from the
// monitor's start, and again from the moment the gate is seen open after it
// was closed (a reset, or a node that started halted), so a node that
// resumes gets `stale_after` for its streams to deliver. One breach names
// every symbol stale at that moment and latches, like pnl_guard: it re-arms
// when the gate reopens (trading was reset). So a stale feed while the node
// is halted sends one kill, not a storm.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "messages/symbol.hpp"

namespace cwts::validator {

struct stale_data_config {
  std::vector<symbol> symbols;
  int64_t stale_after_ns = 0; // 0: off
};

struct stale_breach {
  // The stale symbols and how long since each one's last validated trade.
  std::vector<std::pair<symbol, int64_t>> stale; // (symbol, age ns)
  int64_t limit_ns = 0;

  // "stale market data: no validated trade for USDCHF for 1200 ms (limit 1000 ms)"
  std::string describe() const;
};

class stale_data_monitor {
public:
  stale_data_monitor(stale_data_config cfg, int64_t start_ns);

  bool enabled() const { return cfg_.stale_after_ns > 0; }
  const stale_data_config& config() const { return cfg_; }

  // A validated trade (the validator's verdict ok) of `sym` at `now`.
  void on_trade(const symbol& sym, int64_t now_ns);

  // The breach that starts now, if any. `trading`: the node's order gate is open.
  std::optional<stale_breach> check(int64_t now_ns, bool trading);

  // Ns since the last validated trade of `sym` (or since start); -1 when not configured.
  int64_t age_ns(const symbol& sym, int64_t now_ns) const;
  bool latched() const { return latched_; }
  uint64_t breaches() const { return breaches_; }

private:
  stale_data_config cfg_;
  std::vector<int64_t> last_ns_; // per cfg_.symbols entry
  bool latched_ = false;
  bool was_trading_ = true; // at the last check
  uint64_t breaches_ = 0;
};

} // namespace cwts::validator
