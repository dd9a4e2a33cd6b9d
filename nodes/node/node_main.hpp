#pragma once
// cwts-node's whole run (parse config, restore the halt, spawn the
// supervisor, publish, join peers, print summaries until stopped) as a
// function, so a test-only node build (tests/integration/cluster4/) runs the
// same node with its own kill coordinator. nodes/node/main.cpp calls it with
// no hooks.

#include "nodes/node/node_roles.hpp"

namespace cwts {

struct node_hooks {
  // Replaces the spawn of the `kill` child when set (tests only).
  kill_child_factory kill;
};

// Returns the process exit code (0 stopped cleanly, 1 publish failed, 2 bad
// command line or config).
int run_node(int argc, char** argv, const node_hooks& hooks = {});

} // namespace cwts
