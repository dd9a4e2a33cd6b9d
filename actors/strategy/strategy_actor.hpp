#pragma once
// CAF shell of the reference strategy: one market maker per symbol, fed with
// validated trades; its orders and cancels go to risk, never straight to the
// OMS.
//
// Messages: trade, execution_report, order_reject, trading_state,
// (wire_atom, role_directory), stats_atom -> actor_stats.

#include <vector>

#include "caf/fwd.hpp"

#include "actors/strategy/market_maker.hpp"

namespace cwts {

struct strategy_actor_config {
  node_id self; // prefix of client order ids
  std::vector<strategy::market_maker_config> makers;
};

caf::actor spawn_strategy(caf::actor_system& sys, strategy_actor_config cfg);

} // namespace cwts
