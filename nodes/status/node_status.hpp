#pragma once
// What a node's actors measured, collected by request (summary line, the
// `cwts status` command). Values come from the actors' own counters.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "messages/kill.hpp"
#include "messages/registry.hpp"
#include "messages/stats.hpp"

namespace cwts {

struct node_status {
  std::string node;
  std::map<std::string, actor_stats> stats; // by role
  std::vector<position_snapshot> positions;
  std::optional<trading_state> state;
  // Typed answers /readyz and the health rules decide on; the counters in
  // `stats` are for dashboards and operators (a renamed counter must not
  // change a decision: issue 17 finding 11). Unset when this node hosts no
  // such role or it did not answer.
  // Every venue connector on this node (connector.<venue>) that answered
  // its connector_status_atom, by venue.
  std::map<venue_name, connector_status> connectors{};
  std::optional<reset_precondition> oms{};     // the OMS's precond_atom answer
  std::optional<quorum_status> quorum{};       // the kill coordinator's quorum_atom answer

  int64_t counter(const std::string& role, const std::string& key) const;
  // The venues whose connector role is in `stats` (answered its stats).
  std::vector<venue_name> connector_venues() const;
};

// Asks every role in `dir` hosted on `owner` (the node being inspected) for
// its stats, risk for positions, kill for the trading state, every
// connector (connector.<venue>) for its connector_status and the OMS for its
// reconciliation
// (reset_precondition); a role that does not answer within `timeout` is left
// out.
node_status collect_status(caf::scoped_actor& self, const caf::node_id& owner,
                           const std::string& node, const role_directory& dir,
                           std::chrono::milliseconds timeout);

// One line: ticks/s, orders, fills, position, PnL, trading state.
std::string format_summary(const node_status& now, const node_status& before, double elapsed_s);

// Several lines: every counter of every role, positions, state.
std::string format_details(const node_status& s);

} // namespace cwts
