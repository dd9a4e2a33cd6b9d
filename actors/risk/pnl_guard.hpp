#pragma once
// Loss limit and drawdown limit on the node's total PnL (realized +
// unrealized, position_book::total_pnl). Each breach is reported once: a
// breach latches, and re-arms only when PnL is back within that limit while
// the order gate is open again (trading was reset). So a PnL that hovers at
// the limit while the node is halted sends one kill, not a storm.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/risk/risk_limits.hpp"
#include "messages/decimal.hpp"

namespace cwts::risk {

enum class pnl_breach_kind : uint8_t { loss_limit, drawdown_limit };

const char* to_string(pnl_breach_kind k);

struct pnl_breach {
  pnl_breach_kind kind = pnl_breach_kind::loss_limit;
  notional pnl;        // total PnL when it happened
  notional high_water; // highest total PnL seen so far
  notional limit;

  // "loss_limit breached: total PnL -1200.5 below -1000 (high-water 50)" or
  // "drawdown_limit breached: total PnL 100 is 600 below high-water 700, more than 500"
  std::string describe() const;
};

class pnl_guard {
public:
  explicit pnl_guard(pnl_limits limits);

  // Feeds the current total PnL; returns the breaches that start with it.
  std::vector<pnl_breach> update(notional pnl, bool gate_open);

  // New limits take effect at the next update (a latched breach re-arms
  // there if the new limit is no longer breached and the gate is open).
  void set_limits(pnl_limits limits) { limits_ = limits; }

  const pnl_limits& limits() const { return limits_; }
  notional last() const { return last_; }
  notional high_water() const { return high_water_; }
  bool latched(pnl_breach_kind k) const { return latched_[static_cast<size_t>(k)]; }
  // Whether the last PnL breaches a limit as the limits are now (a latch
  // stays set while halted; this is what a reset vote asks).
  bool breached_now() const;
  uint64_t breaches() const { return breaches_; }

private:
  pnl_limits limits_;
  notional last_;
  notional high_water_; // starts at zero: the PnL at start
  bool latched_[2] = {false, false};
  uint64_t breaches_ = 0;
};

} // namespace cwts::risk
