#pragma once
// Which actors a node runs, from its roles: every node a kill coordinator;
// "gateway" the venue connector and the validator; "trading" the strategy,
// risk and the OMS.

#include <vector>

#include "actors/supervisor/supervisor_actor.hpp"
#include "common/kill_gate.hpp"
#include "nodes/node/node_config.hpp"

namespace cwts {

std::vector<child_spec> make_children(const node_settings& s, kill_gate& gate);

} // namespace cwts
