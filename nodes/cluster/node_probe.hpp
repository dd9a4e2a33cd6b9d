#pragma once
// What a node's admin port says about it right now: up (/healthz), ready
// (/readyz), its trading state and quorum (/api/nodes). Read by
// `cwts cluster status` and by drills, which time state changes with it.

#include <cstdint>
#include <string>

namespace cwts::cluster {

struct node_view {
  bool reachable = false; // the admin port answered
  bool healthy = false;   // /healthz 200
  bool ready = false;     // /readyz 200
  std::string mode;       // ACTIVE, HALTED, ... (empty when unknown)
  std::string level;      // none, halt_new_orders, ...
  std::string cause;
  bool quorum_held = false;
  int64_t peers = 0;      // peers whose heartbeat the kill coordinator tracks
  std::string error;      // why it is not reachable

  bool halted() const { return !mode.empty() && mode != "ACTIVE"; }
};

node_view probe_node(uint16_t admin_port);

} // namespace cwts::cluster
