#pragma once
// The admin port's JSON API for the console (docs/monitoring.md "JSON API"):
// /api/nodes, /api/actors, /api/actors/<role>, /api/orders, /api/positions,
// /api/risk, /api/kill. CAF-free: each renders a snapshot.

#include <string>
#include <vector>

#include "common/metrics/actor_meter.hpp"
#include "nodes/admin/node_snapshot.hpp"

namespace cwts::admin {

std::string api_nodes(const node_snapshot& s);
// `role` empty: every actor; else that one (empty string when unknown).
std::string api_actors(const node_snapshot& s, const std::vector<const metrics::actor_meter*>& meters,
                       const std::string& role);
std::string api_orders(const node_snapshot& s);
std::string api_positions(const node_snapshot& s);
std::string api_risk(const node_snapshot& s);
std::string api_kill(const node_snapshot& s);

} // namespace cwts::admin
