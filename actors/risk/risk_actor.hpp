#pragma once
// CAF shell of pre-trade risk: every order from the strategy passes the
// pre-trade check here before the OMS sees it; fills keep the positions, feed
// the execution throttle and the loss/drawdown guard.
//
// Messages: trade (validated; reference prices), order_request, amend_request
// (the replacement is checked like a new order), cancel_request
// (always passes; counts as a message of its strategy), execution_report,
// order_reject, std::vector<journaled_fill> (the OMS journal's fills after
// it restored: positions rebuilt), std::vector<restored_order> (its live
// orders: exposure and credit counted again), trading_state, (wire_atom, role_directory),
// operator_command -> command_result, stats_atom -> actor_stats,
// positions_atom -> std::vector<position_snapshot>.
// Sends: order_request / cancel_request to "oms", order_reject to "strategy",
// kill_command (request -> kill_report) to "kill" on a loss or drawdown breach
// (level 2) and on a reject-rate breach (level 1), node scope, signed with the
// node key (common/node_kill.hpp).

#include <chrono>
#include <memory>
#include <mutex>

#include "caf/fwd.hpp"

#include "actors/risk/reject_rate.hpp"
#include "actors/risk/risk_limits.hpp"
#include "actors/risk/var_limit.hpp"
#include "common/kill_gate.hpp"
#include "common/operator_auth.hpp"
#include "messages/ids.hpp"

namespace cwts {

// The risk state a node keeps across restarts of its risk actor (the
// supervisor's restarts share it): positions and order exposure, reference
// prices, limits as operators changed them, throttle windows and latches (a
// tripped strategy stays tripped: only reenable_throttle clears it), the PnL
// high-water mark and breach latches. A risk actor that forgot its exposure
// when restarted would pass what it refused a moment before.
struct risk_core; // defined in risk_core.hpp

struct risk_memory {
  std::mutex mtx; // hand-over from an ended actor to its successor
  std::shared_ptr<risk_core> core;
};

struct risk_actor_config {
  node_id self; // origin and scope of the kills it requests; target of the PnL limits
  const kill_gate* gate = nullptr;
  risk::risk_limits limits;
  risk::symbol_rules_map rules;
  // Keys allowed to change limits and re-enable throttles; null refuses every
  // operator_command with a reason.
  std::shared_ptr<const operator_registry> operators;
  // Append-only file of trips, re-enables and limit changes, replayed when a
  // process starts (risk_decision_log.hpp); empty keeps them in memory only.
  std::string decisions_path;
  // Shared across restarts; null gives the actor one of its own.
  std::shared_ptr<risk_memory> memory;
  // The node key that signs the kills it requests (listed in the operators
  // file under kill_issuer with role kill); null sends them unsigned, and the
  // kill coordinator refuses them.
  operator_id kill_issuer{"risk"};
  std::shared_ptr<const ed25519_signer> kill_key;
  std::string kill_cluster{}; // [cluster] id the kills are signed for
  // [risk] max-reject-ratio / reject-window-ms / reject-min-orders: the
  // reject-rate auto-trigger (reject_rate.hpp); max_ratio 0 is off.
  risk::reject_rate_limits reject_rate;
  // [gpu] var-limit / var-kill-level: the GPU worker's VaR against a limit
  // (var_limit.hpp); limit 0 is off.
  risk::var_limit_config var_limit;
  // How long to wait for the kill coordinator's kill_report (logged).
  std::chrono::milliseconds kill_report_timeout{30'000};
  // Level-3 flatten: the account and venue its orders trade (a position is
  // per symbol across venues; it is flattened at the node's first venue),
  // how often what is still open is looked at again (and sent for), and
  // when the channel gives up.
  account_id account;
  venue_name flatten_venue;
  std::chrono::milliseconds flatten_poll{100};
  std::chrono::milliseconds flatten_deadline{5'000};
};

caf::actor spawn_risk(caf::actor_system& sys, risk_actor_config cfg);

} // namespace cwts
