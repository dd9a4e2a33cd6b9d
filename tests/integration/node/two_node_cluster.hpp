#pragma once
// The two-node setup of config/node-gateway.ini + config/node-trading.ini on
// free ports, peers pointing at each other, against one cwts-venue; shared
// by the two-node kill tests. Call inside a CAF_TEST.

#include <string>
#include <thread>
#include <vector>

#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

struct two_node_cluster {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir;
  uint16_t gw_port = free_port();
  uint16_t tr_port = free_port();
  venue_process venue;
  child_process gateway;
  child_process trading;

  // The other node as id@127.0.0.1:port (the ids decide who dials:
  // nodes/node/cluster_link.hpp; gw1 dials tr1).
  static std::string peer(const std::string& id, uint16_t port) { return peers_arg({{id, port}}); }

  // `gw_extra` / `tr_extra`: more --section.key=value overrides per node.
  explicit two_node_cluster(const std::string& name, std::vector<std::string> gw_extra = {},
                            std::vector<std::string> tr_extra = {})
    : dir(make_test_dir(name)),
      venue(paths, dir),
      gateway("gw1", node_argv(paths, "node-gateway.ini", venue.port(), gw_port,
                               with(peer("tr1", tr_port), std::move(gw_extra))),
              dir, dir),
      trading("tr1", node_argv(paths, "node-trading.ini", venue.port(), tr_port,
                               with(peer("gw1", gw_port), std::move(tr_extra))),
              dir, dir) {
  }

  static std::vector<std::string> with(std::string first, std::vector<std::string> rest) {
    rest.insert(rest.begin(), std::move(first));
    return rest;
  }

  std::string logs() {
    return "gw1 stderr:\n" + tail(gateway.err()) + "\ntr1 stderr:\n" + tail(trading.err());
  }
};

// `key` of the kill report's ack from `node`, or "<absent>".
inline std::string ack_field(const kill_view& k, const std::string& node, const std::string& key) {
  for (auto& a : k.acks) {
    auto n = a.find("node");
    if (n != a.end() && n->second == node) {
      auto v = a.find(key);
      return v == a.end() ? std::string("<absent>") : v->second;
    }
  }
  return "<absent>";
}

// Whether a channel named `name` reported ok=1 open_after=0.
inline bool channel_clean(const kill_view& k, const std::string& name) {
  for (auto& c : k.channels) {
    auto n = c.find("name");
    if (n == c.end() || n->second != name)
      continue;
    auto ok = c.find("ok");
    auto open = c.find("open_after");
    return ok != c.end() && ok->second == "1" && open != c.end() && open->second == "0";
  }
  return false;
}

} // namespace cwts::itest
