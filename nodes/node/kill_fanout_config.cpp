// [kill] fanout (0/1), fanout-host, fanout-port-offset, caf-echo (0/1): the direct kill
// fan-out's settings (docs/kill-switch.md "Direct fan-out"), validated with
// the key named in each error.

#include "nodes/node/node_config.hpp"

namespace cwts {

bool node_config::read_fanout(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& k = s.kill;
  for (auto [key, v] : {std::pair{"kill.fanout", r.fanout}, std::pair{"kill.caf-echo", r.caf_echo}})
    if (v != 0 && v != 1) {
      error = std::string(key) + ": " + std::to_string(v) + " is not 0 (off) or 1 (on)";
      return false;
    }
  if (r.fanout_port_offset < 1 || r.fanout_port_offset > 30'000) {
    error = "kill.fanout-port-offset: " + std::to_string(r.fanout_port_offset)
            + " is outside 1..30000";
    return false;
  }
  if (r.fanout_realtime_priority < 0 || r.fanout_realtime_priority > 99) {
    error = "kill.fanout-realtime-priority: " + std::to_string(r.fanout_realtime_priority)
            + " is outside 0..99";
    return false;
  }
  if (r.fanout_host.empty() || r.fanout_host.find_first_of(" \t\r\n") != std::string::npos) {
    error = "kill.fanout-host: '" + r.fanout_host + "' is not an address";
    return false;
  }
  // Every listener is its member's cluster port + the offset: each must be
  // a port, or a member would be unreachable on the second path.
  auto too_high = [&](uint16_t port) { return port + r.fanout_port_offset > 65535; };
  if (r.fanout && too_high(s.cluster_port)) {
    error = "kill.fanout-port-offset: cluster.port " + std::to_string(s.cluster_port) + " + "
            + std::to_string(r.fanout_port_offset) + " is past 65535";
    return false;
  }
  for (auto& p : s.peers)
    if (r.fanout && too_high(p.port)) {
      error = "kill.fanout-port-offset: the peer at " + p.host + ":" + std::to_string(p.port)
              + " + " + std::to_string(r.fanout_port_offset) + " is past 65535";
      return false;
    }
  k.fanout = r.fanout == 1;
  k.fanout_host = r.fanout_host;
  k.fanout_port_offset = static_cast<int>(r.fanout_port_offset);
  k.caf_echo = r.caf_echo == 1;
  k.fanout_realtime_priority = static_cast<int>(r.fanout_realtime_priority);
  return true;
}

} // namespace cwts
