#pragma once
// CAF shell of the OMS: orders that passed risk are registered (duplicate ids
// refused), checked against the gate once more, and routed to the connector
// of the order's venue ("connector.<venue>" in the directory; none there:
// rejected venue_not_connected); venue reports drive the FIX state machine
// and are forwarded to risk and the strategy.
//
// Journal (issue 5): with a journal path, every order is written to the
// SQLite journal before it is sent (a failed write rejects it, unsent) and
// every applied change after; at start the live orders of the journal are
// restored into the store. An empty path keeps the store in memory only.
//
// Reconciliation (reconciler.hpp), per venue: whenever a venue's connector is
// wired (start, connector restart) the OMS sends it reconcile_orders with that
// venue's live orders and settles the venue_snapshot it answers with; new
// orders for that venue are refused (not_reconciled) until its orders are
// settled and its account's positions explained (each venue has its own
// baseline). An unexplained position holds that venue until an operator's
// signed accept_positions command; other venues trade on.
//
// Amend (cancel/replace): the replacement goes out only once the venue has
// confirmed the original's cancel; it is refused if the original fills first.
//
// Trading lease (issue 24, lease_stamp.hpp): an order or replacement leaves
// only while the node holds the lease of role "oms" at that moment, stamped
// with its epoch; else refused no_trading_lease. Cancels need no lease.
//
// What the venue said (execution_report, order_reject, venue_snapshot, a
// reconcile request) is taken only from the connector the directory lists for
// the venue it names or an actor of this node, and a report on an order of
// another venue is refused (reports.foreign_venue); anything else is refused and counted
// (refused_remote.<kind>), nothing applied (docs/kill-switch.md "Safety
// messages and the actor layer").
//
// Phases (issue 26, oms_phase.hpp, docs/oms.md "Phases"): node-wide, the
// OMS is reconciling (no venue reconciled yet), trading, standby (the
// trading lease was found not held) or halted (the journal lost a change);
// one behaviour per phase, switched with become and logged as
// event=oms_phase. Only trading routes orders; the others refuse them with
// the phase's reason and count it (stats phase.refused.<phase>).
//
// Messages: order_request, cancel_request, amend_request, execution_report,
// order_reject, venue_snapshot, operator_command -> command_result,
// (cancel_all_atom, kill_command) -> channel_result (orders in the kill's scope), trading_state,
// (wire_atom, role_directory), stats_atom -> actor_stats.
// To risk after each restore: std::vector<journaled_fill> (positions).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "caf/fwd.hpp"

#include "common/kill_gate.hpp"
#include "common/lease_gate.hpp"
#include "common/node_kill.hpp"
#include "common/operator_auth.hpp"
#include "messages/decimal.hpp"
#include "messages/ids.hpp"

namespace cwts::oms {
struct journal_faults;
}

namespace cwts {

struct oms_actor_config {
  node_id self;
  const kill_gate* gate = nullptr;
  // The trading lease of role "oms" (common/lease_gate.hpp): null or the
  // role not leased, orders carry epoch 0.
  const lease_gate* lease = nullptr;
  std::string journal_path; // empty: no journal, in-memory store only
  // The venue of journal rows written before orders carried one (schema 1
  // and 2): the node's first configured venue.
  venue_name legacy_venue;
  // Keys allowed to accept reconciled positions; null refuses them.
  std::shared_ptr<const operator_registry> operators;
  // Reconciliation: pause between rounds that did not settle, how long to
  // wait for the connector's snapshot, how many rounds with unexplained
  // positions before the node stays halted, and the difference per base
  // asset still explained (commission taken in the base asset).
  std::chrono::milliseconds reconcile_retry{500};
  std::chrono::milliseconds snapshot_timeout{10000};
  int32_t unexplained_rounds = 3;
  qty position_tolerance;
  // A strategy kill's cancels: how long the channel waits for the venue to
  // confirm every one before it reports the ones still open.
  std::chrono::milliseconds scoped_cancel_deadline{5000};
  // A journal that loses state changes halts the OMS, which asks the node's
  // kill coordinator for a node halt signed with this key (as risk's
  // auto-triggers do; docs/kill-switch.md "Auto-triggers"). Without a key
  // the kill goes unsigned and is refused (audited); the OMS halts anyway.
  node_kill_signer kill_signer;
  std::chrono::milliseconds kill_report_timeout{10000};
  // Test hook: makes journal writes fail on demand (null in production).
  std::shared_ptr<oms::journal_faults> journal_faults;
};

caf::actor spawn_oms(caf::actor_system& sys, oms_actor_config cfg);

} // namespace cwts
