#pragma once
// CAF shell of pre-trade risk: every order from the strategy passes the
// pre-trade check here before the OMS sees it; fills keep the positions.
//
// Messages: trade (validated; reference prices), order_request, cancel_request
// (always passes), execution_report, order_reject, trading_state,
// (wire_atom, role_directory), stats_atom -> actor_stats,
// positions_atom -> std::vector<position_snapshot>.

#include "caf/fwd.hpp"

#include "actors/risk/risk_limits.hpp"
#include "common/kill_gate.hpp"

namespace cwts {

struct risk_actor_config {
  const kill_gate* gate = nullptr;
  risk::risk_limits limits;
  risk::symbol_rules_map rules;
};

caf::actor spawn_risk(caf::actor_system& sys, risk_actor_config cfg);

} // namespace cwts
