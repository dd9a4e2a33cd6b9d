#pragma once
// Which actors a node runs, from its roles: every node a kill coordinator;
// "gateway" the venue connector and the validator; "trading" the strategy,
// risk and the OMS.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "actors/connector/connector_actor.hpp"
#include "actors/kill/kill_coordinator_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/strategy/strategy_actor.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "common/kill_gate.hpp"
#include "common/lease_gate.hpp"
#include "nodes/admin/admin_service.hpp"
#include "nodes/node/node_config.hpp"

namespace cwts {

// Spawns a node's kill coordinator; the default is the real one
// (actors/kill). A test-only node build passes its own (node_main.hpp).
using kill_child_factory =
  std::function<caf::actor(caf::actor_system&, const node_settings&, kill_gate&)>;

// The kill coordinator's config: [kill]'s tuning whole, the cluster's
// members and the fan-out's endpoints; the compliance outbox is opened by
// the spec, not here.
kill_coordinator_config make_kill_config(const node_settings& s, kill_gate& gate);

// The connector of venue `v` of the node.
connector_actor_config make_connector_config(const node_settings& s, const venue_settings& v,
                                             const kill_gate& gate, const lease_gate& lease);

// Risk's config: [risk]'s limit structs whole, per traded symbol and per
// market maker (maker ids as make_strategy_config names them).
risk_actor_config make_risk_config(const node_settings& s, const kill_gate& gate);

// One market maker per venue and symbol, each with [strategy]'s quoting
// whole (strategy::quote_tuning). Throws std::invalid_argument naming a bad
// key (strategy::validate).
strategy_actor_config make_strategy_config(const node_settings& s);

// The admin port's config ([admin], and [health] whole).
admin::admin_config make_admin_config(const node_settings& s);

// `kill`, when set, spawns the `kill` child instead of the real coordinator.
// `lease`: the node's trading-lease gate (common/lease_gate.hpp), read by
// the OMS and the connectors on every order.
std::vector<child_spec> make_children(const node_settings& s, kill_gate& gate, lease_gate& lease,
                                      const kill_child_factory& kill = {});

// The roles a standby holds back until it takes over (docs/supervision.md
// "Failover"): every child but the kill coordinator and a journal replica
// (replica-for/<active>, which runs while standing by) (the venue connector
// and validator of a gateway, strategy, risk and OMS of a trading node, the
// GPU worker).
std::set<std::string> failover_roles(const std::vector<child_spec>& children);

// The node's supervisor: its children, strategy and intensity ([supervisor]),
// drills ([drill]), standby ([cluster] standby-for), node key and gate.
supervisor_config make_supervisor_config(const node_settings& s, kill_gate& gate,
                                         lease_gate& lease,
                                         const kill_child_factory& kill = {});

} // namespace cwts
