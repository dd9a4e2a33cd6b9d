#pragma once
// Steps shared by the drill scenarios (drill_scenarios.cpp, and the drills
// that send signed commands, drill_commands.cpp).

#include <optional>
#include <string>

#include "nodes/cluster/drill_context.hpp"

namespace cwts::cluster {

// "12 ms", or "not within the observation window".
std::string ms_text(const std::optional<int64_t>& ms);

// The --node option, else the first node that has `role`, else the last node.
std::string pick_node(drill_context& ctx, const std::string& role);

// After a recovery: the venue sees new orders again. With `since` (the
// venue's count at the injection), orders placed meanwhile already count:
// trading that never stopped is reported as a count, not as a time.
void expect_orders_resume(drill_context& ctx, drill_context::clock_type::time_point t0,
                          const char* measure, std::optional<int64_t> since = std::nullopt);

// Before an injection that needs the whole cluster (a node killed or cut
// off, every node's vote): waits until every node is linked to every other
// ("ready" needs only a quorum). Empty when the mesh is complete, else which
// nodes lack peers after the observation window.
std::string wait_for_full_mesh(drill_context& ctx);

} // namespace cwts::cluster
