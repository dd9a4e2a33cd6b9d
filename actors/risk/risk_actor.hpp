#pragma once
// CAF shell of pre-trade risk: every order from the strategy passes the
// pre-trade check here before the OMS sees it; fills keep the positions, feed
// the execution throttle and the loss/drawdown guard.
//
// Messages: trade (validated; reference prices), order_request, cancel_request
// (always passes; counts as a message of its strategy), execution_report,
// order_reject, std::vector<journaled_fill> (the OMS journal's fills after
// it restored: positions rebuilt), trading_state, (wire_atom, role_directory),
// operator_command -> command_result, stats_atom -> actor_stats,
// positions_atom -> std::vector<position_snapshot>.
// Sends: order_request / cancel_request to "oms", order_reject to "strategy",
// kill_command (request -> kill_report) to "kill" on a loss or drawdown breach.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "caf/fwd.hpp"

#include "actors/risk/risk_limits.hpp"
#include "common/kill_gate.hpp"
#include "common/operator_auth.hpp"
#include "messages/ids.hpp"

namespace cwts {

// What a restarted risk actor must not forget: the node holds it and the
// supervisor's restarts share it. Limits changed by operators stay changed;
// a tripped execution throttle stays tripped (only reenable_throttle clears it).
struct risk_memory {
  std::mutex mtx;
  std::optional<risk::risk_limits> limits;
  std::set<strategy_id> tripped;
};

struct risk_actor_config {
  node_id self; // origin and scope of the kills it requests; target of the PnL limits
  const kill_gate* gate = nullptr;
  risk::risk_limits limits;
  risk::symbol_rules_map rules;
  // Keys allowed to change limits and re-enable throttles; null refuses every
  // operator_command with a reason.
  std::shared_ptr<const operator_registry> operators;
  // Shared across restarts; null gives the actor one of its own.
  std::shared_ptr<risk_memory> memory;
  // How long to wait for the kill coordinator's kill_report (logged).
  std::chrono::milliseconds kill_report_timeout{30'000};
};

caf::actor spawn_risk(caf::actor_system& sys, risk_actor_config cfg);

} // namespace cwts
