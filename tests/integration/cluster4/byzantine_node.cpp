// TEST ONLY: cwts-byzantine-node, the real cwts-node (nodes/node/node_main.hpp)
// with a Byzantine kill coordinator (byzantine_kill.hpp) in place of the real
// one. Every other actor, the config and the cluster links are the node's.
//
//   cwts-byzantine-node --byzantine.modes=drop,forge,replay,yes
//     --config-file=config/node-gateway.ini --cwts.node-id=byz --cwts.roles=["witness"] ...
//   cwts-byzantine-node --byzantine.modes=crash --byzantine.echo-to=w1 ...
//
// The --byzantine.* options are taken out before the node parses the rest.

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "nodes/node/node_main.hpp"
#include "tests/integration/cluster4/byzantine_kill.hpp"

namespace {

bool take(const std::string& arg, const std::string& key, std::string& value) {
  if (arg.rfind(key, 0) != 0)
    return false;
  value = arg.substr(key.size());
  return true;
}

} // namespace

int main(int argc, char** argv) {
  std::set<std::string> modes;
  std::string echo_to;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i], v;
    if (take(a, "--byzantine.modes=", v)) {
      std::stringstream in(v);
      for (std::string m; std::getline(in, m, ',');)
        if (!m.empty())
          modes.insert(m);
    } else if (take(a, "--byzantine.echo-to=", v)) {
      echo_to = v;
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (auto bad = cwts::itest::unknown_mode(modes); !bad.empty() || modes.empty()) {
    std::cerr << "cwts-byzantine-node: --byzantine.modes=drop,forge,replay,yes|crash needed"
              << (bad.empty() ? "" : " (unknown mode '" + bad + "')") << "\n";
    return 2;
  }
  cwts::node_hooks hooks;
  hooks.kill = [modes, echo_to](caf::actor_system& sys, const cwts::node_settings& s,
                                cwts::kill_gate& gate) {
    cwts::itest::byzantine_config cfg;
    cfg.self = s.self;
    cfg.gate = &gate;
    cfg.node_key = s.kill.node_key;
    cfg.heartbeat_interval = s.kill.heartbeat_interval;
    cfg.modes = modes;
    cfg.echo_to = echo_to;
    cfg.cluster = s.cluster_id;
    return cwts::itest::spawn_byzantine_kill(sys, cfg);
  };
  rest.push_back(nullptr);
  return cwts::run_node(static_cast<int>(rest.size()) - 1, rest.data(), hooks);
}
