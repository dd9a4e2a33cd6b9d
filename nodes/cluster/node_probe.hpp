#pragma once
// What a node's admin port says about it right now: up (/healthz), ready
// (/readyz), its trading state and quorum (/api/nodes). Read by
// `cwts cluster status` and by drills, which time state changes with it.

#include <cstdint>
#include <map>
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
  // Per peer: how long ago its last heartbeat came (a cut link: growing).
  std::map<std::string, int64_t> heartbeat_age_ms;
  std::string error;      // why it is not reachable

  bool halted() const { return !mode.empty() && mode != "ACTIVE"; }
};

// The node whose admin port is `host`:`admin_port`.
node_view probe_node(const std::string& host, uint16_t admin_port);
inline node_view probe_node(uint16_t admin_port) {
  return probe_node("127.0.0.1", admin_port);
}

} // namespace cwts::cluster
