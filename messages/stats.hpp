#pragma once
// Introspection: what an actor measured, for the node's summary line and,
// later, the admin API (DESIGN.md ActorStats).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/symbol.hpp"
#include "caf/meta/type_name.hpp"

namespace cwts {

// Monotonic counters and gauges of one actor, by name.
struct actor_stats {
  std::string actor;
  std::map<std::string, int64_t> counters;
};

// One symbol's position as risk keeps it from fills.
struct position_snapshot {
  symbol sym;
  qty position;
  price average_cost;
  notional realized_pnl;
  notional unrealized_pnl; // at `mark`; zero while risk has no mark
  // The reference price unrealized_pnl is marked at; none (marked = false)
  // until risk took a validated price for the symbol (after a start or a
  // takeover, until the first tick): then unrealized_pnl is unknown, not 0.
  bool marked = false;
  price mark;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_stats& x) {
  return f(caf::meta::type_name("actor_stats"), x.actor, x.counters);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, position_snapshot& x) {
  return f(caf::meta::type_name("position_snapshot"), x.sym, x.position, x.average_cost,
           x.realized_pnl, x.unrealized_pnl, x.marked, x.mark);
}

} // namespace cwts
