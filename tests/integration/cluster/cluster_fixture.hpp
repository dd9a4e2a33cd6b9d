#pragma once
// A cluster config for one test: the nodes of config/cluster-3.ini or
// cluster-4.ini on free loopback ports, config files from CWTS_CONFIG_DIR
// by absolute path, run dir, keys and TLS certificates (`cwts keys`) inside
// the test's folder; with `more_venues`, cluster-3's other venues ([venue-2]
// "fix", traded over FIX on a free port; [venue-3] "okx", over OKX v5;
// [venue-4] "kraken", over Kraken Spot). No CAF: plain checks that print
// what they saw and count failures.

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tests/integration/support/process.hpp"

namespace cwts::itest {

struct cluster_fixture {
  std::string dir;
  std::string config_dir = env("CWTS_CONFIG_DIR");
  std::string cli = env("CWTS_CLI_BIN");
  std::string gen_certs = env("CWTS_GEN_CERTS");
  std::string file; // the cluster config written for this test
  std::vector<std::string> ids;
  std::vector<uint16_t> admin_ports;
  std::vector<uint16_t> cluster_ports; // per node of `ids`
  int failures = 0;

  // `standby`: cluster-4's layout (tr2 stands by for tr1). `node_args`: more
  // options given to every node.
  cluster_fixture(const std::string& name, bool standby, bool tls = true, bool more_venues = false,
                  const std::string& node_args = "")
    : dir(make_test_dir(name)), file(dir + "/cluster.ini") {
    ids = standby ? std::vector<std::string>{"gw1", "tr1", "w1", "tr2"}
                  : std::vector<std::string>{"gw1", "tr1", "w1"};
    // This cluster's own keys, operators file and certificates (issue 17:
    // no key ships with the repository).
    std::string node_list;
    for (auto& id : ids)
      node_list += (node_list.empty() ? "" : ",") + id;
    auto keys = run_command("cwts-keys", {cli, "keys", "--out=" + keys_dir(), "--nodes=" + node_list},
                            dir);
    check(keys.exit_code == 0, "cwts keys made the keys and certificates: " + keys.out + keys.err);
    std::ofstream out(file);
    out << "[cluster]\nname = \"" << name << "\"\nrun-dir = \"" << dir << "/run\"\nnodes = \"";
    for (size_t i = 0; i < ids.size(); ++i)
      out << (i ? "," : "") << ids[i];
    out << "\"\nready-timeout-ms = 60000\nnode-args = --kill.required-roles=[\"oms\",\"connector\"] "
           "--kill.role-lost-halt-ms=10000 --operators.file=" << keys_dir() << "/operators.ini "
           "--kill.node-key-file=" << keys_dir() << "/nodes/node-<node-id>.pem"
        << (node_args.empty() ? "" : " " + node_args) << "\n\n[tls]\nenabled = " << (tls ? "true" : "false")
        << "\ncerts-dir = \"" << (tls ? keys_dir() + "/certs" : dir + "/certs")
        << "\"\n\n[venue]\nconfig = \"" << config_dir
        << "/venue.ini\"\nport = 0\nspeed = 300\ncredentials-file = \"" << config_dir
        << "/venue-demo-keys.ini\"\n";
    if (more_venues)
      out << "\n[venue-2]\nname = \"fix\"\nconfig = \"" << config_dir
          << "/venue.ini\"\nport = 0\nfix-port = 0\nspeed = 300\ncredentials-file = \""
          << config_dir << "/venue-demo-keys.ini\"\nsymbols = [\"USDCHF\"]\n"
          << "\n[venue-3]\nname = \"okx\"\nprotocol = \"okx\"\nconfig = \"" << config_dir
          << "/venue.ini\"\nport = 0\nspeed = 300\ncredentials-file = \"" << config_dir
          << "/venue-demo-keys.ini\"\nsymbols = [\"USDCHF\"]\n"
          << "\n[venue-4]\nname = \"kraken\"\nprotocol = \"kraken\"\nconfig = \"" << config_dir
          << "/venue.ini\"\nport = 0\nspeed = 300\ncredentials-file = \"" << config_dir
          << "/venue-demo-keys.ini\"\nsymbols = [\"USDCHF\"]\n";
    for (auto& id : ids) {
      auto admin = free_port();
      admin_ports.push_back(admin);
      out << "\n[node." << id << "]\nconfig = \"" << config_dir
          << (id == "tr1" || id == "tr2" ? "/node-trading.ini" : "/node-gateway.ini") << "\"\n"
          << "cluster-port = " << cluster_ports.emplace_back(free_port()) << "\nadmin-port = " << admin
          << "\n";
      if (id == "w1")
        out << "roles = [\"witness\"]\n";
      if (id == "tr2")
        out << "standby-for = \"tr1\"\n";
    }
  }

  bool ready() const { return !config_dir.empty() && !cli.empty() && !gen_certs.empty(); }

  // `cwts keys` output of this test: operators.ini, operators/, nodes/, certs/.
  std::string keys_dir() const { return dir + "/keys"; }
  std::string operator_key(const std::string& name) const {
    return keys_dir() + "/operators/" + name + ".pem";
  }

  command_result cwts(std::vector<std::string> args, millis timeout = millis{90000}) {
    args.insert(args.begin(), cli);
    return run_command("cwts", args, dir, timeout);
  }

  void check(bool ok, const std::string& what) {
    std::cout << (ok ? "ok    " : "FAIL  ") << what << "\n";
    if (!ok)
      ++failures;
  }

  static bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }
};

} // namespace cwts::itest
