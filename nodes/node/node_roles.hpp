#pragma once
// Which actors a node runs, from its roles: every node a kill coordinator;
// "gateway" the venue connector and the validator; "trading" the strategy,
// risk and the OMS.

#include <functional>
#include <vector>

#include "actors/supervisor/supervisor_actor.hpp"
#include "common/kill_gate.hpp"
#include "nodes/node/node_config.hpp"

namespace cwts {

// Spawns a node's kill coordinator; the default is the real one
// (actors/kill). A test-only node build passes its own (node_main.hpp).
using kill_child_factory =
  std::function<caf::actor(caf::actor_system&, const node_settings&, kill_gate&)>;

// `kill`, when set, spawns the `kill` child instead of the real coordinator.
std::vector<child_spec> make_children(const node_settings& s, kill_gate& gate,
                                      const kill_child_factory& kill = {});

} // namespace cwts
