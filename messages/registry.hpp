#pragma once
// The one place that lists every message type and atom that crosses an actor
// boundary. Both sides of a remote link must register the same names.

#include "caf/actor_system_config.hpp"
#include "caf/atom.hpp"

#include "messages/audit.hpp"
#include "messages/cluster.hpp"
#include "messages/connector_status.hpp"
#include "messages/gpu.hpp"
#include "messages/journal_ship.hpp"
#include "messages/kill.hpp"
#include "messages/lease.hpp"
#include "messages/market_data.hpp"
#include "messages/open_orders_query.hpp"
#include "messages/operator_command.hpp"
#include "messages/order_book.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"
#include "messages/reset_precondition.hpp"
#include "messages/stats.hpp"

#include <map>
#include <string>

#include "caf/actor.hpp"

namespace cwts {

// Atoms (at most 10 characters in CAF 0.17).
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using cancel_all_atom = caf::atom_constant<caf::atom("cancelall")>;
using open_orders_atom = caf::atom_constant<caf::atom("openorders")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using peer_atom = caf::atom_constant<caf::atom("peer")>;
using gate_atom = caf::atom_constant<caf::atom("gate")>;
using directory_atom = caf::atom_constant<caf::atom("directory")>;
using wire_atom = caf::atom_constant<caf::atom("wire")>;
using positions_atom = caf::atom_constant<caf::atom("positions")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using reset_atom = caf::atom_constant<caf::atom("reset")>;
using flatten_atom = caf::atom_constant<caf::atom("flatten")>;
using disconnect_atom = caf::atom_constant<caf::atom("disconnect")>;
using freeze_atom = caf::atom_constant<caf::atom("freeze")>;
// Operator drills (docs/operations.md): crash a supervised role on purpose.
using crash_atom = caf::atom_constant<caf::atom("crash")>;
// Local order book top levels of a symbol (connector).
using book_atom = caf::atom_constant<caf::atom("book")>;
// The kill coordinator's audit timer: anchors to peers, refusal summaries.
using audit_atom = caf::atom_constant<caf::atom("audit")>;
// Asks a local actor for its reset_precondition (a reset vote; readiness
// and the supervisor's failover ask the OMS whether it is reconciled).
using precond_atom = caf::atom_constant<caf::atom("precond")>;
// Asks a connector for its connector_status (readiness, health rules).
using connector_status_atom = caf::atom_constant<caf::atom("connstatus")>;
// Asks the kill coordinator for its quorum_status (readiness).
using quorum_atom = caf::atom_constant<caf::atom("quorum")>;
// The trading lease (messages/lease.hpp): requests, replies and releases
// between lease actors; the lease actor's view to its supervisor, and the
// supervisor's mode for it (hold or watch).
using lease_atom = caf::atom_constant<caf::atom("lease")>;

// Role name ("oms", "connector", ...) -> actor, as a node's supervisor knows
// it. Sent to every actor after each (re)spawn so handles never go stale.
using role_directory = std::map<std::string, caf::actor>;

// The actor holding `role`, or an invalid handle when no node hosts it.
inline caf::actor find_role(const role_directory& dir, const std::string& role) {
  auto i = dir.find(role);
  return i == dir.end() ? caf::actor{} : i->second;
}

// The role of venue `v`'s connector: "connector.<v>" (one per venue in the
// cluster; each is supervised and failed over on its own).
inline const std::string connector_role_prefix = "connector.";
inline std::string connector_role(const venue_name& v) { return connector_role_prefix + v.value; }

// The venue of a connector role ("connector.binance" -> binance), or an empty
// id for any other role.
inline venue_name venue_of_role(const std::string& role) {
  if (role.size() <= connector_role_prefix.size()
      || role.compare(0, connector_role_prefix.size(), connector_role_prefix) != 0)
    return {};
  return venue_name{role.substr(connector_role_prefix.size())};
}

// Every venue connector of `dir`, by venue.
inline std::map<venue_name, caf::actor> connectors_in(const role_directory& dir) {
  std::map<venue_name, caf::actor> out;
  for (auto& [role, actor] : dir)
    if (auto v = venue_of_role(role); !v.empty() && actor)
      out.emplace(v, actor);
  return out;
}

// Registers every wire type with `cfg` (call before the actor system starts).
void register_message_types(caf::actor_system_config& cfg);

} // namespace cwts
