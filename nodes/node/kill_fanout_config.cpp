// [kill] fanout (0/1), fanout-host, fanout-port-offset, caf-echo (0/1): the direct kill
// fan-out's settings (docs/kill-switch.md "Direct fan-out"), validated with
// the key named in each error.

#include "nodes/node/node_config.hpp"
#include "nodes/node/node_config_detail.hpp"

namespace cwts {

bool node_config::read_fanout(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& k = s.kill;
  for (auto [key, v] : {std::pair{"kill.fanout", r.fanout}, std::pair{"kill.caf-echo", r.caf_echo}})
    if (v != 0 && v != 1) {
      error = std::string(key) + ": " + std::to_string(v) + " is not 0 (off) or 1 (on)";
      return false;
    }
  using config_detail::in_range;
  if (!in_range("kill.fanout-port-offset", k.fanout_port_offset, 1, 30'000, error)
      || !in_range("kill.fanout-realtime-priority", k.fanout_realtime_priority, 0, 99, error))
    return false;
  if (k.fanout_host.empty() || k.fanout_host.find_first_of(" \t\r\n") != std::string::npos) {
    error = "kill.fanout-host: '" + k.fanout_host + "' is not an address";
    return false;
  }
  // Every listener is its member's cluster port + the offset: each must be
  // a port, or a member would be unreachable on the second path.
  auto too_high = [&](uint16_t port) { return port + k.fanout_port_offset > 65535; };
  if (r.fanout && too_high(s.cluster_port)) {
    error = "kill.fanout-port-offset: cluster.port " + std::to_string(s.cluster_port) + " + "
            + std::to_string(k.fanout_port_offset) + " is past 65535";
    return false;
  }
  for (auto& p : s.peers)
    if (r.fanout && too_high(p.port)) {
      error = "kill.fanout-port-offset: the peer at " + p.host + ":" + std::to_string(p.port)
              + " + " + std::to_string(k.fanout_port_offset) + " is past 65535";
      return false;
    }
  k.fanout = r.fanout == 1;
  k.caf_echo = r.caf_echo == 1;
  return true;
}

} // namespace cwts
